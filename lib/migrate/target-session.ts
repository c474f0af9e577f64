import type { Project } from '../changesets/project';
import { StrataError } from '../errors';
import {
  bookkeepingEntry,
  ensureBookkeeping,
  insertEntry,
  loadDrizzleRows,
  loadHistory,
  markDrizzleApplied,
  type DrizzleRow,
  type HistoryEntry,
} from './history-store';
import type { RunContext } from './run-context';
import { computeTargetStatus, type InterruptedLook, type TargetStatus } from './target-state';
import { openBatchProgress } from './batch-checkpoints';
import type { LockedConnection } from './target-lock';

/** What a session holding the target's lock knows: no other runner can be mid-change-set. */
const HELD_BY_US: InterruptedLook = { runner: { kind: 'stopped' } };

/** The status under the lock; an interrupted change set's reason also says how far its batched statement got. */
async function statusUnderLock(conn: LockedConnection, project: Project, history: HistoryEntry[], drizzleRows: DrizzleRow[]): Promise<TargetStatus> {
  const status = computeTargetStatus(project, history, drizzleRows, HELD_BY_US);
  if (status.counts.interrupted === 0) return status;
  return computeTargetStatus(project, history, drizzleRows, { ...HELD_BY_US, batches: await openBatchProgress(conn) });
}

/**
 * The first step of every mutating operation, under the lock: make sure the bookkeeping
 * tables exist, then reconcile Strata's history with drizzle's table — change sets that
 * drizzle-orm's migrate() applied are adopted into strata.change_log, and change sets
 * Strata applied get their drizzle row back if someone removed it.
 */
export async function openTargetSession(conn: LockedConnection, project: Project, ctx: RunContext): Promise<TargetStatus> {
  await ensureBookkeeping(conn);
  const [history, drizzleRows] = await Promise.all([loadHistory(conn), loadDrizzleRows(conn)]);
  // This session holds the target's lock, so a `started` run without an outcome is not running.
  const status = await statusUnderLock(conn, project, history, drizzleRows);
  let changed = false;
  for (const c of status.changeSets) {
    if (c.appliedByDrizzleOnly) {
      await insertEntry(
        conn,
        bookkeepingEntry({
          version: c.changeSet.version,
          tag: c.changeSet.tag,
          operation: 'adopt',
          status: 'applied',
          checksum: c.appliedChecksum ?? c.changeSet.forward.checksum,
          actor: ctx.actor,
          environment: ctx.environment,
          reason: 'found applied in drizzle.__drizzle_migrations (drizzle-orm migrate())',
        }),
      );
      changed = true;
    } else if (c.last?.status === 'applied' && c.drizzleRow === null) {
      await markDrizzleApplied(conn, c.last.checksum, c.changeSet);
      changed = true;
    }
  }
  if (!changed) return status;
  return statusUnderLock(conn, project, await loadHistory(conn), await loadDrizzleRows(conn));
}

/**
 * Refuses to go on while any change set is failed, interrupted (a no-transaction run with no
 * outcome) or edited after it was applied: the state of the target is then not what the
 * files say, and guessing would be unsafe.
 */
export function assertNoBlockers(status: TargetStatus, options: { allowUnknownHistory?: boolean } = {}): void {
  // baseline is the way out of an unknown history (it records change sets as applied, running nothing).
  if (!options.allowUnknownHistory) assertNoUnknownHistory(status);
  const mismatch = status.changeSets.filter((c) => c.state === 'checksum_mismatch');
  if (mismatch.length) {
    throw new StrataError('CHECKSUM_MISMATCH', mismatch.map((c) => c.reason).join('\n'), {
      files: mismatch.map((c) => c.changeSet.forward.file),
    });
  }
  const failed = status.changeSets.filter((c) => c.state === 'failed' || c.state === 'interrupted');
  if (failed.length) {
    throw new StrataError('BLOCKED_BY_FAILURE', failed.map((c) => c.reason).join('\n'), {
      tags: failed.map((c) => c.changeSet.tag),
      interrupted: failed.filter((c) => c.state === 'interrupted').map((c) => c.changeSet.tag),
    });
  }
}

/**
 * Refuses to plan while the history names change sets the project does not have and change sets
 * are waiting to run: the files were most likely renamed (a `drizzle-kit up` Strata could not
 * match, a hand rename), so the "pending" ones may be those very change sets, applied already —
 * running them again would fail half-way or, worse, succeed twice. With nothing pending an
 * unknown tag is only history (a change set deleted after rollback) and blocks nothing.
 */
function assertNoUnknownHistory(status: TargetStatus): void {
  const waiting = status.changeSets.filter((c) => c.state === 'pending' || c.state === 'out_of_order');
  if (status.unknownTags.length === 0 || waiting.length === 0) return;
  const names = (tags: string[]) => tags.slice(0, 5).join(', ') + (tags.length > 5 ? ` and ${tags.length - 5} more` : '');
  throw new StrataError(
    'INVALID_STATE',
    `The target's history has change sets this project does not: ${names(status.unknownTags)}; ` +
      `and ${names(waiting.map((c) => c.changeSet.tag))} ${waiting.length === 1 ? 'is' : 'are'} not recorded as applied. ` +
      'If the files were renamed (drizzle-kit up, or by hand), those may be the same change sets, already applied: running them again is refused. ' +
      'Restore the old names, or — after checking they are in place on the target — record them as applied without running them: strata baseline --to <last of them> --reason "…" ' +
      '(a folder made by drizzle-kit up is recognised by itself when its migration.sql is unchanged and drizzle\'s row is still there).',
    { unknownTags: status.unknownTags, pending: waiting.map((c) => c.changeSet.tag) },
  );
}
