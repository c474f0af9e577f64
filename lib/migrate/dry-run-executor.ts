import { performance } from 'node:perf_hooks';
import { userSearchPath } from './user-search-path';
import type { Statement } from '../changesets/statements';
import { pgErrorInfo } from '../db/client';
import type { SchemaModel } from '../introspect/schema-model';
import type { ParsedChangeSet } from './apply';
import type { DryRunStatement, ExecutedChangeSet, LockTaken } from './dry-run-types';
import type { FailureInfo } from './run-change-set';
import { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_STATEMENT_TIMEOUT_MS, type ProgressEvent } from './run-context';
import { readSequencePositions, sequenceGaps, type SequenceGap } from './sequence-guard';
import { resolveTables } from './table-backup';
import { introspectOn } from './target-reads';
import type { LockedConnection } from './target-lock';

export interface ExecutedPlan {
  changeSets: ExecutedChangeSet[];
  before: SchemaModel;
  after: SchemaModel;
  /** Row counts (capped) of every table the plan names, before it ran. */
  rowCounts: Record<string, number>;
  /** Sequences the dry run advanced: never set back (see sequence-guard.ts), reported. */
  sequenceGaps: SequenceGap[];
}

export interface ExecuteOptions {
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  onProgress?: (event: ProgressEvent) => void;
}

/** Relation locks this backend holds, by lock mode and relation oid. */
const HELD_LOCKS = `
  select l.mode, l.relation::int8 as oid from pg_locks l
  where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted`;

/** Names of every user relation, so a lock on a table the statement just dropped still has a name. */
const RELATION_NAMES = `
  select c.oid::int8 as oid, n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;

/**
 * Runs a plan for real inside ONE transaction on `conn` and always rolls it back: the
 * schema before and after (introspected inside the transaction), and for every statement
 * its duration, rows and the relation locks it took. Each change set runs in a savepoint,
 * so a failing one is reported with PostgreSQL's message and the "after" schema is what
 * the change sets before it produced. Statements PostgreSQL refuses in a transaction are
 * simulated (CONCURRENTLY dropped) or skipped, and labelled.
 */
export async function executeInTransaction(
  conn: LockedConnection,
  parsed: ParsedChangeSet[],
  direction: 'up' | 'down',
  options: ExecuteOptions = {},
): Promise<ExecutedPlan> {
  const lockTimeout = Math.max(0, Math.trunc(options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS));
  const statementTimeout = Math.max(0, Math.trunc(options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS));
  const progress = options.onProgress ?? (() => undefined);
  const sequencesBefore = await readSequencePositions(conn);
  let executed: ExecutedPlan;
  await conn.unsafe('begin');
  try {
    await conn.unsafe(`set local lock_timeout = ${lockTimeout}; set local statement_timeout = ${statementTimeout}`);
    // Like the real run (run-change-set.ts): unqualified names never resolve to Strata's schemas.
    await conn.unsafe(`set local search_path = ${await userSearchPath(conn)}`);
    progress({ type: 'phase', label: 'Reading the schema before the change' });
    const before = await introspectOn(conn, true);
    const names = [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => [...s.tables, ...s.destroys])))];
    const rowCounts = Object.fromEntries((await resolveTables(conn, names)).map((t) => [t.table, t.rows]));
    const relationNames = new Map<string, string>();
    for (const r of await conn.unsafe(RELATION_NAMES)) relationNames.set(String(r.oid), String(r.name));
    let held = await heldLocks(conn);

    const changeSets: ExecutedChangeSet[] = [];
    for (const [position, { changeSet, statements }] of parsed.entries()) {
      const file = direction === 'up' ? changeSet.forward : changeSet.rollback!;
      progress({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
      const destroys = (await resolveTables(conn, [...new Set(statements.flatMap((s) => s.destroys))])).map((t) => t.table);
      const run = await runOneChangeSet(conn, statements, file.file, file.noTransaction, relationNames, held, (event) => progress({ ...event, tag: changeSet.tag }));
      held = run.held;
      changeSets.push({
        version: changeSet.version,
        tag: changeSet.tag,
        direction,
        file: file.file,
        checksum: file.checksum,
        noTransaction: file.noTransaction,
        status: run.error ? 'failed' : 'ok',
        durationMs: round(run.statements.reduce((sum, s) => sum + s.durationMs, 0)),
        rows: run.statements.reduce((sum, s) => sum + s.rows, 0),
        statements: run.statements,
        destroys,
        error: run.error,
      });
      progress({ type: 'changeset-done', tag: changeSet.tag, direction, status: run.error ? 'failed' : direction === 'up' ? 'applied' : 'rolled_back', durationMs: changeSets.at(-1)!.durationMs });
      if (run.error) break;
    }
    for (const { changeSet } of parsed.slice(changeSets.length)) {
      const file = direction === 'up' ? changeSet.forward : changeSet.rollback!;
      changeSets.push({ version: changeSet.version, tag: changeSet.tag, direction, file: file.file, checksum: file.checksum, noTransaction: file.noTransaction, status: 'not_run', durationMs: 0, rows: 0, statements: [], destroys: [], error: null });
    }
    progress({ type: 'phase', label: 'Reading the schema after the change' });
    const after = await introspectOn(conn, true);
    // Read inside the transaction: what this dry run used, not what the application used meanwhile.
    executed = { changeSets, before, after, rowCounts, sequenceGaps: sequenceGaps(sequencesBefore, await readSequencePositions(conn)) };
  } finally {
    await conn.unsafe('rollback').catch(() => undefined);
  }
  return executed;
}

async function runOneChangeSet(
  conn: LockedConnection,
  statements: Statement[],
  fileName: string,
  noTransaction: boolean,
  relationNames: Map<string, string>,
  heldBefore: Set<string>,
  progress: (event: Omit<Extract<ProgressEvent, { type: 'statement-done' }>, 'tag'>) => void,
): Promise<{ statements: DryRunStatement[]; error: FailureInfo | null; held: Set<string> }> {
  const done: DryRunStatement[] = [];
  const acquired: Array<{ statement: number; mode: string; oid: string }> = [];
  let held = heldBefore;
  await conn.unsafe('savepoint strata_change_set');
  for (const statement of statements) {
    const rule = statement.outsideTransaction;
    const base = { index: statement.index, line: statement.line, sql: statement.sql, label: rule?.reason ?? null };
    if (rule && rule.simulateWith === null) {
      done.push({ ...base, durationMs: 0, rows: 0, locks: [], skipped: true });
      continue;
    }
    const t0 = performance.now();
    try {
      const result = await conn.unsafe(rule?.simulateWith ?? statement.sql);
      const durationMs = performance.now() - t0;
      const rows = typeof result.count === 'number' ? result.count : 0;
      const now = await heldLocks(conn);
      for (const key of now) {
        if (held.has(key)) continue;
        const [mode, oid] = key.split('|') as [string, string];
        acquired.push({ statement: done.length, mode, oid });
      }
      held = now;
      done.push({ ...base, durationMs: round(durationMs), rows, locks: [], skipped: false });
      progress({ type: 'statement-done', index: statement.index, total: statements.length, rows, durationMs });
    } catch (error) {
      await conn.unsafe('rollback to savepoint strata_change_set');
      const info = pgErrorInfo(error);
      return {
        statements: done,
        held: await heldLocks(conn),
        error: {
          message: info.message,
          statementIndex: statement.index,
          statement: statement.sql,
          line: statement.line,
          file: fileName,
          position: info.position,
          hint: info.hint,
          detail: info.detail,
          code: info.code,
          noTransaction,
        },
      };
    }
  }
  await conn.unsafe('release savepoint strata_change_set');
  attributeLocks(done, acquired, relationNames, noTransaction);
  return { statements: done, error: null, held };
}

/**
 * Puts each acquired lock on the statement that took it, with how long the real run would
 * hold it: locks last until the transaction ends, so in a transactional change set that is
 * from this statement to the change set's commit; without a transaction, the statement alone.
 */
function attributeLocks(
  statements: DryRunStatement[],
  acquired: Array<{ statement: number; mode: string; oid: string }>,
  relationNames: Map<string, string>,
  noTransaction: boolean,
): void {
  for (const lock of acquired) {
    const statement = statements[lock.statement]!;
    const until = noTransaction ? statement.durationMs : statements.slice(lock.statement).reduce((sum, s) => sum + s.durationMs, 0);
    const relation = relationNames.get(lock.oid);
    // Locks on relations the change set itself created and on system catalogs carry no risk to others.
    if (!relation) continue;
    const taken: LockTaken = { mode: lock.mode, relation, heldMs: round(until) };
    statement.locks.push(taken);
  }
  for (const s of statements) s.locks.sort((a, b) => a.relation.localeCompare(b.relation) || a.mode.localeCompare(b.mode));
}

async function heldLocks(conn: LockedConnection): Promise<Set<string>> {
  const rows = await conn.unsafe(HELD_LOCKS);
  return new Set(rows.map((r) => `${r.mode}|${r.oid}`));
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
