import type { Sql } from '../db/client';
import { StrataError } from '../errors';

/**
 * The foreign-key graph a per-table seed or reset needs, read live from the target's
 * catalog (never from a hand-kept list): which tables a table's rows point at (its parents,
 * seeded first), and which tables point at it (emptied with it by TRUNCATE … CASCADE).
 * Partitions stand for their partitioned root, as they do everywhere else in Strata.
 */

/** One unquoted-style identifier: what a table name in a request may be (we quote it anyway). */
export const IDENTIFIER_PATTERN = '[A-Za-z_][A-Za-z0-9_$]{0,62}';
/** `schema.table`, each part an identifier: the only shape a table name in a request may take. */
export const TABLE_NAME_PATTERN = new RegExp(`^${IDENTIFIER_PATTERN}\\.${IDENTIFIER_PATTERN}$`);

export interface TableRef {
  schema: string;
  name: string;
}

/** `schema.table` as a request names it; BAD_USAGE for anything else (quotes, spaces, SQL). */
export function parseTableName(text: string): TableRef {
  if (typeof text !== 'string' || !TABLE_NAME_PATTERN.test(text)) {
    throw new StrataError('BAD_USAGE', `A table is named schema.table, each part letters, digits, _ or $ (got "${String(text).slice(0, 80)}"); nothing was changed`);
  }
  const [schema, name] = text.split('.') as [string, string];
  return { schema, name };
}

/** A foreign key's direction: rows of `child` point at rows of `parent` (both `schema.table`). */
export interface ForeignKeyEdge {
  child: string;
  parent: string;
}

/** Every foreign key of the database between tables (partitions folded into their roots). */
export async function foreignKeyEdges(sql: Sql): Promise<ForeignKeyEdge[]> {
  const rows = await sql`
    select distinct cn.nspname || '.' || c.relname as child, pn.nspname || '.' || p.relname as parent
    from pg_constraint k
    join pg_class c on c.oid = coalesce(pg_partition_root(k.conrelid), k.conrelid)
    join pg_namespace cn on cn.oid = c.relnamespace
    join pg_class p on p.oid = coalesce(pg_partition_root(k.confrelid), k.confrelid)
    join pg_namespace pn on pn.oid = p.relnamespace
    where k.contype = 'f' and k.conparentid = 0
    order by 1, 2`;
  return rows.map((r) => ({ child: String(r.child), parent: String(r.parent) }));
}

/** Whether `schema.table` is a table (or partitioned table, not one of its partitions) of the database. */
export async function tableExists(sql: Sql, table: TableRef): Promise<boolean> {
  const rows = await sql`
    select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${table.schema} and c.relname = ${table.name} and c.relkind in ('r', 'p') and not c.relispartition`;
  return rows.length > 0;
}

/** Everything reachable from `start` along `next`, without `start` itself, sorted. */
function reachable(start: string, next: (table: string) => string[]): string[] {
  const seen = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const t of next(queue.shift()!)) {
      if (!seen.has(t)) {
        seen.add(t);
        queue.push(t);
      }
    }
  }
  seen.delete(start);
  return [...seen].sort();
}

/** The tables `table`'s rows need first: its parents, their parents, and so on. */
export function parentsOf(edges: readonly ForeignKeyEdge[], table: string): string[] {
  return reachable(table, (t) => edges.filter((e) => e.child === t).map((e) => e.parent));
}

/**
 * The tables `TRUNCATE table CASCADE` also empties: every table with a foreign key to it,
 * or to one of those, and so on (PostgreSQL's rule).
 */
export function cascadeOf(edges: readonly ForeignKeyEdge[], table: string): string[] {
  return reachable(table, (t) => edges.filter((e) => e.parent === t).map((e) => e.child));
}
