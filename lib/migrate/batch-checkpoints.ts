import { createHash } from 'node:crypto';
import type { LockedConnection } from './target-lock';
import type { Sql } from '../db/client';
import { historySchema, sessionPlace, type TargetPlace } from './target-place';

type Queryable = Sql | LockedConnection;

/**
 * strata.batch_checkpoint (created with strata.change_log, history-store.ts): one row per
 * committed batch of a `-- strata:batched` statement, written in the batch's own transaction,
 * so a batch and its checkpoint commit or vanish together. A run killed at any moment
 * therefore resumes right after the last batch that committed, and no row is processed twice.
 *
 * A statement's checkpoints are open (a rerun resumes from them) from its run's `started`
 * row until the change set is settled: applied or rolled back by a run, or resolved as
 * applied or rolled back by a person. `resolve --as retry` keeps them open: that is how a
 * killed or failed run is resumed.
 */

export interface Checkpoint {
  /** The change_log `started` row of the run that wrote it. */
  runLogId: number;
  statementHash: string;
  /** Batches committed so far (this one included), over every run of the statement. */
  batch: number;
  rowsDone: number;
  /** The last key processed, as text, in key-column order; null when nothing was processed yet. */
  lastKey: string[] | null;
  finished: boolean;
  totalBatches: number | null;
}

export interface CheckpointKey {
  tag: string;
  direction: 'up' | 'down';
  statementIndex: number;
}

/** Identifies a statement's text, so a checkpoint is never resumed by an edited statement. */
export function statementHash(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/**
 * A checkpoint row `c` is open when no run or person settled its change set since it was
 * written: no applied, rolled-back or skipped row after it, `resolve --as retry` excepted.
 */
function openCheckpointCondition(sql: Queryable, place: TargetPlace) {
  return sql`c.run_log_id > coalesce((
    select max(l.id) from ${historySchema(sql, place)}.change_log l
    where l.tag = c.tag and l.status in ('applied', 'rolled_back', 'skipped')
      and not (l.operation = 'resolve' and l.reason like 'retry:%')
  ), 0)`;
}

/** The statement's latest open checkpoint, or null when it has none (never ran, or its change set was settled since). */
export async function openCheckpoint(conn: LockedConnection, key: CheckpointKey): Promise<Checkpoint | null> {
  const place = sessionPlace(conn);
  const [row] = await conn`
    select run_log_id, statement_hash, batch, rows_done, last_key, finished, total_batches
    from ${historySchema(conn, place)}.batch_checkpoint c
    where c.tag = ${key.tag} and c.direction = ${key.direction} and c.statement_index = ${key.statementIndex}
      and ${openCheckpointCondition(conn, place)}
    order by c.id desc
    limit 1`;
  if (!row) return null;
  return {
    runLogId: Number(row.run_log_id),
    statementHash: String(row.statement_hash),
    batch: Number(row.batch),
    rowsDone: Number(row.rows_done),
    lastKey: row.last_key ?? null,
    finished: Boolean(row.finished),
    totalBatches: row.total_batches === null ? null : Number(row.total_batches),
  };
}

/** How far an interrupted run's batched statement got, as its latest open checkpoint says. */
export interface BatchProgress {
  statementIndex: number;
  batch: number;
  rowsDone: number;
  totalBatches: number | null;
  finished: boolean;
}

/**
 * The latest open checkpoint of each change set (by tag and direction), for readers that
 * explain an interrupted run: status, pages, health. Read-only; a target whose bookkeeping
 * predates checkpoints has none.
 */
export async function openBatchProgress(sql: Queryable, place: TargetPlace = sessionPlace(sql)): Promise<Map<string, BatchProgress>> {
  const found = new Map<string, BatchProgress>();
  const [table] = await sql`select to_regclass(format('%I.batch_checkpoint', ${place.history}::text)) is not null as present`;
  if (!table?.present) return found;
  const rows = await sql`
    select distinct on (c.tag, c.direction) c.tag, c.direction, c.statement_index, c.batch, c.rows_done, c.total_batches, c.finished
    from ${historySchema(sql, place)}.batch_checkpoint c
    where ${openCheckpointCondition(sql, place)}
    order by c.tag, c.direction, c.id desc`;
  for (const row of rows) {
    found.set(batchProgressKey(String(row.tag), row.direction as 'up' | 'down'), {
      statementIndex: Number(row.statement_index),
      batch: Number(row.batch),
      rowsDone: Number(row.rows_done),
      totalBatches: row.total_batches === null ? null : Number(row.total_batches),
      finished: Boolean(row.finished),
    });
  }
  return found;
}

export function batchProgressKey(tag: string, direction: 'up' | 'down'): string {
  return `${direction} ${tag}`;
}

/** Writes a checkpoint on `conn`, inside the batch's open transaction (the caller commits both). */
export async function writeCheckpoint(conn: LockedConnection, key: CheckpointKey, checkpoint: Checkpoint): Promise<void> {
  await conn`
    insert into ${historySchema(conn, sessionPlace(conn))}.batch_checkpoint (run_log_id, tag, direction, statement_index, statement_hash, batch, rows_done, last_key, finished, total_batches)
    values (${checkpoint.runLogId}, ${key.tag}, ${key.direction}, ${key.statementIndex}, ${checkpoint.statementHash}, ${checkpoint.batch},
      ${checkpoint.rowsDone}, ${checkpoint.lastKey === null ? null : conn.array(checkpoint.lastKey)}, ${checkpoint.finished}, ${checkpoint.totalBatches})`;
}
