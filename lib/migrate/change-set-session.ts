import { performance } from 'node:perf_hooks';
import type { ChangeSet, SqlFile } from '../changesets/project';
import type { Statement } from '../changesets/statements';
import { pgErrorInfo } from '../db/client';
import { fileToRun, type Direction } from './change-set-file';
import { allOutcomes, CheckFailedError, checkRowsText, runChecks, type PreparedChecks } from './check-runner';
import { roundMs, type CheckOutcome, type ExecutedStatement, type FailureInfo } from './statement-outcome';
import type { LockCapture } from './lock-capture';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type ProgressEvent } from './run-context';
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
      await runStatements(conn, run, done, { simulate: true, locks, onProgress: options.onProgress });
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
  try {
    await openSession(conn, transactional, options.limits);
    // Without a transaction, each check runs in a read-only transaction of its own, and an
    // after-check that fails cannot undo the statements, which have committed one by one.
    await runChecks(conn, checks, 'before', checked, transactional);
    await runStatements(conn, run, done, { simulate: false, onProgress: options.onProgress });
    await runChecks(conn, checks, 'after', checked, transactional);
    if (!transactional) await conn.unsafe('begin');
    await options.onSucceeded?.(execution(null).rows);
    await conn.unsafe('commit');
    return execution(null);
  } catch (error) {
    // Also ends the transaction a no-transaction file's onSucceeded runs in, if one is open.
    await conn.unsafe('rollback').catch(() => undefined);
    return execution(failureInfo(error, file, run.statements, done.length));
  } finally {
    if (!transactional) await closeSession(conn);
  }
}

/** Runs the statements in order, appending each to `done` as it completes; throws PostgreSQL's error. */
async function runStatements(
  conn: LockedConnection,
  run: ChangeSetToRun,
  done: ExecutedStatement[],
  options: { simulate: boolean; locks?: LockCapture; onProgress?: (event: ProgressEvent) => void },
): Promise<void> {
  const total = run.statements.length;
  for (const statement of run.statements) {
    const rule = options.simulate ? statement.outsideTransaction : null;
    const base = { index: statement.index, line: statement.line, sql: statement.sql, label: rule?.reason ?? null, locks: [] };
    if (rule && rule.simulateWith === null) {
      done.push({ ...base, durationMs: 0, rows: 0, skipped: true });
      continue;
    }
    const t0 = performance.now();
    const result = await conn.unsafe(rule?.simulateWith ?? statement.sql);
    const durationMs = performance.now() - t0;
    const rows = typeof result.count === 'number' ? result.count : 0;
    await options.locks?.afterStatement(done.length);
    done.push({ ...base, durationMs: roundMs(durationMs), rows, skipped: false });
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
