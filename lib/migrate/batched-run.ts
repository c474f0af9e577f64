import { performance } from 'node:perf_hooks';
import type { Statement } from '../changesets/statements';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import { openCheckpoint, statementHash, writeCheckpoint, type Checkpoint, type CheckpointKey } from './batch-checkpoints';
import { BatchShapeError, batchTargetOf, keyRangeCondition, keyRow, restrictStatement, targetSql, type BatchTarget, type KeyColumn } from './batched-statement';
import type { BatchThrottle, ProgressEvent } from './run-context';
import type { BatchEstimate } from './statement-outcome';
import type { LockedConnection } from './target-lock';
import { openSession } from './change-set-session';

/**
 * Runs a `-- strata:batched` statement in primary-key-ordered batches on a no-transaction
 * change set's session: each batch is its own transaction, which also writes the batch's
 * checkpoint (batch-checkpoints.ts), so a run killed at any moment resumes after the last
 * batch that committed and every row is processed exactly once. Between batches it throttles:
 * the statement's pause, plus a growing wait while other sessions queued behind the batch's
 * row locks, or while a replica's replay lag is above the limit.
 */

/** Replay lag above which batches wait, unless the environment says otherwise (STRATA_ENV_<NAME>_MAX_REPLICATION_LAG). */
export const DEFAULT_MAX_REPLICATION_LAG_MS = 10_000;
/** The longest a throttle waits at once before looking again. */
const MAX_BACKOFF_MS = 10_000;
const MIN_BACKOFF_MS = 100;

export interface BatchedRunOptions {
  tag: string;
  direction: 'up' | 'down';
  file: string;
  /** The change_log `started` row of this run: its checkpoints name it, and a resume tells an earlier run's apart. */
  runLogId: number;
  maxReplicationLagMs: number;
  onProgress?: (event: ProgressEvent) => void;
  /** Receives what the history row should say about the run (a resume). */
  note: (text: string) => void;
  /**
   * Rows done before this run, by statement index, kept across the calls of one run: a batch
   * that timed out on a lock is retried by calling again, and the rows this run processed
   * count from its first call.
   */
  rowsBeforeRun: Map<number, number>;
}

/** The table a batched statement works through, and its primary key. */
export interface BatchTable {
  target: BatchTarget;
  /** As PostgreSQL names it (regclass text), for messages. */
  name: string;
  keys: KeyColumn[];
}

function refuse(statement: Statement, file: string, why: string): never {
  throw new StrataError('INVALID_STATE', `${file}:${statement.line}: strata:batched: ${why}. Nothing was run.`, { file, line: statement.line, statementIndex: statement.index });
}

/**
 * Reads the table and primary key a batched statement works through, in the session's
 * search_path; null when the table does not exist yet (an earlier statement of the file may
 * create it). A table without a primary key is refused, naming it.
 */
export async function readBatchTable(conn: LockedConnection, statement: Statement, file: string): Promise<BatchTable | null> {
  let target: BatchTarget;
  try {
    target = batchTargetOf(statement.node);
  } catch (error) {
    if (error instanceof BatchShapeError) refuse(statement, file, error.message);
    throw error;
  }
  const [table] = await conn.unsafe(`select to_regclass($1)::oid::int8 as oid, to_regclass($1)::text as name`, [targetSql(target)]);
  if (!table?.oid) return null;
  const keys = await conn.unsafe(
    `select a.attname::text as name, format_type(a.atttypid, a.atttypmod) as type
     from pg_constraint c cross join lateral unnest(c.conkey) with ordinality as k(attnum, ord)
     join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
     where c.conrelid = $1::int8::oid and c.contype = 'p' order by k.ord`,
    [table.oid],
  );
  if (!keys.length) refuse(statement, file, `table ${table.name} has no primary key, so it cannot be cut into key-ordered batches; add one, or run the statement unbatched`);
  return { target, name: String(table.name), keys: keys.map((k) => ({ name: String(k.name), type: String(k.type) })) };
}

/**
 * Checks every batched statement of a file before anything of it runs: statements Strata
 * cannot cut and tables without a primary key are refused here, with file and line.
 */
export async function assertBatchable(conn: LockedConnection, statements: Statement[], file: string): Promise<void> {
  const batched = statements.filter((s) => s.batched);
  if (!batched.length) return;
  // The real run's session (its search_path), in a transaction that only reads.
  await openSession(conn, true);
  try {
    for (const statement of batched) {
      const table = await readBatchTable(conn, statement, file);
      if (table) batchSql(statement, table, true, true, file);
    }
  } finally {
    await conn.unsafe('rollback').catch(() => undefined);
  }
}

/** The statement of one batch: the user's, restricted to keys after the last checkpoint and up to the batch's last key. */
function batchSql(statement: Statement, table: BatchTable, lower: boolean, upper: boolean, file: string): string {
  try {
    return restrictStatement(statement.sql, table.target, keyRangeCondition(table.target.qualifier, table.keys, { lower, upper }));
  } catch (error) {
    if (error instanceof BatchShapeError) refuse(statement, file, error.message);
    throw error;
  }
}

/** The planner's row count for the table (all partitions), without scanning it. */
export async function estimatedRows(conn: LockedConnection, table: BatchTable): Promise<number> {
  const [plan] = await conn.unsafe(`explain (format json) select 1 from ${table.target.inherit ? '' : 'only '}${targetSql(table.target)}`);
  const json = (plan as Record<string, unknown>)['QUERY PLAN'] as Array<{ Plan: { 'Plan Rows': number } }>;
  return Math.max(0, Math.round(json[0]?.Plan['Plan Rows'] ?? 0));
}

/** How long counting the rows still ahead may take before the planner's estimate is used instead. */
const COUNT_BUDGET_MS = 2_000;

/**
 * The rows with keys after `lastKey` (all rows without one): counted when that takes less
 * than COUNT_BUDGET_MS, else the planner's estimate for the whole table (less exact, and
 * inflated by dead rows, but free).
 */
async function rowsAhead(conn: LockedConnection, table: BatchTable, lastKey: string[] | null): Promise<number> {
  try {
    await openSession(conn, true, { statementTimeoutMs: COUNT_BUDGET_MS });
    const where = lastKey ? `where ${keyRangeCondition('b', table.keys, { lower: true, upper: false })}` : '';
    const [row] = await conn.unsafe(`select count(*)::int8 as n from ${table.target.inherit ? '' : 'only '}${targetSql(table.target)} as b ${where}`, lastKey ?? []);
    await conn.unsafe('commit');
    return Number(row!.n);
  } catch {
    await conn.unsafe('rollback').catch(() => undefined);
    return estimatedRows(conn, table);
  }
}

/**
 * Where a rerun of an interrupted no-transaction file starts: at its batched statement whose
 * open checkpoint is unfinished, or right after one whose checkpoint says it finished. The
 * interrupted run committed every statement before that point (it runs them in order, and a
 * batched statement's first checkpoint is written after the statements above it committed),
 * so running them again would process their rows twice. 0 when nothing is to be resumed.
 */
export async function resumePosition(conn: LockedConnection, tag: string, direction: 'up' | 'down', statements: Statement[]): Promise<number> {
  let position = 0;
  for (const [at, statement] of statements.entries()) {
    if (!statement.batched) continue;
    const checkpoint = await openCheckpoint(conn, { tag, direction, statementIndex: statement.index });
    // An edited statement is refused when it runs (runBatchedStatement); it is no resume point.
    if (!checkpoint || checkpoint.statementHash !== statementHash(statement.sql)) continue;
    position = Math.max(position, checkpoint.finished ? at + 1 : at);
  }
  return position;
}

/** How many batches the statement takes in all, after `state`: the rest of the rows, `size` a batch (at least one more unless finished). */
function batchesFor(state: Pick<Checkpoint, 'batch' | 'rowsDone' | 'finished'>, rowsEstimate: number, size: number): number {
  return state.finished ? state.batch : state.batch + Math.max(1, Math.ceil(Math.max(0, rowsEstimate - state.rowsDone) / size));
}

/** The pause after a batch: the statement's own, or (while throttled) the backoff's. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `statement` batch by batch from its last open checkpoint; returns the rows this run
 * processed. Throws PostgreSQL's error of a failing batch: the batches before it stay
 * committed, with their checkpoints, and a rerun continues after them.
 */
export async function runBatchedStatement(conn: LockedConnection, statement: Statement, options: BatchedRunOptions): Promise<number> {
  const size = statement.batched!.size;
  const pauseMs = statement.batched!.pauseMs;
  const table = await readBatchTable(conn, statement, options.file);
  if (!table) refuse(statement, options.file, `${targetSql(batchTargetOf(statement.node))} does not exist`);
  const key: CheckpointKey = { tag: options.tag, direction: options.direction, statementIndex: statement.index };
  const hash = statementHash(statement.sql);
  const previous = await openCheckpoint(conn, key);
  if (previous && previous.statementHash !== hash) {
    refuse(
      statement,
      options.file,
      `the statement changed since ${previous.batch} of its batches committed; restore it, or resolve the change set as rolled back (which forgets its checkpoints) before running the new one`,
    );
  }
  const rowsEstimate = (previous?.rowsDone ?? 0) + (await rowsAhead(conn, table, previous?.lastKey ?? null));
  let state: Checkpoint = previous ?? { runLogId: options.runLogId, statementHash: hash, batch: 0, rowsDone: 0, lastKey: null, finished: false, totalBatches: null };
  const totalBatches = () => batchesFor(state, rowsEstimate, size);
  // A call after a lock timeout in this same run continues quietly; only another run's checkpoint is a resume.
  const resumedAt = previous && previous.runLogId !== options.runLogId ? previous : null;
  if (resumedAt) {
    const words = resumedAt.finished
      ? `statement ${statement.index + 1} (line ${statement.line}) was already done by the interrupted run: ${resumedAt.batch.toLocaleString('en')} batches, ${resumedAt.rowsDone.toLocaleString('en')} rows`
      : `statement ${statement.index + 1} (line ${statement.line}): resumed at batch ${(resumedAt.batch + 1).toLocaleString('en')} of ${totalBatches().toLocaleString('en')}, ${resumedAt.rowsDone.toLocaleString('en')} rows already done`;
    options.note(words);
  }
  const rowsBefore = options.rowsBeforeRun.get(statement.index) ?? state.rowsDone;
  options.rowsBeforeRun.set(statement.index, rowsBefore);
  if (state.finished) return state.rowsDone - rowsBefore;

  const boundsSql = (lower: boolean) =>
    `select ${table.keys.map((k, i) => `${quoteIdent('b')}.${quoteIdent(k.name)}::text as k${i}`).join(', ')}
     from ${table.target.inherit ? '' : 'only '}${targetSql(table.target)} as b
     ${lower ? `where ${keyRangeCondition('b', table.keys, { lower: true, upper: false })}` : ''}
     order by ${keyRow('b', table.keys).slice(1, -1)}
     offset ${size - 1} limit 2`;
  const started = performance.now();
  const firstBatch = state.batch;
  let rowsThisRun = 0;
  let backoffMs = 0;
  let lastBatchMs = 0;
  const emit = (throttle: BatchThrottle | null) => {
    const seconds = (performance.now() - started) / 1000;
    const rowsPerSecond = seconds > 0 ? rowsThisRun / seconds : 0;
    const totalRows = Math.max(rowsEstimate, state.rowsDone);
    options.onProgress?.({
      type: 'batch',
      tag: options.tag,
      statementIndex: statement.index,
      batches: state.batch,
      totalBatches: totalBatches(),
      rowsDone: state.rowsDone,
      totalRows,
      rowsPerSecond: Math.round(rowsPerSecond),
      etaMs: state.finished ? 0 : rowsPerSecond > 0 ? Math.round(((totalRows - state.rowsDone) / rowsPerSecond) * 1000) : null,
      resumedAtBatch: resumedAt ? resumedAt.batch + 1 : null,
      batchesThisRun: state.batch - firstBatch,
      batchMs: Math.round(lastBatchMs * 100) / 100,
      throttle,
    });
  };

  while (!state.finished) {
    const lower = state.lastKey !== null;
    let waiting = 0;
    let next: Checkpoint;
    const batchStarted = performance.now();
    await conn.unsafe('begin');
    try {
      // The batch's last key, and whether any key follows it: none (fewer than `size` rows
      // left) means no upper bound; none after it means this batch is the last.
      const [bound, after] = await conn.unsafe(boundsSql(lower), lower ? state.lastKey! : []);
      const upperKey = bound ? table.keys.map((_, i) => String(bound[`k${i}`])) : null;
      const last = !after;
      const params = [...(lower ? state.lastKey! : []), ...(upperKey ?? [])];
      const result = await conn.unsafe(batchSql(statement, table, lower, upperKey !== null, options.file), params);
      const rows = typeof result.count === 'number' ? result.count : 0;
      // Sessions queued behind the row locks this batch holds: the throttle's signal to back off.
      const [blocked] = await conn.unsafe(`select count(*)::int as n from pg_stat_activity where pg_backend_pid() = any(pg_blocking_pids(pid))`);
      waiting = Number(blocked?.n ?? 0);
      next = { ...state, runLogId: options.runLogId, batch: state.batch + 1, rowsDone: state.rowsDone + rows, lastKey: upperKey ?? state.lastKey, finished: last };
      next.totalBatches = batchesFor(next, rowsEstimate, size);
      // The defence: the checkpoint commits with the batch, or neither does.
      await writeCheckpoint(conn, key, next);
      await conn.unsafe('commit');
      lastBatchMs = performance.now() - batchStarted;
      rowsThisRun += rows;
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    state = next;
    emit(null);
    if (state.finished) break;
    if (pauseMs > 0) await sleep(pauseMs);
    if (waiting > 0) {
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs ? backoffMs * 2 : Math.max(MIN_BACKOFF_MS, pauseMs));
      emit({ reason: 'lock-waiters', waitMs: backoffMs, message: `${waiting} session${waiting === 1 ? '' : 's'} waited on this batch's row locks; backing off ${backoffMs} ms` });
      await sleep(backoffMs);
    } else backoffMs = 0;
    await waitForReplicas(conn, options.maxReplicationLagMs, emit);
  }
  return state.rowsDone - rowsBefore;
}

/** While a replica's replay lag is above `maxLagMs`, waits (longer each time) and says so. */
async function waitForReplicas(conn: LockedConnection, maxLagMs: number, emit: (throttle: BatchThrottle) => void): Promise<void> {
  let waitMs = 0;
  for (;;) {
    const [lag] = await conn.unsafe(`select (extract(epoch from max(replay_lag)) * 1000)::float8 as ms from pg_stat_replication`);
    const ms = lag?.ms === null || lag?.ms === undefined ? 0 : Number(lag.ms);
    if (ms <= maxLagMs) return;
    waitMs = Math.min(MAX_BACKOFF_MS, waitMs ? waitMs * 2 : 1_000);
    emit({ reason: 'replication-lag', waitMs, message: `a replica replays ${Math.round(ms)} ms behind (limit ${maxLagMs} ms); waiting ${waitMs} ms` });
    await sleep(waitMs);
  }
}


/**
 * Read before the dry run runs the statement (whose dead rows would inflate the planner's
 * count): the rows and batches ahead; the time is added once the statement's duration is known.
 */
export async function estimateBatches(conn: LockedConnection, statement: Statement, file: string): Promise<((durationMs: number) => BatchEstimate) | null> {
  if (!statement.batched) return null;
  const table = await readBatchTable(conn, statement, file);
  if (!table) return null;
  const rows = await estimatedRows(conn, table);
  const { size, pauseMs } = statement.batched;
  const batches = batchesFor({ batch: 0, rowsDone: 0, finished: false }, rows, size);
  return (durationMs) => ({ size, pauseMs, rows, batches, estimatedMs: Math.round(durationMs + (batches - 1) * pauseMs) });
}
