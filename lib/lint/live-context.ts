import { connect, assertReachable } from '../db/client';
import { quoteQualified } from '../db/identifiers';

/** What a target tells the linter: its PostgreSQL major version and how many rows each table holds. */
export interface LiveContext {
  serverVersion: number;
  /** schema.table → rows: planner estimate for large tables, exact (capped) count for small or never-analysed ones. */
  rows: Map<string, number>;
}

/** Below this estimate (or with none), rows are counted, so "0 rows" really means empty. */
const EXACT_BELOW = 10_000;

/**
 * Reads the server version and per-table row counts from a target, read-only. Counts are
 * pg_class.reltuples for large tables (a full count(*) of a billion-row table is not worth a
 * lint), and a count capped at EXACT_BELOW + 1 rows for the rest: a table never analysed
 * reports -1, and a just-filled one may still say 0. `tables` (schema.name) limits the
 * counting to those tables; the others are then unknown.
 */
export async function readLiveContext(url: string, options: { tables?: string[] } = {}): Promise<LiveContext> {
  // Counting is per table: callers that know which tables matter (one change set) can say so.
  const only = options.tables ? new Set(options.tables) : null;
  const sql = connect(url, { max: 4, applicationName: 'strata lint', statementTimeoutMs: 30_000 });
  try {
    await assertReachable(sql, url);
    const [{ version }] = await sql<Array<{ version: number }>>`select current_setting('server_version_num')::int as version`;
    const tables = await sql<Array<{ schema: string; name: string; reltuples: number }>>`
      select n.nspname as schema, c.relname as name, c.reltuples::float8 as reltuples
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and not c.relispartition
        and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;
    const rows = new Map<string, number>();
    await Promise.all(
      tables.filter((t) => !only || only.has(`${t.schema}.${t.name}`)).map(async (t) => {
        if (t.reltuples >= EXACT_BELOW) return rows.set(`${t.schema}.${t.name}`, Math.round(t.reltuples));
        const [{ n }] = await sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from (select 1 from ${quoteQualified(t.schema, t.name)} limit ${EXACT_BELOW + 1}) s`);
        rows.set(`${t.schema}.${t.name}`, n);
      }),
    );
    return { serverVersion: Math.floor(version / 10_000), rows };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
