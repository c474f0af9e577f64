import { performance } from 'node:perf_hooks';
import { userSearchPath } from './user-search-path';
import type { ChangeSet, SqlFile } from '../changesets/project';
import type { Statement } from '../changesets/statements';
import { pgErrorInfo } from '../db/client';
import { insertEntry, markDrizzleApplied, markDrizzleRolledBack, type NewHistoryEntry, type Operation } from './history-store';
import type { LockedConnection } from './target-lock';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type RunContext } from './run-context';

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
}

export interface FailureInfo {
  message: string;
  statementIndex: number;
  statement: string;
  line: number;
  file: string;
  position?: number;
  hint?: string;
  detail?: string;
  code?: string;
  noTransaction: boolean;
}

/**
 * Runs one change set's forward or rollback file on the locked connection: in its own
 * transaction with lock and statement timeouts (unless the file opts out with
 * `-- strata:no-transaction`), writing its history row and drizzle's row inside the same
 * transaction so that they commit or vanish together with the change itself.
 *
 * A no-transaction file commits statement by statement, so a process killed half-way would
 * leave part of it in place with no trace. Its `started` row is therefore committed before
 * the first statement; the outcome row appended after it supersedes it, and a `started` row
 * left latest marks the change set interrupted (see target-state.ts).
 */
export async function runChangeSet(
  conn: LockedConnection,
  ctx: RunContext,
  changeSet: ChangeSet,
  file: SqlFile,
  statements: Statement[],
  direction: 'up' | 'down',
  operation: Operation,
  backupSchema: string | null = null,
): Promise<RunRecord> {
  const lockTimeout = Math.max(0, Math.trunc(ctx.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS));
  const statementTimeout = Math.max(0, Math.trunc(ctx.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS));
  const tables = [...new Set(statements.flatMap((s) => s.tables))].sort();
  const startedAt = new Date();
  const t0 = performance.now();
  let rowsAffected = 0;
  let current = 0;
  const transactional = !file.noTransaction;
  const success = direction === 'up' ? 'applied' : 'rolled_back';

  const entry = (status: NewHistoryEntry['status'], failure?: FailureInfo): NewHistoryEntry => ({
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
    statements: failure ? failure.statementIndex : statements.length,
    rowsAffected,
    tablesTouched: tables,
    noTransaction: !transactional,
    errorMessage: failure?.message ?? null,
    errorStatementIndex: failure?.statementIndex ?? null,
    errorStatement: failure ? failure.statement.slice(0, 4000) : null,
    errorPosition: failure?.position ?? null,
    errorHint: failure?.hint ?? null,
    errorDetail: failure?.detail ?? null,
    errorCode: failure?.code ?? null,
    reason: ctx.reason ?? null,
    backupSchema,
  });

  // One entry object per outcome, so the history row and the log line carry the same figures.
  let outcome: NewHistoryEntry | null = null;
  const recordSuccess = async () => {
    outcome = entry(success);
    await insertEntry(conn, outcome);
    if (direction === 'up') await markDrizzleApplied(conn, changeSet.forward.checksum, changeSet.when);
    else await markDrizzleRolledBack(conn, changeSet.when);
  };

  // Autocommitted before anything runs, so it outlives this process if the process dies
  // mid-file; when it cannot be written, nothing has run and the error is the caller's.
  // Its `statements` is the file's count; it has no outcome, so no duration.
  if (!transactional) await insertEntry(conn, { ...entry('started'), finishedAt: startedAt, durationMs: 0 });
  try {
    const searchPath = await userSearchPath(conn);
    if (transactional) {
      await conn.unsafe('begin');
      await conn.unsafe(`set local lock_timeout = ${lockTimeout}; set local statement_timeout = ${statementTimeout}; set local search_path = ${searchPath}`);
    } else {
      await conn.unsafe(`set lock_timeout = ${lockTimeout}; set statement_timeout = ${statementTimeout}; set search_path = ${searchPath}`);
    }
    for (const statement of statements) {
      current = statement.index;
      const s0 = performance.now();
      const result = await conn.unsafe(statement.sql);
      const rows = typeof result.count === 'number' ? result.count : 0;
      rowsAffected += rows;
      ctx.onProgress?.({ type: 'statement-done', tag: changeSet.tag, index: statement.index, total: statements.length, rows, durationMs: performance.now() - s0 });
    }
    if (transactional) {
      await recordSuccess();
      await conn.unsafe('commit');
    } else {
      await conn.unsafe('begin');
      await recordSuccess();
      await conn.unsafe('commit');
    }
  } catch (error) {
    // Also ends the bookkeeping transaction of a no-transaction change set, if one is open.
    await conn.unsafe('rollback').catch(() => undefined);
    const info = pgErrorInfo(error);
    const failed = statements[current];
    const failure: FailureInfo = {
      message: info.message,
      statementIndex: current,
      statement: failed?.sql ?? '',
      line: failed?.line ?? 0,
      file: file.file,
      position: info.position,
      hint: info.hint,
      detail: info.detail,
      code: info.code,
      noTransaction: !transactional,
    };
    // The failure row is written outside the rolled-back transaction, so it survives.
    const failedEntry = entry('failed', failure);
    await insertEntry(conn, failedEntry);
    const record = finish(ctx, changeSet, direction, 'failed', failedEntry, tables);
    return { ...record, error: failure };
  } finally {
    if (!transactional) await conn.unsafe('reset lock_timeout; reset statement_timeout; reset search_path').catch(() => undefined);
  }
  return finish(ctx, changeSet, direction, success, outcome ?? entry(success), tables);
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
