import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sql } from '../../lib/db/client';
import type { SchemaModel } from '../../lib/introspect/schema-model';

/**
 * The external test corpus (real schemas nobody on this project wrote) is read where it
 * lies — never copied into the repository. STRATA_CORPUS_DIR overrides the default
 * location beside the checkout.
 */
export const CORPUS_DIR =
  process.env.STRATA_CORPUS_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpus');

/** One loadable dump of the corpus and what loading it on PostgreSQL 18 needs. */
export interface CorpusDump {
  /** Key in ground-truth.json → databases. */
  name: string;
  /** Path inside the corpus folder. */
  file: string;
  /** Statements run first in the same session (what psql got from PGOPTIONS). */
  prelude?: string;
  /** An in-memory edit of the dump text, each one explained where it is declared. */
  patch?: (text: string) => string;
}

/**
 * The corpus dumps Strata loads, one definition shared by the introspection test
 * (lib/introspect/corpus.test.ts) and the ERD bench (bench/erd-browser-bench.ts).
 */
export const CORPUS_DUMPS: CorpusDump[] = [
  { name: 'pagila', file: 'schemas/pagila-schema.sql' },
  { name: 'danbooru', file: 'schemas/danbooru-structure.sql' },
  { name: 'synapse', file: 'schemas/synapse-full-schema-72.sql' },
  { name: 'cratesio', file: 'schemas/derived/crates-io-after-all-ups.pg_dump15.sql' },
  {
    name: 'chado',
    file: 'schemas/chado-1.4-default_schema.sql',
    // As the corpus loads it: nine LANGUAGE sql bodies use `box @ box`, gone since PG14.
    prelude: 'SET check_function_bodies = off',
    // PostgreSQL 17+ builds expression indexes with search_path = pg_catalog, pg_temp, so the
    // GiST indexes on public.boxrange(...) fail: its SQL body calls create_point() unqualified
    // (inlined at CREATE INDEX). Qualifying that one call is the whole edit; it changes no count.
    patch: (text) => text.replace(/create_point\(/g, 'public.create_point('),
  },
  { name: 'musicbrainz', file: 'schemas/derived/musicbrainz.pg_dump15.sql' },
  { name: 'gitlab', file: 'schemas/gitlab-structure.sql' },
];

/** The dump called `name` in CORPUS_DUMPS (a typo is an error, not a silently skipped row). */
export function corpusDump(name: string): CorpusDump {
  const dump = CORPUS_DUMPS.find((d) => d.name === name);
  if (!dump) throw new Error(`no corpus dump named ${name} (known: ${CORPUS_DUMPS.map((d) => d.name).join(', ')})`);
  return dump;
}

/** Whether the dump's file is on this machine (the corpus lives outside the repository). */
export function corpusDumpPresent(dump: CorpusDump): boolean {
  return fs.existsSync(path.join(CORPUS_DIR, dump.file));
}

/**
 * The dump's text ready for one multi-statement simple query: psql meta-commands
 * (`\restrict`, `\connect`, …) are dropped — no psql here, and the server would reject
 * them — and the dump's own patch is applied.
 */
export function readCorpusDump(dump: CorpusDump): string {
  const text = fs.readFileSync(path.join(CORPUS_DIR, dump.file), 'utf8');
  const withoutMeta = text
    .split('\n')
    .filter((line) => !line.startsWith('\\'))
    .join('\n');
  return dump.patch ? dump.patch(withoutMeta) : withoutMeta;
}

/**
 * Loads a dump into the (empty) database behind `sql` without psql: postgres.js's
 * `unsafe` with no parameters sends a simple query, which may hold many statements. The
 * prelude travels in the same query, so it applies on the same pooled connection.
 */
export async function loadCorpusDump(sql: Sql, dump: CorpusDump): Promise<void> {
  const text = readCorpusDump(dump);
  await sql.unsafe(dump.prelude ? `${dump.prelude};\n${text}` : text);
}

/**
 * pg_dump files say `OWNER TO postgres`; the embedded test cluster's superuser is
 * `strata`, so the role is created once (cluster-wide, NOLOGIN) when missing. Two test
 * files may race for it: a duplicate is fine.
 */
export async function ensurePostgresRole(adminSql: Sql): Promise<void> {
  await adminSql.unsafe(`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'postgres') then create role postgres nologin; end if;
    exception when duplicate_object or unique_violation then null;
    end $$`);
}

/** ground-truth.json → databases[name].counts, as recorded on PostgreSQL 15.18. */
export function groundTruthCounts(name: string): Record<string, unknown> {
  const truth = JSON.parse(fs.readFileSync(path.join(CORPUS_DIR, 'ground-truth.json'), 'utf8')) as {
    databases: Record<string, { counts: Record<string, unknown> }>;
  };
  const entry = truth.databases[name];
  if (!entry) throw new Error(`ground-truth.json has no database ${name}`);
  return entry.counts;
}

/**
 * A SchemaModel counted the way tools/ground_truth.sql counts the catalog, key for key,
 * so that a model and the ground truth can be compared with one toEqual. Foreign tables
 * are not "tables" there (relkind r and p only); indexes of materialized views are
 * counted apart; extensions are compared by name (versions move with the server).
 */
export function corpusStyleCounts(model: SchemaModel) {
  const tables = model.tables.filter((t) => t.kind !== 'foreign');
  const indexes = tables.flatMap((t) => t.indexes.map((index) => ({ index, table: t })));
  const fks = tables.flatMap((t) => t.foreignKeys);
  const views = model.views.filter((v) => !v.materialized);
  const matviews = model.views.filter((v) => v.materialized);
  const sum = <T>(items: T[], f: (item: T) => number) => items.reduce((total, item) => total + f(item), 0);
  return {
    schema_names: model.schemas.map((s) => s.name),
    extension_names: model.extensions.map((e) => e.name).filter((n) => n !== 'plpgsql'),
    tables_incl_partitions: tables.length,
    partitions: tables.filter((t) => t.partitionOf !== null).length,
    partitioned_parents: tables.filter((t) => t.kind === 'partitioned').length,
    unlogged: tables.filter((t) => t.persistence === 'unlogged').length,
    with_rls_enabled: tables.filter((t) => t.rlsEnabled).length,
    columns: sum(tables, (t) => t.columns.length),
    foreign_keys: fks.length,
    foreign_keys_declared: fks.filter((fk) => !fk.inherited).length,
    primary_keys: tables.filter((t) => t.primaryKey !== null).length,
    unique_constraints: sum(tables, (t) => t.uniqueConstraints.length),
    check_constraints: sum(tables, (t) => t.checkConstraints.length),
    exclusion_constraints: sum(tables, (t) => t.exclusionConstraints.length),
    indexes: indexes.length,
    indexes_breakdown: {
      on_partitioned_parents: indexes.filter(({ table }) => table.kind === 'partitioned').length,
      on_partitions: indexes.filter(({ table }) => table.partitionOf !== null).length,
      on_non_partition_tables: indexes.filter(({ table }) => table.partitionOf === null).length,
      unique: indexes.filter(({ index }) => index.unique).length,
      backing_constraints: indexes.filter(({ index }) => index.constraint !== null).length,
      partial: indexes.filter(({ index }) => index.predicate !== null).length,
      expression: indexes.filter(({ index }) => index.keys.some((k) => k.expression !== null)).length,
    },
    views: views.length,
    materialized_views: matviews.length,
    indexes_on_materialized_views: sum(matviews, (v) => v.indexes.length),
    view_and_matview_columns: sum(model.views, (v) => v.columns.length),
    enums: model.enums.length,
    enum_labels: sum(model.enums, (e) => e.values.length),
  };
}

/** The same keys picked from ground-truth.json, for a like-for-like comparison. */
export function expectedCorpusCounts(name: string): ReturnType<typeof corpusStyleCounts> {
  const c = groundTruthCounts(name) as Record<string, any>;
  const b = c.tables_breakdown;
  const i = c.indexes_breakdown;
  return {
    schema_names: c.schema_names,
    extension_names: ((c.extensions as string[] | null) ?? []).map((e) => e.split(' ')[0]),
    tables_incl_partitions: c.tables_incl_partitions,
    partitions: b.partitions,
    partitioned_parents: b.partitioned_parents,
    unlogged: b.unlogged,
    with_rls_enabled: b.with_rls_enabled,
    columns: c.columns,
    foreign_keys: c.foreign_keys,
    foreign_keys_declared: c.foreign_keys_declared,
    primary_keys: c.primary_keys,
    unique_constraints: c.unique_constraints,
    check_constraints: c.check_constraints,
    exclusion_constraints: c.exclusion_constraints,
    indexes: c.indexes,
    indexes_breakdown: {
      on_partitioned_parents: i.on_partitioned_parents,
      on_partitions: i.on_partitions,
      on_non_partition_tables: i.on_non_partition_tables,
      unique: i.unique,
      backing_constraints: i.backing_constraints,
      partial: i.partial,
      expression: i.expression,
    },
    views: c.views,
    materialized_views: c.materialized_views,
    indexes_on_materialized_views: c.indexes_on_materialized_views,
    view_and_matview_columns: c.view_and_matview_columns,
    enums: c.enums,
    enum_labels: c.enum_labels,
  };
}
