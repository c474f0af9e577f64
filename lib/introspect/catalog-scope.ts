import type postgres from 'postgres';
import { isBookkeepingSchema, type SchemaInfo } from './schema-model';

/** A connection or transaction of postgres.js: the catalog readers need nothing more. */
export type CatalogSql =
  | postgres.Sql<Record<string, never>>
  | postgres.TransactionSql<Record<string, never>>
  | postgres.ReservedSql<Record<string, never>>;

/** What the server is; read first because some catalog columns depend on the version. */
export interface ServerInfo {
  serverVersion: string;
  serverVersionNum: number;
  database: string;
  /** The session's search_path before introspection pinned it (restored afterwards). */
  searchPath: string;
}

/**
 * The schemas an introspection looks into, decided once so that every later catalog
 * query filters on the same namespace oids (and none repeats the exclusion rules).
 */
export interface CatalogScope {
  /** Every user schema, bookkeeping and inaccessible ones included, in name order. */
  schemas: SchemaInfo[];
  /** Names of schemas without USAGE for the connecting role. */
  inaccessibleSchemas: string[];
  /** Oids of the schemas whose objects are read (accessible, bookkeeping only if asked). */
  namespaceOids: number[];
}

/** The row of queryServerInfo. */
export interface ServerInfoRow {
  server_version: string;
  server_version_num: number;
  database: string;
  search_path: string;
}

/** One schema as querySchemas returns it. */
export interface SchemaRow {
  oid: number;
  name: string;
  owner: string;
  comment: string | null;
  usable: boolean;
}

// The query builders below return postgres.js's lazy queries, not promises: a query is sent
// when first awaited, so the order of an array given to Promise.all is the order in which
// the statements run on the connection (which the search_path pinning relies on).

/** `server_version` and friends, in one tiny query. */
export function queryServerInfo(sql: CatalogSql) {
  return sql<ServerInfoRow[]>`
    select current_setting('server_version') as server_version,
           current_setting('server_version_num')::int as server_version_num,
           current_database()::text as database, current_setting('search_path') as search_path`;
}

/** The one row of queryServerInfo as a ServerInfo. */
export function toServerInfo(rows: ServerInfoRow[]): ServerInfo {
  const [row] = rows;
  return { serverVersion: row.server_version, serverVersionNum: row.server_version_num, database: row.database, searchPath: row.search_path };
}

/**
 * Sets search_path for the rest of the transaction. Introspection pins it to pg_catalog
 * (as pg_dump empties it) so that format_type, pg_get_expr, pg_get_viewdef … qualify every
 * non-catalog name: the model then reads the same whatever the session's search_path, and
 * two databases compare equal when their schemas are equal.
 */
export function querySetLocalSearchPath(sql: CatalogSql, searchPath: string) {
  return sql`select set_config('search_path', ${searchPath}, true)`;
}

/**
 * User schemas: everything but pg_catalog, information_schema, pg_toast*, pg_temp* and
 * schemas an extension owns, with owner, comment and whether the role has USAGE.
 */
export function querySchemas(sql: CatalogSql) {
  return sql<SchemaRow[]>`
    select n.oid, n.nspname::text as name, pg_get_userbyid(n.nspowner)::text as owner,
           d.description as comment, has_schema_privilege(n.oid, 'USAGE') as usable
    from pg_namespace n
    left join pg_description d
      on d.classoid = 'pg_namespace'::regclass and d.objoid = n.oid and d.objsubid = 0
    where n.nspname not in ('pg_catalog', 'information_schema')
      and n.nspname not like 'pg\_toast%' and n.nspname not like 'pg\_temp\_%'
      and not exists (select 1 from pg_depend dep
                      where dep.classid = 'pg_namespace'::regclass and dep.objid = n.oid and dep.deptype = 'e')
    order by n.nspname`;
}

/**
 * Decides what is read. A schema the role has no USAGE on is still listed (and named in
 * `inaccessibleSchemas`) but its objects are not read: the role could not use them, and a
 * half-read schema would look complete. Bookkeeping schemas are listed always and read
 * only when asked.
 */
export function toCatalogScope(rows: SchemaRow[], includeBookkeeping: boolean): CatalogScope {
  const bookkeeping = new Set(rows.map((r) => r.name).filter(isBookkeepingSchema));
  return {
    schemas: rows.map((r) => ({ name: r.name, bookkeeping: bookkeeping.has(r.name), comment: r.comment, owner: r.owner })),
    inaccessibleSchemas: rows.filter((r) => !r.usable).map((r) => r.name),
    namespaceOids: rows.filter((r) => r.usable && (includeBookkeeping || !bookkeeping.has(r.name))).map((r) => r.oid),
  };
}

/** Oids as a PostgreSQL array literal, bound as one parameter and cast with `::oid[]`. */
export function oidArrayLiteral(oids: number[]): string {
  return `{${oids.map((oid) => String(Math.trunc(oid))).join(',')}}`;
}
