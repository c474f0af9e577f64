import { z } from 'zod';
import type { Action } from '../auth/guard';
import type { Principal } from '../auth/types';
import { findChangeSet } from '../changesets/project';
import { StrataError } from '../errors';
import { resolveChangeSet, skipChangeSet, unskipChangeSet, type BookkeepingOptions } from '../migrate/bookkeeping-ops';
import type { PlanItem } from '../migrate/plan';
import { readTarget } from '../migrate/read-status';
import type { ChangeSetState } from '../migrate/target-state';
import { RESOLUTIONS, waysOut, type WayOut } from '../migrate/ways-out';
import { engineLogger } from '../observability/logger';
import { optionalChangeSets } from '../project/load-project';
import { audited } from './audited';
import { invalidateDrift } from './drift-service';
import type { OperationTarget } from './environment-operations';
import { changeSetTag } from './operation-request';

/**
 * Fixing one change set from the console, without running its SQL: a way out of a failed,
 * interrupted or edited change set (resolve: retry, mark applied, mark rolled back, accept
 * the changed file), or skipping / un-skipping an optional one. Done directly on open and
 * guarded environments (by the roles the guard allows, the environment's name typed back),
 * and through an approved request on protected ones (request-kinds.ts) — both end here, in
 * the engine's functions, which take the target's lock (a running apply: LOCKED).
 */

/** A fix as the doors accept it (the change set's tag comes from the URL). */
export const resolvePayload = z.object({ tag: changeSetTag, as: z.enum(RESOLUTIONS).describe('retry, applied, rolled-back or accept-checksum') }).strict();
export const skipPayload = z.object({ tag: changeSetTag }).strict();

export type ChangeSetFix = { action: 'resolve'; tag: string; as: (typeof RESOLUTIONS)[number] } | { action: 'skip'; tag: string } | { action: 'unskip'; tag: string };

export { RESOLUTIONS };

/** What a fix did: the change set's state afterwards. */
export interface FixResult {
  fixed: { action: ChangeSetFix['action']; tag: string; as: string | null; state: ChangeSetState };
}

/** The guard's action for a fix: resolving, or skipping (and un-skipping). */
export function fixAction(fix: Pick<ChangeSetFix, 'action'>): Action {
  return fix.action === 'resolve' ? 'changeset.resolve' : 'changeset.skip';
}

function wayOutOf(fix: ChangeSetFix): WayOut {
  return fix.action === 'resolve' ? fix.as : fix.action;
}

/** "Resolve 0017_x as retry", "Skip 0017_x", "Un-skip 0017_x". */
export function describeFix(fix: ChangeSetFix): string {
  return fix.action === 'resolve' ? `Resolve ${fix.tag} as ${fix.as}` : `${fix.action === 'skip' ? 'Skip' : 'Un-skip'} ${fix.tag}`;
}

/** The change set a fix settles, as an approval covers it: its tag and forward checksum. */
export function fixPlan(target: OperationTarget, fix: ChangeSetFix): PlanItem[] {
  const changeSet = findChangeSet(target.project, fix.tag);
  return [{ tag: changeSet.tag, checksum: changeSet.forward.checksum }];
}

/**
 * Refuses a fix the change set's current state does not offer (read without the lock: a
 * cheap early answer, e.g. before a request is filed; the engine checks again under it).
 */
export async function assertFixApplies(target: OperationTarget, fix: ChangeSetFix): Promise<void> {
  const changeSet = findChangeSet(target.project, fix.tag);
  const optional = (await optionalChangeSets(target.project.dir)).includes(changeSet.tag);
  const { status } = await readTarget(target.environment.url, target.project);
  const current = status.changeSets.find((c) => c.changeSet.tag === changeSet.tag)!;
  const way = wayOutOf(fix);
  if (!waysOut(current.state, optional).includes(way)) {
    const why = way === 'skip' && !optional ? `it is not declared optional in strata.config.ts` : `it is ${current.state.replaceAll('_', ' ')} on ${target.environment.name}`;
    const what = describeFix(fix);
    throw new StrataError('INVALID_STATE', `Cannot ${what.charAt(0).toLowerCase()}${what.slice(1)}: ${why}. Nothing was changed.`, { tag: changeSet.tag, state: current.state });
  }
}

export interface FixExtras extends BookkeepingOptions {
  /** Kept in the history row's reason after the person's own (e.g. which approved request). */
  historyReason?: string;
  /** Names the session that holds the target's lock (see RunContext.sessionLabel). */
  sessionLabel?: string;
  /** Appended to the audit outcome's detail. */
  auditDetail?: string;
}

/** A drift check holds the lock for a moment: a fix waits out such a holder this long, not a running apply. */
const FIX_LOCK_WAIT_MS = 3_000;

/**
 * Runs a fix on the environment, audited (intent first), with `reason` in the history row.
 * Who may do it where is the caller's business (the guard, or an approved request).
 */
export async function fixChangeSet(target: OperationTarget, fix: ChangeSetFix, reason: string, principal: Principal, extras: FixExtras = {}): Promise<FixResult> {
  const why = reason.trim();
  if (!why) throw new StrataError('BAD_USAGE', 'Say why: a fix needs a reason, for the history');
  const ctx = {
    url: target.environment.url,
    environment: target.environment.name,
    actor: principal.username,
    logger: engineLogger(),
    lockWaitMs: FIX_LOCK_WAIT_MS,
    sessionLabel: extras.sessionLabel,
  };
  const recorded = extras.historyReason ? `${why} (${extras.historyReason})` : why;
  const options = { beforeRun: extras.beforeRun };
  return audited(
    target.config,
    principal,
    { action: fix.action, environment: target.environment.name, target: fix.tag, intent: `${describeFix(fix)}: ${why}`.slice(0, 500) },
    async () => {
      try {
        const state =
          fix.action === 'resolve'
            ? await resolveChangeSet(ctx, target.project, fix.tag, fix.as, recorded, options)
            : fix.action === 'skip'
              ? await skipChangeSet(ctx, target.project, fix.tag, recorded, { ...options, optional: await optionalChangeSets(target.project.dir) })
              : await unskipChangeSet(ctx, target.project, fix.tag, recorded, options);
        return { fixed: { action: fix.action, tag: findChangeSet(target.project, fix.tag).tag, as: fix.action === 'resolve' ? fix.as : null, state } };
      } finally {
        invalidateDrift(target.environment.name);
      }
    },
    (r) => ({ outcome: 'ok', detail: [`${describeFix(fix)}: ${why}; now ${r.fixed.state}`, extras.auditDetail].filter(Boolean).join('; ').slice(0, 500) }),
  );
}
