import { connect, assertReachable, type Sql } from '../db/client';
import { countRows, countTablesNamed, type TableName } from '../db/row-counts';

/** What a target tells the linter: its PostgreSQL major version and how many rows each table holds. */
export interface LiveContext {
  serverVersion: number;
  /** schema.table → rows, by the rule every row count follows (lib/db/row-counts.ts): exact, or above its limit the planner's estimate. */
  rows: Map<string, number>;
  /** The tables whose figure in `rows` is the planner's estimate. */
  estimated: Set<string>;
}

/**
 * Reads the server version and per-table row counts from a target, read-only, with the same
 * reader a dry run uses, so a change set's lint judges on the same numbers on its page and in
 * a dry run. `tables` (names as statements write them) limits the counting to those tables;
 * the others are then unknown.
 */
export async function readLiveContext(url: string, options: { tables?: string[] } = {}): Promise<LiveContext> {
  const sql = connect(url, { max: 1, applicationName: 'strata lint', statementTimeoutMs: 30_000 });
  try {
    await assertReachable(sql, url);
    const [{ version }] = await sql<Array<{ version: number }>>`select current_setting('server_version_num')::int as version`;
    // Counting is per table: callers that know which tables matter (one change set) can say so.
    const counts = options.tables ? await countTablesNamed(sql, options.tables) : await countRows(sql, await everyTable(sql));
    return {
      serverVersion: Math.floor(version / 10_000),
      rows: new Map(counts.map((c) => [c.table, c.rows])),
      estimated: new Set(counts.filter((c) => c.estimate).map((c) => c.table)),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Every table (partitioned ones once, not their partitions) outside PostgreSQL's own schemas. */
async function everyTable(sql: Sql): Promise<TableName[]> {
  return sql<TableName[]>`
    select n.nspname as schema, c.relname as name
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and not c.relispartition
      and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;
}
