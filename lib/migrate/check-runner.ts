import { performance } from 'node:perf_hooks';
import { checkLabel, parseChecks, type Check, type CheckPhase, type ParsedChecks } from '../changesets/checks';
import type { ChangeSet } from '../changesets/project';
import { pgErrorInfo, type PgErrorInfo } from '../db/client';
import { loadProject } from '../project/load-project';
import type { ClassificationTag, TablePolicy } from '../retention/types';
import { CHECK_ROWS_SHOWN, MASK, roundMs, type CheckFailure, type CheckOutcome } from './statement-outcome';
import type { LockedConnection } from './target-lock';

/**
 * Runs a change set's checks (lib/changesets/checks.ts) on the session the change set runs
 * in (change-set-session.ts calls it, so apply, the dry run and verify run them alike). Each
 * check runs in a savepoint (outside a transaction: a read-only transaction) that is rolled
 * back once its rows are read, so a check leaves nothing behind even when a function it
 * calls writes. The first check that returns rows, or that PostgreSQL refuses, throws
 * CheckFailedError; the change set then fails like a statement.
 */

/** A change set's parsed checks, with the project's classification for masking what they return. */
export interface PreparedChecks extends ParsedChecks {
  policies: TablePolicy[];
}

export class CheckFailedError extends Error {
  constructor(
    readonly failure: CheckFailure,
    /** PostgreSQL's error when it refused the query itself; null when the query returned rows. */
    readonly pg: PgErrorInfo | null,
  ) {
    super(checkFailureMessage(failure, pg));
    this.name = 'CheckFailedError';
  }
}

/**
 * Parses the checks of the change sets a plan applies and loads the project's classification
 * once, before anything runs: a check that does not parse or is not read-only is refused here.
 */
export async function prepareChecks(projectDir: string, changeSets: ChangeSet[]): Promise<Map<string, PreparedChecks>> {
  const prepared = new Map<string, PreparedChecks>();
  const withChecks = changeSets.filter((c) => c.checks);
  if (withChecks.length === 0) return prepared;
  const parsed = [];
  for (const changeSet of withChecks) parsed.push({ tag: changeSet.tag, checks: await parseChecks(changeSet.checks!) });
  const policies = (await loadProject(projectDir)).definition.policies ?? [];
  for (const { tag, checks } of parsed) if (checks.checks.length) prepared.set(tag, { ...checks, policies });
  return prepared;
}

/** Runs the checks of one phase in file order, appending each outcome; throws on the first failure. */
export async function runChecks(
  conn: LockedConnection,
  prepared: PreparedChecks | null | undefined,
  phase: CheckPhase,
  outcomes: CheckOutcome[],
  inTransaction: boolean,
): Promise<void> {
  for (const check of prepared?.checks.filter((c) => c.phase === phase) ?? []) {
    const outcome = await runCheck(conn, prepared!, check, inTransaction);
    outcomes.push(outcome.result);
    if (outcome.failure) throw new CheckFailedError(outcome.failure, outcome.pg);
  }
}

/** Every check of a checks file with what happened to it: those that did not run are `not_run`. */
export function allOutcomes(prepared: PreparedChecks | null | undefined, ran: CheckOutcome[]): CheckOutcome[] {
  if (!prepared) return [];
  return prepared.checks.map((check) => ran.find((r) => r.index === check.index) ?? { ...outcomeBase(prepared, check), status: 'not_run', rowCount: null, durationMs: 0 });
}

/** The change set's failure message for a failing check: the file, line and comment, and what it found. */
export function checkFailureMessage(failure: CheckFailure, pg: PgErrorInfo | null): string {
  const label = checkLabel(failure.file, failure);
  const phase = failure.phase === 'before' ? 'before-check' : 'check';
  if (pg) return `${phase} ${label} could not run: ${pg.message}`;
  return `${phase} ${label} failed: it returned ${failure.rowCount} row${failure.rowCount === 1 ? '' : 's'}, and must return none`;
}

/** The rows a failing check returned, as text (one line per row, masked values as MASK): the failure's detail. */
export function checkRowsText(failure: CheckFailure): string {
  const head =
    `${failure.rowCount} row${failure.rowCount === 1 ? '' : 's'} returned` +
    (failure.rowCount !== null && failure.rowCount > failure.rows.length ? `, the first ${failure.rows.length} shown` : '') +
    (failure.masked.length ? `; masked: ${failure.masked.map((m) => `${m.column} (${m.because})`).join(', ')}` : '');
  const rows = failure.rows.map((row) => row.map((value, i) => `${failure.columns[i]}=${value ?? 'null'}`).join(', '));
  return [head, ...rows].join('\n');
}

function outcomeBase(prepared: PreparedChecks, check: Check) {
  return { file: prepared.file.file, index: check.index, line: check.line, phase: check.phase, comment: check.comment };
}

async function runCheck(
  conn: LockedConnection,
  prepared: PreparedChecks,
  check: Check,
  inTransaction: boolean,
): Promise<{ result: CheckOutcome; failure: CheckFailure | null; pg: PgErrorInfo | null }> {
  const base = outcomeBase(prepared, check);
  const t0 = performance.now();
  // A newline after the query, so a trailing `--` comment cannot swallow the closing parenthesis.
  const wrapped = `(\n${check.sql}\n) as strata_check`;
  let pg: PgErrorInfo | null = null;
  let found: { columns: string[]; masked: CheckFailure['masked']; rows: Array<Array<string | null>>; rowCount: number } | null = null;
  await conn.unsafe(inTransaction ? 'savepoint strata_check' : 'begin read only');
  try {
    const result = await conn.unsafe(`select * from ${wrapped} limit ${CHECK_ROWS_SHOWN + 1}`).values();
    if (result.length > 0) {
      const rowCount = result.length > CHECK_ROWS_SHOWN ? Number((await conn.unsafe(`select count(*)::int8 as n from ${wrapped}`))[0]!.n) : result.length;
      const reasons = await maskReasons(conn, result.columns, prepared.policies, check);
      const columns = result.columns.map((c) => c.name);
      const rows = (result as unknown as unknown[][]).slice(0, CHECK_ROWS_SHOWN).map((row) => row.map((value, i) => (reasons[i] ? MASK : shown(value))));
      const masked = reasons.flatMap((because, i) => (because ? [{ column: columns[i]!, because }] : []));
      found = { columns, masked, rows, rowCount };
    }
  } catch (error) {
    pg = pgErrorInfo(error);
  } finally {
    await conn.unsafe(inTransaction ? 'rollback to savepoint strata_check; release savepoint strata_check' : 'rollback');
  }
  const durationMs = roundMs(performance.now() - t0);
  if (!found && !pg) return { result: { ...base, status: 'passed', rowCount: 0, durationMs }, failure: null, pg: null };
  const result: CheckOutcome = { ...base, status: 'failed', rowCount: found?.rowCount ?? null, durationMs };
  const failure: CheckFailure = { ...result, sql: check.sql, columns: found?.columns ?? [], masked: found?.masked ?? [], rows: found?.rows ?? [] };
  return { result, failure, pg };
}

/** A value as text for a person to read: dates in ISO form, JSON as JSON, long values cut. */
function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text =
    value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

const SENSITIVE: readonly ClassificationTag[] = ['PII', 'secret'];

/**
 * Why each result column is masked (null: shown). A column PostgreSQL traces to a table column
 * (RowDescription's table oid and attribute number) is masked when the project classifies that
 * column PII or secret — or the whole table so, when its policy tags no column. A computed
 * column has no origin: it is masked when the query refers to any PII or secret column of a
 * table it reads (`lower(email)` must not show the e-mail), which may hide harmless values too.
 */
async function maskReasons(
  conn: LockedConnection,
  columns: ReadonlyArray<{ name: string; table: number; number: number }>,
  policies: TablePolicy[],
  check: Check,
): Promise<Array<string | null>> {
  const oids = [...new Set(columns.map((c) => c.table).filter((oid) => oid > 0))];
  const origins = new Map<string, { table: string; column: string }>();
  if (oids.length) {
    const rows = await conn.unsafe(
      `select a.attrelid::int8 as oid, a.attnum::int as num, n.nspname || '.' || c.relname as tbl, a.attname as col
       from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
       where a.attrelid in (${oids.map((o) => Number(o)).join(', ')}) and a.attnum > 0`,
    );
    for (const r of rows) origins.set(`${r.oid}:${r.num}`, { table: String(r.tbl), column: String(r.col) });
  }
  const byTable = new Map(policies.map((p) => [p.table, p]));
  // Sensitive columns of the tables the check reads (its names may be unqualified).
  const read = policies.filter((p) => check.tables.some((t) => t === p.table || p.table.endsWith(`.${t}`)));
  const computedReason = read
    .flatMap((p) => Object.entries(p.columns ?? {}).filter(([column, tags]) => check.columnsNamed.includes(column) && tags.some((t) => SENSITIVE.includes(t))).map(([column, tags]) => `computed from ${p.table}.${column}, ${sensitiveOf(tags)}`))
    .at(0) ?? null;
  return columns.map((c) => {
    const origin = c.table > 0 ? origins.get(`${c.table}:${c.number}`) : undefined;
    if (!origin) return computedReason;
    const policy = byTable.get(origin.table);
    const sensitive = policy ? sensitivityOf(policy, origin.column) : null;
    if (!sensitive) return null;
    return sensitive.byTable ? `${sensitive.tags.join(', ')}, table ${origin.table}` : `${sensitive.tags.join(', ')}, ${origin.table}.${origin.column}`;
  });
}

/**
 * Whether a project classifies `column` of the policy's table PII or secret, and so masks
 * it wherever its values would leave the database (a failing check's rows, a rehearsal's
 * copy): by the column's own tags, or — when the policy tags no column — by the table's.
 */
export function sensitivityOf(policy: TablePolicy, column: string): { tags: ClassificationTag[]; byTable: boolean } | null {
  const own = policy.columns?.[column];
  if (own) return own.some((t) => SENSITIVE.includes(t)) ? { tags: own.filter((t) => SENSITIVE.includes(t)), byTable: false } : null;
  const tagsColumns = Object.keys(policy.columns ?? {}).length > 0;
  return !tagsColumns && policy.classification.some((t) => SENSITIVE.includes(t)) ? { tags: policy.classification.filter((t) => SENSITIVE.includes(t)), byTable: true } : null;
}

function sensitiveOf(tags: ClassificationTag[]): string {
  return tags.filter((t) => SENSITIVE.includes(t)).join(', ');
}
