import { can } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import type { Protection } from '@/lib/config/environments';

/**
 * What the signed-in person may do on one environment, decided by lib's guard, so the UI
 * shows exactly those actions (the server refuses the rest anyway).
 */
export interface Capabilities {
  role: Principal['role'];
  dryRun: boolean;
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
