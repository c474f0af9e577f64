import { performance } from 'node:perf_hooks';
import type { ChangeSet, SqlFile } from '../changesets/project';
import type { Statement } from '../changesets/statements';
import { pgErrorInfo } from '../db/client';
import { fileToRun, type Direction } from './change-set-file';
import { allOutcomes, CheckFailedError, checkRowsText, runChecks, type PreparedChecks } from './check-runner';
import { roundMs, type BatchEstimate, type CheckOutcome, type ExecutedStatement, type FailureInfo } from './statement-outcome';
import type { LockCapture } from './lock-capture';
import { isLockTimeout, lockWaitText, retryDelayMs, withoutRoleNames, type LockRetryPolicy, type LockWatch, type WatchedLockWait } from './lock-wait';
import { cancellationOf, pauseUnlessCancelled } from './lock-wait-control';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type ProgressEvent, type StatementProbe } from './run-context';
import type { LockedConnection } from './target-lock';
import { userSearchPath } from './user-search-path';

/**
 * The one place a change set's statements meet PostgreSQL. Apply, rollback, the shadow's
 * replay, verify's second apply and the dry run all run a file through here, so the
 * session it runs in (timeouts, search_path, a transaction or not), the progress it reports
 * and the failure it describes are the same whichever door asked.
 */

export interface SessionLimits {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
}

/** The limits a change set runs with: the caller's, or the defaults; whole, non-negative milliseconds. */
export function sessionLimits(limits: Partial<SessionLimits> = {}): SessionLimits {
  const clamp = (ms: number) => Math.max(0, Math.trunc(ms));
  return { lockTimeoutMs: clamp(limits.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS), statementTimeoutMs: clamp(limits.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS) };
}

/**
 * Sets the session a change set runs in: lock_timeout, statement_timeout and the user's
 * search_path (never Strata's own schemas, see user-search-path.ts). Transactional: BEGIN
 * and SET LOCAL, so the settings end with the caller's COMMIT or ROLLBACK. Otherwise plain
 * SET, which closeSession() undoes.
 */
export async function openSession(conn: LockedConnection, transactional: boolean, limits: Partial<SessionLimits> = {}): Promise<void> {
  const { lockTimeoutMs, statementTimeoutMs } = sessionLimits(limits);
  const searchPath = await userSearchPath(conn);
  const set = transactional ? 'set local' : 'set';
  if (transactional) await conn.unsafe('begin');
  await conn.unsafe(`${set} lock_timeout = ${lockTimeoutMs}; ${set} statement_timeout = ${statementTimeoutMs}; ${set} search_path = ${searchPath}`);
}

/** Undoes a non-transactional session's settings; never fails (the connection may be gone). */
async function closeSession(conn: LockedConnection): Promise<void> {
  await conn.unsafe('reset lock_timeout; reset statement_timeout; reset search_path').catch(() => undefined);
}

export interface ChangeSetToRun {
  changeSet: ChangeSet;
  direction: Direction;
  /** The file's statements, parsed before anything ran (run-plan.ts). */
  statements: Statement[];
  /**
   * Its checks (check-runner.ts), parsed before anything ran; only an apply (`up`) has them:
   * before-checks run before the first statement, the others after the last one, in the
   * change set's transaction, and one that returns rows fails the change set.
   */
  checks?: PreparedChecks | null;
}

export interface ExecuteOptions {
  /** Ignored inside the caller's transaction, whose session already has them. */
  limits?: Partial<SessionLimits>;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Called after the last statement, in the change set's transaction (without one, in a
   * transaction of its own), so what it writes commits or vanishes with the change: the real
   * run's history rows. An error here fails the change set like a statement's.
   */
  onSucceeded?: (rows: number) => Promise<void>;
  /**
   * A dry run's: run inside the caller's open transaction (from openSession), in a savepoint
   * that a failure rolls back to. Statements PostgreSQL refuses in a transaction are
   * simulated (CONCURRENTLY removed) or skipped, and labelled; with `locks`, each statement's
   * new relation locks are read from pg_locks.
   */
  insideTransaction?: { locks?: LockCapture };
  /**
   * A real run's: when a statement's lock request times out (lock_timeout, 55P03), say who
   * is in the way and try again after a pause, `retries` times. A transactional change set is
   * rolled back and run again from its first statement (checks included); a no-transaction
   * one retries only the statement that timed out, when that is safe (whyNotRetryableAlone).
   */
  lockRetry?: LockRetryPolicy;
  /**
   * A real run's: runs a `-- strata:batched` statement batch by batch (batched-run.ts) and
   * returns the rows it processed. Without it (the dry run, the shadow), such a statement runs
   * whole, like any other.
   */
  runBatched?: (statement: Statement) => Promise<number>;
  /**
   * A real no-transaction run's, resuming an interrupted one: the position of the first
   * statement to run; those before it were committed by the interrupted run (resumePosition).
   */
  resumeFrom?: number;
  /** A dry run's: the number of batches and the time a batched statement would take (batched-run.ts). */
  estimateBatches?: (statement: Statement) => Promise<((durationMs: number) => BatchEstimate) | null>;
  /** A real run's: measures each statement (see StatementProbe). */
  probe?: StatementProbe;
}

export interface Execution {
  file: SqlFile;
  /** The statements that ran or were skipped, in order; the failing one is not among them. */
  statements: ExecutedStatement[];
  rows: number;
  failure: FailureInfo | null;
  /** Every check of the change set with its outcome (`not_run` for those a failure kept from running); empty without checks. */
  checks: CheckOutcome[];
}

/**
 * Runs one change set's file in `direction` on `conn`. On its own (the real run, verify):
 * in a transaction of its own, unless the file says `-- strata:no-transaction`, in which case
 * each statement commits by itself. A statement PostgreSQL refuses rolls the transaction
 * back and comes back as the execution's failure, never as a throw.
 */
export async function executeChangeSet(conn: LockedConnection, run: ChangeSetToRun, options: ExecuteOptions = {}): Promise<Execution> {
  const file = fileToRun(run.changeSet, run.direction);
  const done: ExecutedStatement[] = [];
  const checks = run.direction === 'up' ? run.checks : null;
  const checked: CheckOutcome[] = [];
  const execution = (failure: FailureInfo | null): Execution => ({
    file,
    statements: done,
    rows: done.reduce((sum, s) => sum + s.rows, 0),
    failure,
    checks: allOutcomes(checks, checked),
  });

  if (options.insideTransaction) {
    const locks = options.insideTransaction.locks;
    await conn.unsafe('savepoint strata_change_set');
    try {
      await runChecks(conn, checks, 'before', checked, true);
      await runStatements(conn, run, done, { simulate: true, locks, onProgress: options.onProgress, estimateBatches: options.estimateBatches });
      await runChecks(conn, checks, 'after', checked, true);
    } catch (error) {
      await conn.unsafe('rollback to savepoint strata_change_set');
      await locks?.discard();
      return execution(failureInfo(error, file, run.statements, done.length));
    }
    await conn.unsafe('release savepoint strata_change_set');
    locks?.attribute(done, file.noTransaction);
    return execution(null);
  }

  const transactional = !file.noTransaction;
  const retry = options.lockRetry;
  const waits: RetryWaits = { attempt: 0, lastWait: null };
  for (;;) {
    try {
      await openSession(conn, transactional, options.limits);
      // Without a transaction, each check runs in a read-only transaction of its own, and an
      // after-check that fails cannot undo the statements, which have committed one by one.
      await runChecks(conn, checks, 'before', checked, transactional);
      await runStatements(conn, run, done, {
        simulate: false,
        onProgress: options.onProgress,
        watch: retry?.watch,
        retryAlone: transactional ? undefined : retry,
        waits,
        runBatched: options.runBatched,
        resumeFrom: transactional ? 0 : options.resumeFrom,
        probe: options.probe,
      });
      await runChecks(conn, checks, 'after', checked, transactional);
      if (!transactional) await conn.unsafe('begin');
      await options.onSucceeded?.(execution(null).rows);
      await conn.unsafe('commit');
      return execution(null);
    } catch (error) {
      // Also ends the transaction a no-transaction file's onSucceeded runs in, if one is open.
      await conn.unsafe('rollback').catch(() => undefined);
      const failedAt = run.statements[Math.min(done.length, run.statements.length - 1)]?.index ?? 0;
      // Cancelled by an operator while it waited: no retry, the failure says who and for what.
      const cancelled = await cancellationOf(error, retry, waits.lastWait);
      if (cancelled) return execution({ ...failureInfo(cancelled, file, run.statements, done.length), lockWait: withoutRoleNames(cancelled.lockWait) });
      // Rolled back whole, the change set can run again from the start: nothing of it remains.
      if (transactional && retry && isLockTimeout(error) && waits.attempt < retry.retries) {
        try {
          await pauseBeforeRetry(retry, waits, failedAt);
        } catch (pauseError) {
          const stopped = await cancellationOf(pauseError, retry, waits.lastWait);
          if (!stopped) throw pauseError;
          return execution({ ...failureInfo(stopped, file, run.statements, done.length), lockWait: withoutRoleNames(stopped.lockWait) });
        }
        done.length = 0;
        checked.length = 0;
        continue;
      }
      const notAlone = transactional ? null : whyNotRetryableAlone(run.statements, Math.min(done.length, run.statements.length - 1));
      return execution(lockFailure(failureInfo(error, file, run.statements, done.length), error, retry, waits.attempt, notAlone));
    } finally {
      if (!transactional) await closeSession(conn);
    }
  }
}

/** The retries a real run has made after lock timeouts, and the last wait it reported (what a cancel names). */
interface RetryWaits {
  attempt: number;
  lastWait: WatchedLockWait | null;
}

/**
 * Says who is in the way, then waits the retry's pause (doubling each time); throws
 * LockWaitCancelled when an operator cancels the run meanwhile (asked before the pause too).
 */
async function pauseBeforeRetry(retry: LockRetryPolicy, waits: RetryWaits, statementIndex: number): Promise<void> {
  waits.attempt += 1;
  const lock = retry.watch.lastWait();
  waits.lastWait = lock ?? waits.lastWait;
  const retryInMs = retryDelayMs(waits.attempt, retry.delayMs);
  retry.onWait({ attempt: waits.attempt, retries: retry.retries, retryInMs, statementIndex, lock: withoutRoleNames(lock), message: lockWaitText(lock), runnerPid: retry.watch.pid });
  await pauseUnlessCancelled(retryInMs, retry, waits.lastWait);
}

/** A lock timeout that was not (or no longer) retried: the failure names who was in the way, and how many retries it had. */
function lockFailure(failure: FailureInfo, error: unknown, retry: LockRetryPolicy | undefined, retried: number, notAlone: string | null): FailureInfo {
  if (!retry || !isLockTimeout(error)) return failure;
  const lockWait = retry.watch.lastWait();
  const after =
    retried > 0
      ? `gave up after ${retried} ${retried === 1 ? 'retry' : 'retries'}`
      : notAlone && retry.retries > 0
        ? `not retried: ${notAlone}`
        : 'not retried';
  return { ...failure, message: `${failure.message}: ${lockWaitText(lockWait)} (${after})`, lockWait: withoutRoleNames(lockWait) };
}

/**
 * Why a no-transaction change set may not run the statement at `position` again after its
 * lock request timed out (null: it may). Autocommitted, a statement that fails leaves nothing
 * behind, so running it again is the same as running it once — except statements PostgreSQL
 * runs in several transactions of their own (CREATE/REINDEX/DROP INDEX CONCURRENTLY, DETACH
 * PARTITION CONCURRENTLY, VACUUM…: `outsideTransaction`), which can time out in a later phase
 * and leave an INVALID index or a half-detached partition behind; and any statement after the
 * file opened a transaction of its own (BEGIN), which the failure aborted.
 */
export function whyNotRetryableAlone(statements: Statement[], position: number): string | null {
  const statement = statements[position];
  if (!statement) return 'no such statement';
  if (statement.outsideTransaction) return 'a statement PostgreSQL runs in several transactions of its own may have left part of its work behind';
  const opensTransaction = statements.slice(0, position + 1).some((s) => s.node && typeof s.node === 'object' && 'TransactionStmt' in s.node);
  return opensTransaction ? "it runs in the file's own transaction (BEGIN), which the timeout aborted" : null;
}

/** Runs the statements in order, appending each to `done` as it completes; throws PostgreSQL's error. */
async function runStatements(
  conn: LockedConnection,
  run: ChangeSetToRun,
  done: ExecutedStatement[],
  options: {
    simulate: boolean;
    locks?: LockCapture;
    onProgress?: (event: ProgressEvent) => void;
    /** Looks at what each statement waits for (a real run's). */
    watch?: LockWatch;
    /** A no-transaction run's: retry a statement whose lock request timed out, by itself. */
    retryAlone?: LockRetryPolicy;
    waits?: RetryWaits;
    runBatched?: ExecuteOptions['runBatched'];
    estimateBatches?: ExecuteOptions['estimateBatches'];
    resumeFrom?: number;
    probe?: StatementProbe;
  },
): Promise<void> {
  const total = run.statements.length;
  const retry = options.retryAlone;
  const watch = options.watch;
  const watched = <T>(work: () => Promise<T>) => (watch ? watch.during(work) : work());
  for (const [position, statement] of run.statements.entries()) {
    const rule = options.simulate ? statement.outsideTransaction : null;
    const base = { index: statement.index, line: statement.line, sql: statement.sql, label: rule?.reason ?? null, locks: [] };
    if (rule && rule.simulateWith === null) {
      done.push({ ...base, durationMs: 0, rows: 0, skipped: true });
      continue;
    }
    if (position < (options.resumeFrom ?? 0)) {
      done.push({ ...base, label: 'committed by the interrupted run', durationMs: 0, rows: 0, skipped: true });
      continue;
    }
    const estimate = statement.batched && options.estimateBatches ? await options.estimateBatches(statement) : null;
    await options.probe?.before(conn, statement, run.changeSet.tag);
    const t0 = performance.now();
    const batched = statement.batched && options.runBatched;
    // A batched statement that timed out on a lock is retried alone too: it resumes after its last checkpoint.
    const runIt = (): Promise<{ count?: unknown }> =>
      watched(async () => (batched ? { count: await batched(statement) } : conn.unsafe(rule?.simulateWith ?? statement.sql)));
    let result: Awaited<ReturnType<typeof runIt>>;
    for (;;) {
      try {
        result = await runIt();
        break;
      } catch (error) {
        // Only a no-transaction run passes retryAlone: the statement ran (and failed) alone.
        const waits = options.waits ?? { attempt: 0, lastWait: null };
        // A cancel is thrown as the failure (LockWaitCancelled), whatever the retries left.
        const cancelled = await cancellationOf(error, retry, waits.lastWait);
        if (cancelled) throw cancelled;
        if (!retry || !isLockTimeout(error) || waits.attempt >= retry.retries || whyNotRetryableAlone(run.statements, position) !== null) throw error;
        await pauseBeforeRetry(retry, waits, statement.index);
      }
    }
    const durationMs = performance.now() - t0;
    const rows = typeof result.count === 'number' ? result.count : 0;
    await options.probe?.after(conn, statement, { durationMs, rows });
    await options.locks?.afterStatement(done.length);
    const batches = estimate?.(durationMs);
    done.push({ ...base, durationMs: roundMs(durationMs), rows, skipped: false, ...(batches ? { batches } : {}) });
    options.onProgress?.({ type: 'statement-done', tag: run.changeSet.tag, index: statement.index, total, rows, durationMs });
  }
}

/**
 * PostgreSQL's error as the change set's failure, on the statement that was running: the
 * one after those done (an error before the first statement, or after the last one while
 * recording the outcome, is put on the nearest statement).
 */
function failureInfo(error: unknown, file: SqlFile, statements: Statement[], doneCount: number): FailureInfo {
  if (error instanceof CheckFailedError) {
    const { failure, pg } = error;
    return {
      message: error.message,
      statementIndex: failure.index,
      statement: failure.sql,
      line: failure.line,
      file: failure.file,
      position: pg?.position,
      hint: pg?.hint,
      detail: pg ? pg.detail : checkRowsText(failure),
      code: pg?.code,
      noTransaction: file.noTransaction,
      check: failure,
    };
  }
  const info = pgErrorInfo(error);
  const statement = statements[Math.min(doneCount, statements.length - 1)];
  return {
    message: info.message,
    statementIndex: statement?.index ?? 0,
    statement: statement?.sql ?? '',
    line: statement?.line ?? 0,
    file: file.file,
    position: info.position,
    hint: info.hint,
    detail: info.detail,
    code: info.code,
    noTransaction: file.noTransaction,
  };
}
