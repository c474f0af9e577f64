/**
 * The benchmark's floor: the plainest catalog queries that return the facts Strata's
 * introspection returns (relations, columns, constraints, indexes, enums, views, comments),
 * with no assembly at all. Run through psql, they are what a person would type by hand.
 */
export const RAW_CATALOG_QUERIES = `
select c.oid, n.nspname, c.relname, c.relkind, c.reltuples, c.relrowsecurity, c.relispartition,
       pg_get_expr(c.relpartbound, c.oid), pg_total_relation_size(c.oid), obj_description(c.oid, 'pg_class')
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r','p','f','v','m') and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%';
select a.attrelid, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, col_description(a.attrelid, a.attnum), a.attcollation
from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
where a.attnum > 0 and not a.attisdropped and c.relkind in ('r','p','f','v','m')
  and n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%';
select co.conrelid, co.conname, co.contype, co.conkey, co.confrelid, co.confkey, co.confdeltype, co.confupdtype,
       co.condeferrable, co.condeferred, co.convalidated, co.conparentid, pg_get_constraintdef(co.oid)
from pg_constraint co join pg_namespace n on n.oid = co.connamespace
where co.conrelid <> 0 and n.nspname not in ('pg_catalog','information_schema');
select i.indrelid, i.indexrelid, ic.relname, am.amname, i.indisunique, i.indisprimary, i.indkey, i.indclass, i.indoption,
       pg_get_expr(i.indpred, i.indrelid), pg_get_indexdef(i.indexrelid)
from pg_index i join pg_class ic on ic.oid = i.indexrelid join pg_am am on am.oid = ic.relam
join pg_namespace n on n.oid = ic.relnamespace
where n.nspname not in ('pg_catalog','information_schema') and n.nspname not like 'pg_toast%';
select t.typnamespace, t.typname, e.enumlabel, e.enumsortorder from pg_enum e join pg_type t on t.oid = e.enumtypid;
select c.oid, pg_get_viewdef(c.oid) from pg_class c join pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('v','m') and n.nspname not in ('pg_catalog','information_schema');
`;
