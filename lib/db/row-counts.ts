import type { Sql } from './client';
import { quoteIdent, quoteQualified } from './identifiers';

/**
 * How many rows a table holds, by one rule wherever Strata needs the figure (a rollback's
 * backup, a dry run's risk flags and lint, the change set page's lint): exact up to
 * EXACT_ROW_COUNT_LIMIT rows, the planner's estimate above it, and marked as an estimate.
 * A count of a 500 GB table is never worth it; a table that is empty must read 0, never
 * an estimate's "about 0".
 *
 * The planner's statistics decide which side a table is on: pg_class.reltuples, summed over
 * the leaf partitions of a partitioned table. A table they call small (or never analysed)
 * is counted, the count stopping one row past the limit; when it gets there the statistics
 * were stale, and the figure is EXPLAIN's estimate, which scales them to the table's
 * current size on disk.
 */
export const EXACT_ROW_COUNT_LIMIT = 100_000;

export interface RowCount {
  /** `schema.name`, unquoted. */
  table: string;
  rows: number;
  /** `rows` is the planner's estimate (more than EXACT_ROW_COUNT_LIMIT), not a count. */
  estimate: boolean;
}

export interface TableName {
  schema: string;
  name: string;
}

/** Counts per statement: one round trip for many small tables, without one huge query. */
const COUNTS_PER_QUERY = 200;

/** Row counts of existing tables (plain, partitioned or partitions), in the order given. */
export async function countRows(sql: Sql, tables: TableName[]): Promise<RowCount[]> {
  if (tables.length === 0) return [];
  const estimates = await plannerEstimates(sql, tables);
  const key = (t: TableName) => `${t.schema}.${t.name}`;
  // Statistics that say "big" are trusted; "small" or none is checked by counting.
  const small = tables.filter((_, i) => !(estimates[i]! > EXACT_ROW_COUNT_LIMIT));
  const counted = new Map((await cappedCounts(sql, small)).map((n, i) => [key(small[i]!), n]));
  const results: RowCount[] = [];
  for (const [i, t] of tables.entries()) {
    const count = counted.get(key(t));
    if (count === undefined) results.push({ table: key(t), rows: Math.round(estimates[i]!), estimate: true });
    else if (count <= EXACT_ROW_COUNT_LIMIT) results.push({ table: key(t), rows: count, estimate: false });
    else results.push({ table: key(t), rows: Math.max(await explainedRows(sql, t), EXACT_ROW_COUNT_LIMIT + 1), estimate: true });
  }
  return results;
}

/**
 * Resolves relation names as a statement wrote them (unqualified ones through the session's
 * search_path; `schema.*` for a dropped schema, meaning its tables) to existing tables.
 * Names that resolve to nothing, or to something other than a table, are left out.
 */
export async function resolveTableNames(sql: Sql, names: string[]): Promise<TableName[]> {
  if (names.length === 0) return [];
  const schemas = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2));
  const relations = names.filter((n) => !n.endsWith('.*')).map(quoteNameAsWritten);
  const found = await sql`
    select distinct n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and (
      c.oid in (select to_regclass(r) from unnest(${sql.array(relations)}::text[]) r)
      or (n.nspname = any(${sql.array(schemas)}::text[]) and not c.relispartition))
    order by 1, 2`;
  return found.map((r) => ({ schema: String(r.schema), name: String(r.name) }));
}

/** The tables `names` (as a statement wrote them) resolve to, with their row counts. */
export async function countTablesNamed(sql: Sql, names: string[]): Promise<RowCount[]> {
  return countRows(sql, await resolveTableNames(sql, names));
}

/** `5 rows`, `1 row`, `about 1,200,000 rows` (an estimate). */
export function rowCountText(count: Pick<RowCount, 'rows' | 'estimate'>): string {
  return `${count.estimate ? 'about ' : ''}${count.rows.toLocaleString('en-US')} row${count.rows === 1 ? '' : 's'}`;
}

/** reltuples per table (summed over the leaves of a partitioned one), or null where never analysed. */
async function plannerEstimates(sql: Sql, tables: TableName[]): Promise<Array<number | null>> {
  const rows = await sql`
    select x.i::int as i,
      case when c.relkind = 'p' then (
        select case when bool_or(p.reltuples >= 0) then sum(greatest(p.reltuples, 0)) end
        from pg_partition_tree(c.oid) t join pg_class p on p.oid = t.relid where t.isleaf)
      else case when c.reltuples >= 0 then c.reltuples end end::float8 as estimate
    from unnest(${sql.array(tables.map((t) => quoteQualified(t.schema, t.name) as string))}::text[]) with ordinality x(q, i)
    join pg_class c on c.oid = to_regclass(x.q)`;
  const byPosition = new Map(rows.map((r) => [Number(r.i) - 1, r.estimate === null ? null : Number(r.estimate)]));
  return tables.map((_, i) => byPosition.get(i) ?? null);
}

/** count(*) of each table, stopping one row past the limit so a big table costs no more than that. */
async function cappedCounts(sql: Sql, tables: TableName[]): Promise<number[]> {
  const counts: number[] = [];
  for (let start = 0; start < tables.length; start += COUNTS_PER_QUERY) {
    const chunk = tables.slice(start, start + COUNTS_PER_QUERY);
    const rows = await sql.unsafe(
      chunk
        .map((t, i) => `select ${i} as i, count(*)::int as n from (select from ${quoteQualified(t.schema, t.name)} limit ${EXACT_ROW_COUNT_LIMIT + 1}) s${i}`)
        .join(' union all '),
    );
    const byIndex = new Map(rows.map((r) => [Number(r.i), Number(r.n)]));
    counts.push(...chunk.map((_, i) => byIndex.get(i) ?? 0));
  }
  return counts;
}

/** The planner's row estimate for the whole table (EXPLAIN only plans: it reads no rows). */
async function explainedRows(sql: Sql, table: TableName): Promise<number> {
  const [row] = await sql.unsafe(`explain (format json) select from ${quoteQualified(table.schema, table.name)}`);
  const plan = (row!['QUERY PLAN'] as Array<{ Plan: { 'Plan Rows': number } }>)[0]!.Plan;
  return Math.round(plan['Plan Rows']);
}

/** A name as a statement wrote it (`schema.table` or `table`), quoted for to_regclass. */
function quoteNameAsWritten(name: string): string {
  const dot = name.indexOf('.');
  return dot < 0 ? quoteIdent(name) : quoteQualified(name.slice(0, dot), name.slice(dot + 1));
}
