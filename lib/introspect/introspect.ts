import type postgres from 'postgres';
import { assertReachable, connect, type Sql } from '../db/client';
import { assembleModel, type CatalogRows } from './assemble-model';
import {
  queryColumns,
  queryComments,
  queryConstraints,
  queryEnums,
  queryExtensions,
  queryIndexes,
  queryNonDefaultOpclasses,
  queryPolicies,
  queryRelations,
  queryViewDefinitions,
  type CatalogQueryInput,
} from './catalog-queries';
import {
  oidArrayLiteral,
  queryServerInfo,
  querySchemas,
  querySetLocalSearchPath,
  toCatalogScope,
  toServerInfo,
  type CatalogSql,
} from './catalog-scope';
import type { SchemaModel } from './schema-model';

type ReservedSql = postgres.ReservedSql<Record<string, never>>;

/** What to read besides the user schemas. */
export interface IntrospectOptions {
  /** Also read the tables and views of the `strata` and `drizzle` schemas (listed either way). */
  includeBookkeeping?: boolean;
  /** Read this one schema alone (a tenant schema's drift, lib/migrate/tenant-drift.ts); unset: every user schema. */
  onlySchema?: string;
}

/**
 * Reads a live database into a SchemaModel, fast enough for GitLab-sized schemas (about
 * half a second for 1,048 tables and 4,743 indexes): two round trips on one connection —
 * server version, search_path and schemas first (some catalog columns depend on the
 * version), then ten catalog queries, one per object class, pipelined — and
 * assembly in JS with Maps. Names inside types and expressions come schema-qualified
 * (except pg_catalog's), whatever the session's search_path. Works on PostgreSQL 13+.
 *
 * Given a pool, it reads inside a snapshot of its own (see inOwnSnapshot). Given an open
 * transaction (a dry run looking at its own uncommitted changes), it reads inside that
 * transaction instead, and a failure is the caller's: its transaction cannot be retried here.
 */
export async function introspect(sql: CatalogSql, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const includeBookkeeping = options.includeBookkeeping ?? false;
  if (!hasBegin(sql)) return readModel(sql, includeBookkeeping, options.onlySchema);
  return retriedIfDdlRaced(() => sql.begin(SNAPSHOT, (tx) => readModel(tx, includeBookkeeping, options.onlySchema)));
}

/**
 * Introspects on a reserved connection that is in no transaction (a drift check holding
 * the target's lock), in a snapshot of its own that is always rolled back.
 */
export async function introspectInOwnSnapshot(conn: ReservedSql, options: IntrospectOptions = {}): Promise<SchemaModel> {
  const includeBookkeeping = options.includeBookkeeping ?? false;
  return retriedIfDdlRaced(async () => {
    await conn.unsafe(`begin ${SNAPSHOT}`);
    try {
      return await readModel(conn, includeBookkeeping);
    } finally {
      await conn.unsafe('rollback');
    }
  });
}

/**
 * Introspects the database at `url` on a connection of its own, which is always closed
 * afterwards; an unreachable target becomes one CONNECTION_FAILED error.
 */
export function introspectUrl(url: string, options: IntrospectOptions = {}): Promise<SchemaModel> {
  return withIntrospectionConnection(url, (sql) => introspect(sql, options));
}

/** One connection for reading a database's catalog (`strata-introspect`), checked reachable first, closed after `read`. */
export async function withIntrospectionConnection<T>(url: string, read: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(url, { max: 1, applicationName: 'strata-introspect' });
  try {
    await assertReachable(sql, url);
    return await read(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** One read-only transaction: every catalog query sees the same catalog snapshot. */
const SNAPSHOT = 'isolation level repeatable read read only';

/**
 * The snapshot keeps the catalog rows consistent, but the catalog functions the queries
 * call (pg_get_indexdef, format_type, …) look objects up in the live catalog caches: a
 * table dropped by DDL that committed after the snapshot was taken makes them fail with
 * XX000 "could not open relation with OID …" or "cache lookup failed for relation|index|… …".
 * That is a race, not a broken database: a fresh snapshot, taken after the DDL, reads
 * cleanly, so it is tried again, after a short pause that grows (a migration dropping many
 * tables in a row races every read it overlaps: about 1.6 s of pauses in all outlasts a
 * burst of DDL). After DDL_RETRY_DELAYS_MS.length retries the failure is reported as it is.
 */
export const DDL_RETRY_DELAYS_MS = [25, 50, 100, 200, 400, 800] as const;

export async function retriedIfDdlRaced<T>(read: () => Promise<T>): Promise<T> {
  for (const delay of DDL_RETRY_DELAYS_MS) {
    try {
      return await read();
    } catch (error) {
      if (!isConcurrentDdlError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return read();
}

async function readModel(sql: CatalogSql, includeBookkeeping: boolean, onlySchema?: string): Promise<SchemaModel> {
  const introspectedAt = new Date();
  // Every element is a lazy postgres.js query, sent in array order on the one connection:
  // the search_path is pinned before the first catalog query and restored after the last,
  // with no extra round trip.
  const [serverRows, , schemaRows] = await Promise.all([
    queryServerInfo(sql),
    querySetLocalSearchPath(sql, 'pg_catalog'),
    querySchemas(sql),
  ]);
  const server = toServerInfo(serverRows);
  const scope = toCatalogScope(onlySchema === undefined ? schemaRows : schemaRows.filter((r) => r.name === onlySchema), includeBookkeeping);
  const input: CatalogQueryInput = { namespaces: oidArrayLiteral(scope.namespaceOids), serverVersionNum: server.serverVersionNum };
  const [relations, columns, constraints, indexes, opclasses, enums, viewDefinitions, extensions, policies, comments] =
    await Promise.all([
      queryRelations(sql, input),
      queryColumns(sql, input),
      queryConstraints(sql, input),
      queryIndexes(sql, input),
      queryNonDefaultOpclasses(sql),
      queryEnums(sql, input),
      queryViewDefinitions(sql, input),
      queryExtensions(sql),
      queryPolicies(sql, input),
      queryComments(sql),
      // Restores the caller's search_path when it lent us its own transaction.
      querySetLocalSearchPath(sql, server.searchPath),
    ]);
  const rows: CatalogRows = { relations, columns, constraints, indexes, opclasses, enums, viewDefinitions, extensions, policies, comments };
  return assembleModel(server, scope, rows, introspectedAt);
}

function hasBegin(sql: CatalogSql): sql is Sql {
  return typeof (sql as { begin?: unknown }).begin === 'function';
}

function isConcurrentDdlError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  // "cache lookup failed for relation|index|constraint|type …": any catalog object the DDL dropped.
  return e?.code === 'XX000' && /cache lookup failed for \w+ \d+|could not open relation with OID/i.test(e.message ?? '');
}
