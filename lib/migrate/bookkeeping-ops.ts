import { dependentsOf } from '../changesets/dependencies';
import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { StrataError } from '../errors';
import { bookkeepingEntry, insertEntry, markDrizzleApplied, markDrizzleRolledBack, type NewHistoryEntry } from './history-store';
import type { PlanItem } from './plan';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';
import type { ChangeSetStatus } from './target-state';

/**
 * Operations that change what the history says without running a change set's SQL:
 * `baseline` (adopt a database that already has the schema — alembic's `stamp`) and
 * `resolve` (a person settles a failed or edited change set, with a reason), `skip` and
 * `unskip` (an optional change set left out on one target, or made applicable again).
 */

/** What a bookkeeping operation on behalf of something else (an approved request) adds. */
export interface BookkeepingOptions {
  /**
   * Called under the target's lock once the change set's state allows the operation, before
   * anything is written, with the change set's identity (tag, forward checksum): e.g. to claim
   * a request, which compares it with the approved one.
   */
  beforeRun?: (plan: PlanItem[]) => Promise<void>;
}

/** The identity of the change set a bookkeeping operation settles: what a request approves. */
export function bookkeepingPlan(changeSet: ChangeSet): PlanItem[] {
  return [{ tag: changeSet.tag, checksum: changeSet.forward.checksum }];
}
export async function baselineChangeSets(ctx: RunContext, project: Project, options: { to?: string; reason?: string } = {}): Promise<string[]> {
  const limit = options.to ? findChangeSet(project, options.to).version : Infinity;
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status, { allowUnknownHistory: true });
    const plan = status.changeSets.filter((c) => (c.state === 'pending' || c.state === 'out_of_order') && c.changeSet.version <= limit);
    await conn.unsafe('begin');
    try {
      for (const c of plan) {
        await insertEntry(conn, entryFor(ctx, c, 'baseline', 'applied', c.changeSet.forward.checksum, options.reason ?? 'baseline: schema already present'));
        await markDrizzleApplied(conn, c.changeSet.forward.checksum, c.changeSet);
      }
      await conn.unsafe('commit');
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    for (const c of plan) ctx.logger.info({ env: ctx.environment, version: c.changeSet.version, tag: c.changeSet.tag, direction: 'up', status: 'applied', duration_ms: 0, statements: 0, rows: 0, tables: [], actor: ctx.actor, operation: 'baseline' }, 'change set baselined');
    return plan.map((c) => c.changeSet.tag);
  }, { place: ctx.place });
}

export type Resolution = 'retry' | 'applied' | 'rolled-back' | 'accept-checksum';

/**
 * Settles one blocked change set. For a failure or an interrupted no-transaction run:
 * `retry` and `rolled-back` make it pending again (the next apply re-runs it), `applied`
 * records that a person completed it by hand. For an edited file: `accept-checksum` records
 * the new checksum. It takes the target's lock, so a run that is still going cannot be
 * resolved from under itself (LOCKED).
 */
export async function resolveChangeSet(
  ctx: RunContext,
  project: Project,
  tag: string,
  resolution: Resolution,
  reason: string,
  options: BookkeepingOptions = {},
): Promise<ChangeSetStatus['state']> {
  if (!reason.trim()) throw new StrataError('BAD_USAGE', 'resolve needs --reason: say why, for the history');
  const changeSet = findChangeSet(project, tag);
  return withTargetLock(ctx.url, ctx.sessionLabel ?? ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    const current = status.changeSets.find((c) => c.changeSet.tag === changeSet.tag)!;
    if (resolution === 'accept-checksum') {
      if (current.state !== 'checksum_mismatch') {
        throw new StrataError('INVALID_STATE', `${changeSet.tag} is ${current.state}; --accept-checksum only settles an edited applied change set`);
      }
    } else if (current.state !== 'failed' && current.state !== 'interrupted') {
      throw new StrataError('INVALID_STATE', `${changeSet.tag} is ${current.state}, not failed or interrupted; there is nothing to resolve`);
    }
    const appliedAfter = resolution === 'applied' || resolution === 'accept-checksum';
    await options.beforeRun?.(bookkeepingPlan(changeSet));
    await conn.unsafe('begin');
    try {
      await insertEntry(conn, entryFor(ctx, current, 'resolve', appliedAfter ? 'applied' : 'rolled_back', changeSet.forward.checksum, `${resolution}: ${reason.trim()}`));
      if (appliedAfter) await markDrizzleApplied(conn, changeSet.forward.checksum, changeSet);
      else await markDrizzleRolledBack(conn, changeSet);
      await conn.unsafe('commit');
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    ctx.logger.info({ env: ctx.environment, version: changeSet.version, tag: changeSet.tag, resolution, actor: ctx.actor }, 'change set resolved');
    return appliedAfter ? 'applied' : 'pending';
  }, { waitMs: ctx.lockWaitMs, place: ctx.place });
}

/**
 * Leaves an optional change set out on this target, with a reason: recorded `skipped`, it no
 * longer blocks (later change sets apply past it) and it can be made applicable again with
 * `unskipChangeSet`. Refused unless the project declares it optional (strata.config.ts), it is
 * pending or out of order here, and no later change set (not itself skipped) references an
 * object it creates. Nothing is written to drizzle's table: the change set is not applied.
 */
export async function skipChangeSet(
  ctx: RunContext,
  project: Project,
  tag: string,
  reason: string,
  options: BookkeepingOptions & { optional: readonly string[] },
): Promise<ChangeSetStatus['state']> {
  if (!reason.trim()) throw new StrataError('BAD_USAGE', 'skip needs --reason: say why, for the history');
  const changeSet = findChangeSet(project, tag);
  if (!options.optional.includes(changeSet.tag)) {
    throw new StrataError('INVALID_STATE', `${changeSet.tag} is not optional: only change sets the project declares optional (optional: [...] in strata.config.ts) can be skipped. Nothing was changed.`, { tag: changeSet.tag });
  }
  return withTargetLock<ChangeSetStatus['state']>(ctx.url, ctx.sessionLabel ?? ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    const current = status.changeSets.find((c) => c.changeSet.tag === changeSet.tag)!;
    if (current.state !== 'pending' && current.state !== 'out_of_order') {
      throw new StrataError('INVALID_STATE', `${changeSet.tag} is ${current.state.replaceAll('_', ' ')} here; only a change set that is not applied (pending or out of order) can be skipped. Nothing was changed.`, { tag: changeSet.tag, state: current.state });
    }
    const later = status.changeSets.filter((c) => c.changeSet.version > changeSet.version && c.state !== 'skipped').map((c) => c.changeSet);
    const dependents = await dependentsOf(changeSet, later);
    if (dependents.length) {
      const why = dependents.map((d) => `${d.tag} uses ${d.object} (${d.file}:${d.line})`).join('; ');
      throw new StrataError('INVALID_STATE', `${changeSet.tag} cannot be skipped: later change sets depend on what it creates — ${why}. Nothing was changed.`, {
        tag: changeSet.tag,
        dependents,
      });
    }
    await options.beforeRun?.(bookkeepingPlan(changeSet));
    await insertEntry(conn, entryFor(ctx, current, 'skip', 'skipped', changeSet.forward.checksum, reason.trim()));
    ctx.logger.info({ env: ctx.environment, version: changeSet.version, tag: changeSet.tag, operation: 'skip', actor: ctx.actor }, 'change set skipped');
    return 'skipped';
  }, { waitMs: ctx.lockWaitMs, place: ctx.place });
}

/**
 * Makes a skipped change set applicable again (an `unskip` row, status rolled_back: not in
 * place). It is then pending, or out of order when later change sets were applied past it.
 */
export async function unskipChangeSet(ctx: RunContext, project: Project, tag: string, reason: string, options: BookkeepingOptions = {}): Promise<ChangeSetStatus['state']> {
  if (!reason.trim()) throw new StrataError('BAD_USAGE', 'unskip needs --reason: say why, for the history');
  const changeSet = findChangeSet(project, tag);
  return withTargetLock(ctx.url, ctx.sessionLabel ?? ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    const current = status.changeSets.find((c) => c.changeSet.tag === changeSet.tag)!;
    if (current.state !== 'skipped') {
      throw new StrataError('INVALID_STATE', `${changeSet.tag} is ${current.state.replaceAll('_', ' ')}, not skipped; there is nothing to un-skip. Nothing was changed.`, { tag: changeSet.tag, state: current.state });
    }
    await options.beforeRun?.(bookkeepingPlan(changeSet));
    await insertEntry(conn, entryFor(ctx, current, 'unskip', 'rolled_back', changeSet.forward.checksum, reason.trim()));
    ctx.logger.info({ env: ctx.environment, version: changeSet.version, tag: changeSet.tag, operation: 'unskip', actor: ctx.actor }, 'change set un-skipped');
    const later = status.changeSets.some((c) => c.changeSet.version > changeSet.version && c.state === 'applied');
    return later ? 'out_of_order' : 'pending';
  }, { waitMs: ctx.lockWaitMs, place: ctx.place });
}

function entryFor(
  ctx: RunContext,
  c: ChangeSetStatus,
  operation: 'baseline' | 'resolve' | 'skip' | 'unskip',
  status: 'applied' | 'rolled_back' | 'skipped',
  checksum: string,
  reason: string,
): NewHistoryEntry {
  return bookkeepingEntry({ version: c.changeSet.version, tag: c.changeSet.tag, operation, status, checksum, actor: ctx.actor, environment: ctx.environment, reason });
}
