import type { CatalogSql } from './catalog-scope';

/**
 * One cheap query whose answer changes whenever anything introspection reads changes, so a
 * poll of an unchanged schema costs this query instead of a whole introspection (measured
 * in bench/introspect-bench.ts; see the README).
 *
 * Per catalog it takes the row count and the sum of the rows' xmin: DDL writes catalog rows
 * transactionally, so a created, altered or renamed object leaves rows with a new xmin (the
 * sum grows) and a dropped one takes its rows away (the count and the sum fall). The
 * catalogs are every one lib/introspect reads, directly or through the functions it calls:
 *
 * - pg_class, pg_namespace, pg_attribute, pg_attrdef, pg_constraint, pg_index, pg_inherits,
 *   pg_type, pg_enum, pg_collation, pg_description, pg_extension, pg_policy — read by the
 *   catalog queries themselves;
 * - pg_depend — which objects an extension owns (ALTER EXTENSION … ADD touches nothing else);
 * - pg_rewrite — view definitions (CREATE OR REPLACE VIEW may touch nothing else);
 * - pg_proc, pg_operator, pg_opclass, pg_am — names printed inside defaults, checks, index
 *   and view definitions (renaming a function changes how a default reads);
 * - role names (owners, policy roles) — through pg_roles, a view, which has no xmin, so
 *   its names are hashed instead.
 *
 * Two things the model shows change without any transactional catalog write:
 *
 * - row estimates (pg_class.reltuples, relpages): VACUUM and ANALYZE overwrite them in
 *   place, keeping the row's xmin. Their sums are part of the stamp, so a fresh estimate is
 *   noticed (an autovacuum somewhere then costs one introspection — the ERD shows them).
 * - sizes (pg_total_relation_size): every insert can grow a file, with no catalog row
 *   touched at all. Summing sizes would stat every relation file, the very cost this avoids;
 *   instead the cached model is re-read anyway once it is MODEL_MAX_AGE_MS old
 *   (app/environments/[env]/read-schema.ts), so sizes are at most that stale.
 *
 * The server version and database name count too. A stamp that changes while the schema
 * did not (a frozen xmin, an ANALYZE) only costs an introspection; the one way to miss a
 * change — two changes in one transaction whose xmin sums cancel out, possible only across
 * xid wraparound — is again bounded by the max age.
 */
export async function catalogStamp(sql: CatalogSql): Promise<string> {
  const [row] = await sql.unsafe<Array<{ stamp: string }>>(STAMP_QUERY);
  return row!.stamp;
}

const XMIN_CATALOGS = [
  'pg_namespace',
  'pg_attribute',
  'pg_attrdef',
  'pg_constraint',
  'pg_index',
  'pg_inherits',
  'pg_type',
  'pg_enum',
  'pg_collation',
  'pg_description',
  'pg_extension',
  'pg_policy',
  'pg_depend',
  'pg_rewrite',
  'pg_proc',
  'pg_operator',
  'pg_opclass',
  'pg_am',
] as const;

/**
 * The big catalogs, cut down to the rows introspection can see (the xid-to-number cast is
 * most of the query's cost): system columns (attnum < 0) are never read, and of pg_depend
 * only extension membership is.
 */
const ROWS_THAT_MATTER: Partial<Record<(typeof XMIN_CATALOGS)[number], string>> = {
  pg_attribute: ' where attnum > 0',
  pg_depend: ` where deptype = 'e'`,
};

const parts = [
  `pg_catalog.current_setting('server_version_num')`,
  `pg_catalog.current_database()::text`,
  `(select count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) || ':' || coalesce(sum(reltuples::float8), 0) || ':' || coalesce(sum(relpages::bigint), 0) from pg_catalog.pg_class)`,
  ...XMIN_CATALOGS.map((catalog) => `(select count(*) || ':' || coalesce(sum(xmin::text::bigint), 0) from pg_catalog.${catalog}${ROWS_THAT_MATTER[catalog] ?? ''})`),
  `(select count(*) || ':' || coalesce(sum(pg_catalog.hashtext(oid::text || '=' || rolname)::bigint), 0) from pg_catalog.pg_roles)`,
];

/** Names are constants above: nothing from outside is spliced in. Qualified, whatever the search_path. */
const STAMP_QUERY = `select pg_catalog.md5(pg_catalog.concat_ws('|', ${parts.join(', ')})) as stamp`;
