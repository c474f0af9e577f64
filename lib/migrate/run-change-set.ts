import { performance } from 'node:perf_hooks';
import type { ChangeSet } from '../changesets/project';
import { fileToRun } from './change-set-file';
import { executeChangeSet, sessionLimits, type ChangeSetToRun } from './change-set-session';
import { DEFAULT_LOCK_RETRIES, DEFAULT_LOCK_RETRY_DELAY_MS, startLockWatch, waitedText, type LockRetryPolicy } from './lock-wait';
import type { FailureInfo } from './statement-outcome';
import { insertEntry, markDrizzleApplied, markDrizzleRolledBack, type NewHistoryEntry, type Operation } from './history-store';
import type { RunContext } from './run-context';
import type { Statement } from '../changesets/statements';
import { assertBatchable, DEFAULT_MAX_REPLICATION_LAG_MS, resumePosition, runBatchedStatement } from './batched-run';
import type { LockedConnection } from './target-lock';

/** What one change set did in one direction; also the shape of its log line. */
export interface RunRecord {
  version: number;
  tag: string;
  direction: 'up' | 'down';
  status: 'applied' | 'rolled_back' | 'failed';
  durationMs: number;
  statements: number;
  rowsAffected: number;
  tables: string[];
  error?: FailureInfo;
  /**
   * What it waited for before each retry after a lock timeout, as told to the operator (absent:
   * it never waited). A `message` each, so that a page's copy hides the blocker's role name
   * like any error's words (withSafeErrors in lib/db/safe-message.ts).
   */
  lockWaits?: Array<{ message: string }>;
  /** What its history row notes (a batched statement's resume). */
  notes?: string;
}

/**
 * The real run of one change set's forward or rollback file on the locked connection
 * (change-set-session.ts runs it: its own transaction with lock and statement timeouts,
 * unless the file opts out with `-- strata:no-transaction`), with its bookkeeping: the
 * history row and drizzle's row are written inside the same transaction, so they commit or
 * vanish together with the change itself.
 *
 * A no-transaction file commits statement by statement, so a process killed half-way would
 * leave part of it in place with no trace. Its `started` row is therefore committed before
 * the first statement; the outcome row appended after it supersedes it, and a `started` row
 * left latest marks the change set interrupted (see target-state.ts).
 */
export async function runChangeSet(
  conn: LockedConnection,
  ctx: RunContext,
  run: ChangeSetToRun,
  operation: Operation,
  backupSchema: string | null = null,
): Promise<RunRecord> {
  const { changeSet, direction, statements } = run;
  const transactional = !fileToRun(changeSet, direction).noTransaction;
  const tables = [...new Set(statements.flatMap((s) => s.tables))].sort();
  const startedAt = new Date();
  const t0 = performance.now();
  const success = direction === 'up' ? 'applied' : 'rolled_back';
  /** What the outcome row says besides its figures: a batched statement's resume. */
  const notes: string[] = [];

  // A failing check is no statement of the file: the statements that ran are counted, and no statement index is recorded.
  const entry = (status: NewHistoryEntry['status'], rowsAffected: number, failure?: FailureInfo, ran = 0): NewHistoryEntry => ({
    version: changeSet.version,
    tag: changeSet.tag,
    operation,
    direction,
    status,
    checksum: changeSet.forward.checksum,
    actor: ctx.actor,
    environment: ctx.environment,
    startedAt,
    finishedAt: new Date(),
    durationMs: performance.now() - t0,
    statements: failure ? (failure.check ? ran : failure.statementIndex) : statements.length,
    rowsAffected,
    tablesTouched: tables,
    noTransaction: !transactional,
    errorMessage: failure?.message ?? null,
    errorStatementIndex: failure && !failure.check ? failure.statementIndex : null,
    errorStatement: failure ? failure.statement.slice(0, 4000) : null,
    errorPosition: failure?.position ?? null,
    errorHint: failure?.hint ?? null,
    errorDetail: failure?.detail ?? null,
    errorCode: failure?.code ?? null,
    reason: ctx.reason ?? null,
    backupSchema,
    notes: notes.length ? notes.join('; ') : null,
  });

  // One entry object per outcome, so the history row and the log line carry the same figures.
  let outcome: NewHistoryEntry | null = null;
  const recordSuccess = async (rowsAffected: number) => {
    outcome = entry(success, rowsAffected);
    await insertEntry(conn, outcome);
    if (direction === 'up') await markDrizzleApplied(conn, changeSet.forward.checksum, changeSet);
    else await markDrizzleRolledBack(conn, changeSet);
  };

  // Autocommitted before anything runs, so it outlives this process if the process dies
  // mid-file; when it cannot be written, nothing has run and the error is the caller's.
  // Its `statements` is the file's count; it has no outcome, so no duration.
  // Batched statements that cannot be cut (a table without a primary key) are refused first.
  const file = fileToRun(changeSet, direction);
  await assertBatchable(conn, statements, file.file);
  const runLogId = transactional ? null : await insertEntry(conn, { ...entry('started', 0), finishedAt: startedAt, durationMs: 0 });
  const limits = sessionLimits({ lockTimeoutMs: ctx.lockTimeoutMs, statementTimeoutMs: ctx.statementTimeoutMs });
  const lockWaits: Array<{ message: string }> = [];
  const watch = await startLockWatch(conn, ctx.url, limits.lockTimeoutMs);
  const lockRetry: LockRetryPolicy = {
    retries: Math.max(0, Math.trunc(ctx.lockRetries ?? DEFAULT_LOCK_RETRIES)),
    delayMs: ctx.lockRetryDelayMs ?? DEFAULT_LOCK_RETRY_DELAY_MS,
    watch,
    cancelRequested: ctx.cancelRequested,
    onWait: (wait) => {
      const line = `${changeSet.tag}: ${wait.message}; retry ${wait.attempt} of ${wait.retries} in ${waitedText(wait.retryInMs)}`;
      lockWaits.push({ message: line });
      ctx.logger.warn({ env: ctx.environment, tag: changeSet.tag, statement: wait.statementIndex, attempt: wait.attempt, retries: wait.retries, lock: wait.lock }, line);
      ctx.onProgress?.({ type: 'lock-wait', tag: changeSet.tag, ...wait });
    },
  };
  const rowsBeforeRun = new Map<number, number>();
  const resumeFrom = runLogId === null ? 0 : await resumePosition(conn, changeSet.tag, direction, statements);
  if (resumeFrom > 0) {
    const which = resumeFrom === 1 ? 'statement 1' : `statements 1–${resumeFrom}`;
    notes.push(`${which} not run again: the interrupted run had committed ${resumeFrom === 1 ? 'it' : 'them'}`);
  }
  const runBatched =
    runLogId === null
      ? undefined
      : (statement: Statement) =>
          runBatchedStatement(conn, statement, {
            tag: changeSet.tag,
            direction,
            file: file.file,
            runLogId,
            maxReplicationLagMs: ctx.maxReplicationLagMs ?? DEFAULT_MAX_REPLICATION_LAG_MS,
            onProgress: ctx.onProgress,
            rowsBeforeRun,
            note: (text) => {
              notes.push(text);
              ctx.logger.info({ env: ctx.environment, tag: changeSet.tag, statement: statement.index }, text);
            },
          });
  const execution = await executeChangeSet(conn, run, { limits, onProgress: ctx.onProgress, onSucceeded: recordSuccess, lockRetry, runBatched, resumeFrom, probe: ctx.statementProbe }).finally(() => watch.close());
  const withWaits = (record: RunRecord): RunRecord => (lockWaits.length ? { ...record, lockWaits } : record);
  if (execution.failure) {
    // The failure row is written outside the rolled-back transaction, so it survives.
    const failedEntry = entry('failed', execution.rows, execution.failure, execution.statements.length);
    await insertEntry(conn, failedEntry);
    const record = finish(ctx, changeSet, direction, 'failed', failedEntry, tables);
    return withWaits({ ...record, error: execution.failure });
  }
  return withWaits(finish(ctx, changeSet, direction, success, outcome ?? entry(success, execution.rows), tables));
}

/** Emits the one structured log line per change set and direction. */
function finish(
  ctx: RunContext,
  changeSet: ChangeSet,
  direction: 'up' | 'down',
  status: RunRecord['status'],
  e: NewHistoryEntry,
  tables: string[],
): RunRecord {
  const record: RunRecord = {
    version: changeSet.version,
    tag: changeSet.tag,
    direction,
    status,
    durationMs: Math.round(e.durationMs),
    statements: e.statements,
    rowsAffected: e.rowsAffected,
    tables,
    ...(e.notes ? { notes: e.notes } : {}),
  };
  const line = {
    env: ctx.environment,
    version: record.version,
    tag: record.tag,
    direction,
    status,
    duration_ms: record.durationMs,
    statements: record.statements,
    rows: record.rowsAffected,
    tables,
    actor: ctx.actor,
  };
  if (status === 'failed') ctx.logger.error({ ...line, error: e.errorMessage }, 'change set failed');
  else ctx.logger.info(line, direction === 'up' ? 'change set applied' : 'change set rolled back');
  ctx.onProgress?.({ type: 'changeset-done', tag: changeSet.tag, direction, status, durationMs: record.durationMs });
  return record;
}
