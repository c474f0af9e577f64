import type { Sql } from '../db/client';
import type { HistoryEntry } from './history-store';
import { findLockHolder } from './target-lock';
import type { RunnerLook } from './target-state';
import { DATABASE_PLACE, historySchema, type TargetPlace } from './target-place';

/**
 * For readers that do not hold the target's lock (status, pages, health, metrics): one look
 * at the lock tells an interrupted no-transaction run that is still going from one whose
 * process died. A run holds the lock from before its `started` row until after its outcome
 * row commits, so: lock held → maybe that run (named, with its pid); lock free and no row
 * written since `history` was read → nobody is running it. Otherwise (a row appeared
 * meanwhile) the reader's history is already stale, and no verdict is given.
 */
export async function lookAtRunner(sql: Sql, history: HistoryEntry[], place: TargetPlace = DATABASE_PLACE): Promise<RunnerLook | undefined> {
  const holder = await findLockHolder(sql, place);
  if (holder) return { kind: 'held', holder };
  const [row] = await sql`select coalesce(max(id), 0)::bigint as id from ${historySchema(sql, place)}.change_log`;
  const lastRead = history.at(-1)?.id ?? 0;
  return Number(row?.id) === lastRead ? { kind: 'stopped' } : undefined;
}
