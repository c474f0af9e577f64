import type { CatalogSql } from './catalog-scope';

/**
 * One cheap query whose answer changes whenever anything introspection reads changes, so a
 * poll of an unchanged schema costs this query instead of a whole introspection (measured
 * in bench/introspect-bench.ts; see the README).
 *
 * Per catalog it takes the row count and the sum of the hashes of the rows' xmin: DDL writes
 * catalog rows transactionally, so a created, altered or renamed object leaves rows with a new
 * xmin (a new hash in the sum) and a dropped one takes its rows away (the count and the sum
 * change). hashxid is the cheapest way from an xid to a number (a third of the cost of
 * `xmin::text::bigint` at 100,000 pg_attribute rows); servers without it get the cast. The
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
 * did not (an ANALYZE, an autovacuum) only costs an introspection; the one way to miss a
 * change — rows replaced in one transaction whose hashes (or, with the cast, raw xids across
 * wraparound) happen to sum to the same number — is again bounded by the max age.
 */
export async function catalogStamp(sql: CatalogSql): Promise<string> {
  if (!hashxidMissing) {
    try {
      return await stampWith(sql, STAMP_QUERIES.hashxid);
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== UNDEFINED_FUNCTION) throw error;
      hashxidMissing = true;
    }
  }
  return stampWith(sql, STAMP_QUERIES.text);
}

async function stampWith(sql: CatalogSql, query: string): Promise<string> {
  const [row] = await sql.unsafe<Array<{ stamp: string }>>(query);
  return row!.stamp;
}

// A server without hashxid (it is not in every supported version) gets the slower cast, and
// the process remembers to ask for it (never inside a transaction: the failed try would abort it).
const UNDEFINED_FUNCTION = '42883';
let hashxidMissing = false;

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

/** Of pg_depend (90,000 rows at 2,000 tables) introspection reads only extension membership. */
const ROWS_THAT_MATTER: Partial<Record<(typeof XMIN_CATALOGS)[number], string>> = {
  pg_depend: ` where deptype = 'e'`,
};

/** Everything in the stamp, with `xidNumber` turning a row's xmin into a number. */
function stampQuery(xidNumber: string): string {
  const parts = [
    `pg_catalog.current_setting('server_version_num')`,
    `pg_catalog.current_database()::text`,
    `(select count(*) || ':' || coalesce(sum(${xidNumber}), 0) || ':' || coalesce(sum(reltuples::float8), 0) || ':' || coalesce(sum(relpages::bigint), 0) from pg_catalog.pg_class)`,
    ...XMIN_CATALOGS.map((catalog) => `(select count(*) || ':' || coalesce(sum(${xidNumber}), 0) from pg_catalog.${catalog}${ROWS_THAT_MATTER[catalog] ?? ''})`),
    `(select count(*) || ':' || coalesce(sum(pg_catalog.hashtext(oid::text || '=' || rolname)::bigint), 0) from pg_catalog.pg_roles)`,
  ];
  // Names are the constants above: nothing from outside is spliced in. Qualified, whatever the search_path.
  return `select pg_catalog.md5(pg_catalog.concat_ws('|', ${parts.join(', ')})) as stamp`;
}

/** The stamp's two forms, exported for tests: both must notice every change. */
export const STAMP_QUERIES = {
  hashxid: stampQuery('pg_catalog.hashxid(xmin)::bigint'),
  text: stampQuery('xmin::text::bigint'),
} as const;
