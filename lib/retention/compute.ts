import { performance } from 'node:perf_hooks';
import { assertReachable, connect, type Sql } from '../db/client';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import type { RetentionReport, TablePolicy, TableRetention } from './types';

export interface RetentionOptions {
  environment?: string | null;
  /**
   * Tables with more rows than this (by the planner's estimate) get planner estimates for
   * "past retention", "deleted past grace" and the purge count, and the oldest row from
   * pg_stats unless an index leads with its column: exact counts there would scan the table.
   */
  exactCountLimit?: number;
  /** Cap on any one query; an exact count that hits it falls back to the estimate. */
  statementTimeoutMs?: number;
}

export const DEFAULT_EXACT_COUNT_LIMIT = 100_000;
const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
const QUERY_CANCELED = '57014';

/** Schemas that hold Strata's and Drizzle's bookkeeping or PostgreSQL's catalogs. */
const SYSTEM_SCHEMA_FILTER = `n.nspname not in ('strata', 'drizzle', 'information_schema')
  and n.nspname not like 'pg\\_%' and n.nspname not like 'strata\\_backup\\_%'`;

interface LiveTable {
  schema: string;
  name: string;
  estimatedRows: number | null;
  sizeBytes: number;
  columns: Set<string>;
  /** Columns some index of the table (or of its partitions' parent index) starts with. */
  indexLeads: Set<string>;
}

/**
 * Every table of the live database (partitioned tables once, with their partitions' rows
 * and size) against its declared retention policy: estimated rows, size, oldest row, rows
 * past retention, soft-deleted rows past their grace period, and the DELETE enforcement
 * would run with how many rows it would remove. Counts are exact up to `exactCountLimit`
 * rows and planner estimates above (flagged). Only reads; the DELETE is never executed.
 */
export async function computeRetention(url: string, policies: TablePolicy[], options: RetentionOptions = {}): Promise<RetentionReport> {
  const t0 = performance.now();
  const exactCountLimit = options.exactCountLimit ?? DEFAULT_EXACT_COUNT_LIMIT;
  const sql = connect(url, { max: 4, applicationName: 'strata:retention', statementTimeoutMs: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS });
  try {
    await assertReachable(sql, url);
    // One instant for every figure, so two tables' counts never disagree about "now".
    const [{ now }] = (await sql`select now() as now`) as unknown as [{ now: Date }];
    const asOf = now.toISOString();
    const live = await liveTables(sql);
    const byName = new Map(policies.map((p) => [p.table, p]));
    const tables = await Promise.all(live.map((t) => tableFigures(sql, t, byName.get(`${t.schema}.${t.name}`) ?? null, asOf, exactCountLimit)));
    const liveNames = new Set(live.map((t) => `${t.schema}.${t.name}`));
    return {
      environment: options.environment ?? null,
      computedAt: asOf,
      durationMs: Math.round(performance.now() - t0),
      coverage: { classified: tables.filter((t) => t.policy).length, total: tables.length },
      unmatchedPolicies: policies.map((p) => p.table).filter((name) => !liveNames.has(name)),
      exactCountLimit,
      tables,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The tables that hold a table's rows, as a FROM item with a `relid` column: the leaf
 * partitions of a partitioned table, or the table itself (pg_partition_tree returns no rows
 * for a plain table).
 */
const leavesOf = (oid: string) => `(
  select t.relid from pg_partition_tree(${oid}) t where t.isleaf
  union all select ${oid}::regclass where not exists (select from pg_inherits i where i.inhparent = ${oid}))`;

async function liveTables(sql: Sql): Promise<LiveTable[]> {
  const rows = await sql.unsafe(`
    select n.nspname as schema, c.relname as name,
      (select case when bool_or(p.reltuples >= 0) then sum(greatest(p.reltuples, 0))::float8 end
         from ${leavesOf('c.oid')} l join pg_class p on p.oid = l.relid) as estimated_rows,
      (select coalesce(sum(pg_total_relation_size(l.relid)), 0)::int8 from ${leavesOf('c.oid')} l) as size_bytes,
      (select coalesce(array_agg(a.attname::text), '{}') from pg_attribute a
         where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
      (select coalesce(array_agg(distinct a.attname::text), '{}') from pg_index i
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
         where i.indrelid = c.oid) as index_leads
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition and ${SYSTEM_SCHEMA_FILTER}
    order by n.nspname, c.relname`);
  return rows.map((r) => ({
    schema: String(r.schema),
    name: String(r.name),
    estimatedRows: r.estimated_rows === null ? null : Math.round(Number(r.estimated_rows)),
    sizeBytes: Number(r.size_bytes),
    columns: new Set(r.columns as string[]),
    indexLeads: new Set(r.index_leads as string[]),
  }));
}

/**
 * A policy's conditions, counted back from `asOf` (an instant we made ourselves, as a
 * literal) or from now(): rows past retention, soft-deleted rows past their grace period,
 * and either of the two — the WHERE clause enforcement would purge with. Null where the
 * policy keeps those rows.
 */
export function policyConditions(policy: TablePolicy, asOf?: string): { past: string | null; grace: string | null; purge: string | null } {
  const base = asOf === undefined ? 'now()' : `timestamptz '${asOf}'`;
  const olderThan = (column: string, days: number) => `${quoteIdent(column)} < ${base} - interval '${days} days'`;
  const past = policy.retentionDays !== null && policy.timestampColumn ? olderThan(policy.timestampColumn, policy.retentionDays) : null;
  const grace = policy.softDeleteColumn && policy.graceDays != null ? olderThan(policy.softDeleteColumn, policy.graceDays) : null;
  const either = [past, grace].filter((c): c is string => c !== null);
  return { past, grace, purge: either.length ? either.join(' or ') : null };
}

async function tableFigures(sql: Sql, table: LiveTable, policy: TablePolicy | null, asOf: string, exactCountLimit: number): Promise<TableRetention> {
  const name = `${table.schema}.${table.name}`;
  const base: TableRetention = {
    table: name,
    policy,
    estimatedRows: table.estimatedRows,
    sizeBytes: table.sizeBytes,
    oldestRow: null,
    oldestRowIsEstimate: false,
    rowsPastRetention: null,
    softDeletedPastGrace: null,
    countsAreEstimates: false,
    purgeSql: null,
    purgeRows: null,
  };
  if (!policy) return base;
  const missing = [policy.timestampColumn, policy.softDeleteColumn].filter((c): c is string => !!c && !table.columns.has(c));
  if (missing.length) return { ...base, problem: `the policy names ${missing.join(' and ')}, which ${name} does not have` };

  const qualified = quoteQualified(table.schema, table.name);
  // Without statistics (never analysed) the size decides: a table under ~8 MB is cheap to count.
  const big = table.estimatedRows === null ? table.sizeBytes > 8 * 1024 * 1024 : table.estimatedRows > exactCountLimit;
  const { past: pastCondition, grace: graceCondition, purge: purgeWhere } = policyConditions(policy, asOf);

  let estimated = big;
  const count = async (where: string | null): Promise<number | null> => {
    if (where === null) return null;
    if (!estimated) {
      try {
        const [row] = await sql.unsafe(`select count(*)::int8 as n from ${qualified} where ${where}`);
        return Number(row!.n);
      } catch (error) {
        if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
        estimated = true; // too slow to count exactly: every count of this table becomes an estimate
      }
    }
    return planRows(sql, `select 1 from ${qualified} where ${where}`);
  };
  // The purge count runs first so that a timeout turns all three figures into estimates together.
  const purgeRows = await count(purgeWhere);
  const rowsPastRetention = await count(pastCondition);
  const softDeletedPastGrace = await count(graceCondition);
  const first = policy.timestampColumn ? await oldest(sql, table, policy.timestampColumn, big) : { value: null, estimate: false };
  return {
    ...base,
    oldestRow: first.value,
    oldestRowIsEstimate: first.estimate,
    rowsPastRetention,
    softDeletedPastGrace,
    countsAreEstimates: estimated,
    purgeSql: purgeWhere ? `DELETE FROM ${qualified}\nWHERE ${policyConditions(policy).purge};` : null,
    purgeRows,
  };
}

/** The planner's row estimate for a query (EXPLAIN only plans, it reads no rows). */
async function planRows(sql: Sql, query: string): Promise<number> {
  const [row] = await sql.unsafe(`explain (format json) ${query}`);
  const plan = (row!['QUERY PLAN'] as Array<{ Plan: { 'Plan Rows': number } }>)[0]!.Plan;
  return Math.round(plan['Plan Rows']);
}

/**
 * The oldest value of the policy's column: exact through an index that starts with it, or
 * on small tables; on big unindexed ones the lowest histogram bound PostgreSQL's statistics
 * sampled (of the partitions, for a partitioned table), which is close but may miss outliers.
 */
async function oldest(sql: Sql, table: LiveTable, column: string, big: boolean): Promise<{ value: string | null; estimate: boolean }> {
  const qualified = quoteQualified(table.schema, table.name);
  if (!big || table.indexLeads.has(column)) {
    try {
      const [row] = await sql.unsafe(`select min(${quoteIdent(column)}) as v from ${qualified}`);
      return { value: toIso(row!.v), estimate: false };
    } catch (error) {
      if ((error as { code?: string }).code !== QUERY_CANCELED) throw error;
    }
  }
  const [row] = await sql.unsafe(
    `select min((s.histogram_bounds::text::timestamptz[])[1]) as v
     from ${leavesOf(`'${qualified.replace(/'/g, "''")}'::regclass`)} l
     join pg_class c on c.oid = l.relid
     join pg_namespace n on n.oid = c.relnamespace
     join pg_stats s on s.schemaname = n.nspname and s.tablename = c.relname and s.attname = $1`,
    [column],
  );
  return { value: toIso(row?.v), estimate: true };
}

function toIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
