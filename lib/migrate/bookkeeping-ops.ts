import { findChangeSet, type Project } from '../changesets/project';
import { StrataError } from '../errors';
import { bookkeepingEntry, insertEntry, markDrizzleApplied, markDrizzleRolledBack, type NewHistoryEntry } from './history-store';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';
import type { ChangeSetStatus } from './target-state';

/**
 * Operations that change what the history says without running a change set's SQL:
 * `baseline` (adopt a database that already has the schema — alembic's `stamp`) and
 * `resolve` (a person settles a failed or edited change set, with a reason).
 */
export async function baselineChangeSets(ctx: RunContext, project: Project, options: { to?: string; reason?: string } = {}): Promise<string[]> {
  const limit = options.to ? findChangeSet(project, options.to).version : Infinity;
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status);
    const plan = status.changeSets.filter((c) => (c.state === 'pending' || c.state === 'out_of_order') && c.changeSet.version <= limit);
    await conn.unsafe('begin');
    try {
      for (const c of plan) {
        await insertEntry(conn, entryFor(ctx, c, 'baseline', 'applied', c.changeSet.forward.checksum, options.reason ?? 'baseline: schema already present'));
        await markDrizzleApplied(conn, c.changeSet.forward.checksum, c.changeSet.when);
      }
      await conn.unsafe('commit');
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    for (const c of plan) ctx.logger.info({ env: ctx.environment, version: c.changeSet.version, tag: c.changeSet.tag, direction: 'up', status: 'applied', duration_ms: 0, statements: 0, rows: 0, tables: [], actor: ctx.actor, operation: 'baseline' }, 'change set baselined');
    return plan.map((c) => c.changeSet.tag);
  });
}

export type Resolution = 'retry' | 'applied' | 'rolled-back' | 'accept-checksum';

/**
 * Settles one blocked change set. For a failure or an interrupted no-transaction run:
 * `retry` and `rolled-back` make it pending again (the next apply re-runs it), `applied`
 * records that a person completed it by hand. For an edited file: `accept-checksum` records
 * the new checksum. It takes the target's lock, so a run that is still going cannot be
 * resolved from under itself (LOCKED).
 */
export async function resolveChangeSet(ctx: RunContext, project: Project, tag: string, resolution: Resolution, reason: string): Promise<ChangeSetStatus['state']> {
  if (!reason.trim()) throw new StrataError('BAD_USAGE', 'resolve needs --reason: say why, for the history');
  const changeSet = findChangeSet(project, tag);
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
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
    await conn.unsafe('begin');
    try {
      await insertEntry(conn, entryFor(ctx, current, 'resolve', appliedAfter ? 'applied' : 'rolled_back', changeSet.forward.checksum, `${resolution}: ${reason.trim()}`));
      if (appliedAfter) await markDrizzleApplied(conn, changeSet.forward.checksum, changeSet.when);
      else await markDrizzleRolledBack(conn, changeSet.when);
      await conn.unsafe('commit');
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    ctx.logger.info({ env: ctx.environment, version: changeSet.version, tag: changeSet.tag, resolution, actor: ctx.actor }, 'change set resolved');
    return appliedAfter ? 'applied' : 'pending';
  });
}

function entryFor(
  ctx: RunContext,
  c: ChangeSetStatus,
  operation: 'baseline' | 'resolve',
  status: 'applied' | 'rolled_back',
  checksum: string,
  reason: string,
): NewHistoryEntry {
  return bookkeepingEntry({ version: c.changeSet.version, tag: c.changeSet.tag, operation, status, checksum, actor: ctx.actor, environment: ctx.environment, reason });
}
