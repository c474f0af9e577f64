import type { CatalogSql } from './catalog-scope';
import type {
  ColumnRow,
  CommentRow,
  ConstraintRow,
  EnumLabelRow,
  ExtensionRow,
  IndexRow,
  OpclassRow,
  PolicyRow,
  RelationRow,
  ViewDefinitionRow,
} from './catalog-rows';

/**
 * The catalog queries of one introspection, one per object class. Each returns flat rows
 * (arrays travel as JSON so that no client-side array parser is needed) and filters on
 * the same namespace oids; the assembly into a SchemaModel happens in JS.
 *
 * pg_catalog only — information_schema is far slower on big schemas and shows only what
 * the role holds privileges on. Names are never spliced into SQL: the one varying input, the list of
 * namespace oids, is a bound parameter.
 */
export interface CatalogQueryInput {
  /** Namespace oids as an array literal (see oidArrayLiteral), bound as `$n::oid[]`. */
  namespaces: string;
  serverVersionNum: number;
}

/** `c` is a relation in scope: in a read schema and not a member of an extension. */
function relationInScope(sql: CatalogSql, input: CatalogQueryInput) {
  return sql`c.relnamespace = any(${input.namespaces}::oid[])
    and not exists (select 1 from pg_depend dep
                    where dep.classid = 'pg_class'::regclass and dep.objid = c.oid and dep.deptype = 'e')`;
}

/**
 * Tables (ordinary, partitioned, partitions, foreign), views and materialized views, with
 * the partition tree, estimates and sizes. The parent is named here, not looked up later,
 * so a partition whose parent sits in an unread schema still says whose it is. Sizes take
 * no lasting locks: each pg_total_relation_size call releases its AccessShareLock at once.
 */
export function queryRelations(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<RelationRow[]>`
    select c.oid, n.nspname::text as schema, c.relname::text as name, c.relkind::text as relkind,
           c.relispartition as is_partition, c.relpersistence::text as persistence,
           c.reltuples::float8 as reltuples, c.relpages::float8 as relpages,
           c.relrowsecurity as rls_enabled, c.relforcerowsecurity as rls_forced,
           inh.inhparent as parent, pn.nspname::text as parent_schema, pc.relname::text as parent_name,
           case when c.relispartition then pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           case when c.relkind = 'p' then pg_get_partkeydef(c.oid) end as partition_key,
           case when c.relkind in ('r', 'p') then pg_total_relation_size(c.oid)::float8 end as total_bytes
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_inherits inh on c.relispartition and inh.inhrelid = c.oid
    left join pg_class pc on pc.oid = inh.inhparent
    left join pg_namespace pn on pn.oid = pc.relnamespace
    where c.relkind in ('r', 'p', 'f', 'v', 'm') and ${relationInScope(sql, input)}
    order by n.nspname, c.relname`;
}

/**
 * Live columns of every relation in scope, in attnum order. The enum is resolved for the
 * type itself or its array element; the collation only when it is not the type's default.
 */
export function queryColumns(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<ColumnRow[]>`
    select a.attrelid as rel, a.attnum::int as num, a.attname::text as name,
           format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
           pg_get_expr(ad.adbin, ad.adrelid) as default_expr,
           a.attidentity::text as identity, a.attgenerated::text as generated,
           case when co.oid is null then null
                when con.nspname = 'pg_catalog' then co.collname::text
                else con.nspname || '.' || co.collname end as collation,
           en.nspname::text as enum_schema, e.typname::text as enum_name
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef ad on ad.adrelid = a.attrelid and ad.adnum = a.attnum
    left join pg_collation co on co.oid = a.attcollation and a.attcollation <> t.typcollation
    left join pg_namespace con on con.oid = co.collnamespace
    left join pg_type e on e.typtype = 'e'
      and e.oid = case when t.typtype = 'e' then t.oid else nullif(t.typelem, 0) end
    left join pg_namespace en on en.oid = e.typnamespace
    where a.attnum > 0 and not a.attisdropped
      and c.relkind in ('r', 'p', 'f', 'v', 'm') and ${relationInScope(sql, input)}
    order by a.attrelid, a.attnum`;
}

/**
 * PK, UNIQUE, FOREIGN KEY, CHECK and EXCLUDE constraints of relations in scope (NOT NULL
 * constraints, catalogued since PG18, are columns' business). Column lists are resolved
 * in key order; NULLS NOT DISTINCT is read only where it exists (PG15+).
 */
export function queryConstraints(sql: CatalogSql, input: CatalogQueryInput) {
  const nullsNotDistinct = input.serverVersionNum >= 150000 ? sql`coalesce(ix.indnullsnotdistinct, false)` : sql`false`;
  return sql<ConstraintRow[]>`
    select co.conrelid as rel, co.conname::text as name, co.contype::text as type,
           to_json(array(select a.attname::text from unnest(co.conkey) with ordinality k(attnum, ord)
                         join pg_attribute a on a.attrelid = co.conrelid and a.attnum = k.attnum
                         order by k.ord)) as columns,
           fn.nspname::text as ref_schema, fc.relname::text as ref_table,
           case when co.contype = 'f' then
             to_json(array(select a.attname::text from unnest(co.confkey) with ordinality k(attnum, ord)
                           join pg_attribute a on a.attrelid = co.confrelid and a.attnum = k.attnum
                           order by k.ord)) end as ref_columns,
           co.confdeltype::text as on_delete, co.confupdtype::text as on_update,
           co.condeferrable as deferrable, co.condeferred as deferred, co.convalidated as validated,
           co.conparentid <> 0 as inherited, pg_get_constraintdef(co.oid) as definition,
           ${nullsNotDistinct} as nulls_not_distinct
    from pg_constraint co
    join pg_class c on c.oid = co.conrelid
    left join pg_class fc on fc.oid = co.confrelid
    left join pg_namespace fn on fn.oid = fc.relnamespace
    left join pg_index ix on co.contype = 'u' and ix.indexrelid = co.conindid
    where co.contype in ('p', 'u', 'f', 'c', 'x')
      and c.relkind in ('r', 'p', 'f') and ${relationInScope(sql, input)}
    order by co.conrelid, co.conname, co.oid`;
}

/**
 * Indexes of tables and materialized views in scope. Keys come as raw attnums, options and
 * opclass oids (decoded in JS); the text of expression keys comes from pg_get_indexdef
 * only for the positions that are expressions.
 */
export function queryIndexes(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<IndexRow[]>`
    select i.indrelid as rel, ic.relname::text as name, am.amname::text as method,
           i.indisunique as is_unique, i.indisprimary as is_primary, i.indisvalid as is_valid,
           i.indnkeyatts::int as key_count,
           to_json(i.indkey::int2[]) as attnums, to_json(i.indoption::int2[]) as options,
           to_json(i.indclass::oid[]::int8[]) as opclasses,
           case when i.indexprs is not null then
             to_json(array(select case when i.indkey[k - 1] = 0 then pg_get_indexdef(i.indexrelid, k, true) end
                           from generate_series(1, i.indnkeyatts) k order by k)) end as expressions,
           pg_get_expr(i.indpred, i.indrelid) as predicate,
           pg_get_indexdef(i.indexrelid) as definition,
           (ic.relkind = 'I' or ic.relispartition) as partitioned,
           con.conname::text as constraint_name
    from pg_index i
    join pg_class ic on ic.oid = i.indexrelid
    join pg_am am on am.oid = ic.relam
    join pg_class c on c.oid = i.indrelid
    left join pg_constraint con
      on con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')
    where c.relkind in ('r', 'p', 'm') and ${relationInScope(sql, input)}
    order by i.indrelid, ic.relname`;
}

/** Operator classes that are not their type's default: the only ones an index key names. */
export function queryNonDefaultOpclasses(sql: CatalogSql) {
  return sql<OpclassRow[]>`select oc.oid, oc.opcname::text as name from pg_opclass oc where not oc.opcdefault`;
}

/** Enum labels in sort order, one row each (an enum with no label yields one null row). */
export function queryEnums(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<EnumLabelRow[]>`
    select t.oid, n.nspname::text as schema, t.typname::text as name, e.enumlabel::text as label
    from pg_type t
    join pg_namespace n on n.oid = t.typnamespace
    left join pg_enum e on e.enumtypid = t.oid
    where t.typtype = 'e' and t.typnamespace = any(${input.namespaces}::oid[])
      and not exists (select 1 from pg_depend dep
                      where dep.classid = 'pg_type'::regclass and dep.objid = t.oid and dep.deptype = 'e')
    order by n.nspname, t.typname, e.enumsortorder`;
}

/** Definitions of views and materialized views (their columns come with all columns). */
export function queryViewDefinitions(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<ViewDefinitionRow[]>`
    select c.oid, pg_get_viewdef(c.oid) as definition
    from pg_class c
    where c.relkind in ('v', 'm') and ${relationInScope(sql, input)}`;
}

/** Installed extensions, wherever they live (plpgsql included: it is one). */
export function queryExtensions(sql: CatalogSql) {
  return sql<ExtensionRow[]>`
    select e.extname::text as name, e.extversion::text as version, n.nspname::text as schema
    from pg_extension e join pg_namespace n on n.oid = e.extnamespace
    order by e.extname`;
}

/** Row-level security policies; role 0 is PUBLIC. */
export function queryPolicies(sql: CatalogSql, input: CatalogQueryInput) {
  return sql<PolicyRow[]>`
    select p.polrelid as rel, p.polname::text as name, p.polcmd::text as command, p.polpermissive as permissive,
           to_json(array(select case when r = 0 then 'public' else pg_get_userbyid(r)::text end
                         from unnest(p.polroles) r order by 1)) as roles,
           pg_get_expr(p.polqual, p.polrelid) as using_expr,
           pg_get_expr(p.polwithcheck, p.polrelid) as check_expr
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    where ${relationInScope(sql, input)}
    order by p.polrelid, p.polname`;
}

/**
 * Comments on relations, columns and types created after initdb (oid ≥ 16384, so the
 * thousands of built-in descriptions are skipped); matched to objects by oid in JS.
 */
export function queryComments(sql: CatalogSql) {
  return sql<CommentRow[]>`
    select d.objoid as oid, d.objsubid as sub, d.classoid = 'pg_type'::regclass as is_type, d.description
    from pg_description d
    where d.classoid in ('pg_class'::regclass, 'pg_type'::regclass) and d.objoid >= 16384`;
}
