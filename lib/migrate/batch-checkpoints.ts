import { createHash } from 'node:crypto';
import type { LockedConnection } from './target-lock';

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

/** The statement's latest open checkpoint, or null when it has none (never ran, or its change set was settled since). */
export async function openCheckpoint(conn: LockedConnection, key: CheckpointKey): Promise<Checkpoint | null> {
  const [row] = await conn`
    select run_log_id, statement_hash, batch, rows_done, last_key, finished, total_batches
    from strata.batch_checkpoint c
    where c.tag = ${key.tag} and c.direction = ${key.direction} and c.statement_index = ${key.statementIndex}
      and c.run_log_id > coalesce((
        select max(l.id) from strata.change_log l
        where l.tag = ${key.tag} and l.status in ('applied', 'rolled_back', 'skipped')
          and not (l.operation = 'resolve' and l.reason like 'retry:%')
      ), 0)
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

/** Writes a checkpoint on `conn`, inside the batch's open transaction (the caller commits both). */
export async function writeCheckpoint(conn: LockedConnection, key: CheckpointKey, checkpoint: Checkpoint): Promise<void> {
  await conn`
    insert into strata.batch_checkpoint (run_log_id, tag, direction, statement_index, statement_hash, batch, rows_done, last_key, finished, total_batches)
    values (${checkpoint.runLogId}, ${key.tag}, ${key.direction}, ${key.statementIndex}, ${checkpoint.statementHash}, ${checkpoint.batch},
      ${checkpoint.rowsDone}, ${checkpoint.lastKey === null ? null : conn.array(checkpoint.lastKey)}, ${checkpoint.finished}, ${checkpoint.totalBatches})`;
}
