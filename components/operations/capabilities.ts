import { can } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import type { Protection } from '@/lib/config/environments';
import type { ChangeSetState } from '@/lib/migrate/target-state';
import { waysOut, type WayOut } from '@/lib/migrate/ways-out';

/** How a person can take a way out of a change set's state here: directly, or by asking for approval. */
export type FixMode = 'direct' | 'request';

/**
 * What the signed-in person may do on one environment, decided by lib's guard, so the UI
 * shows exactly those actions (the server refuses the rest anyway).
 */
export interface Capabilities {
  role: Principal['role'];
  dryRun: boolean;
  /** Run the pending change sets on a scratch copy of the environment (developer+; operator+ on protected ones). */
  rehearse: boolean;
  /** Apply and roll back directly (open and guarded environments). */
  change: boolean;
  /** Ask for an apply or rollback through two-person approval (protected environments). */
  request: boolean;
  /** Seed, and truncate-and-reseed (open environments only). */
  seed: boolean;
  reset: boolean;
  /** Restore a backup directly (open and guarded), or only see what a restore would write. */
  restore: boolean;
  restoreDryRun: boolean;
}

export function capabilitiesFor(principal: Principal, protection: Protection): Capabilities {
  return {
    role: principal.role,
    dryRun: can(principal, 'dry-run', { protection }),
    rehearse: can(principal, 'rehearse', { protection }),
    change: can(principal, 'apply', { protection }),
    request: can(principal, 'request.create', { protection }),
    seed: can(principal, 'seed', { protection }),
    reset: can(principal, 'reset', { protection }),
    restore: can(principal, 'backup.restore', { protection }),
    restoreDryRun: can(principal, 'backup.restore.dry-run', { protection }),
  };
}

/** What a change button does for this person: run it, request it, only dry-run it — or nothing. */
export function operationKind(capabilities: Capabilities): 'run' | 'request' | 'dry-run' | null {
  return capabilities.change ? 'run' : capabilities.request ? 'request' : capabilities.dryRun ? 'dry-run' : null;
}

/**
 * The ways out this person can take for a change set in `state` here: each directly (the
 * guard allows the fix on this environment) or as a request (a protected environment), and
 * none for roles that may do neither.
 */
export function fixWaysFor(principal: Principal, protection: Protection, state: ChangeSetState | 'rolled_back', optional: boolean): Array<{ way: WayOut; mode: FixMode }> {
  const ways = waysOut(state === 'rolled_back' ? 'pending' : state, optional);
  const request = can(principal, 'request.create', { protection });
  return ways.flatMap((way): Array<{ way: WayOut; mode: FixMode }> => {
    const action = way === 'skip' || way === 'unskip' ? 'changeset.skip' : 'changeset.resolve';
    if (can(principal, action, { protection })) return [{ way, mode: 'direct' }];
    return request ? [{ way, mode: 'request' }] : [];
  });
}
