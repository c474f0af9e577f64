import type { Sql } from '../../lib/db/client';

/**
 * A text picture of a database's catalog — schemas, relations, columns, constraints,
 * indexes, types, extensions, functions — for "is it exactly as before?" assertions.
 * Strata's and drizzle's bookkeeping schemas, and the backup schemas destructive rollbacks
 * leave behind, are left out: they are meant to change.
 */
export async function catalogFingerprint(sql: Sql): Promise<string[]> {
  const excluded = ['pg_catalog', 'information_schema', 'pg_toast', 'strata', 'drizzle'];
  const rows = await sql`
    with ns as (
      select oid, nspname from pg_namespace
      where nspname <> all(${excluded}) and nspname not like 'pg_temp%' and nspname not like 'pg_toast_temp%'
        and nspname not like 'strata\_backup\_%'
    )
    select 'schema ' || nspname as item from ns
    union all
    select 'relation ' || ns.nspname || '.' || c.relname || ' kind=' || c.relkind::text || ' partitioned_by=' ||
           coalesce(pg_get_partkeydef(c.oid), '') || ' bound=' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
    from pg_class c join ns on ns.oid = c.relnamespace where c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')
    union all
    select 'column ' || ns.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
           case when a.attnotnull then ' not null' else '' end ||
           coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') ||
           case when a.attidentity <> '' then ' identity ' || a.attidentity::text else '' end ||
           case when a.attgenerated <> '' then ' generated' else '' end
    from pg_attribute a join pg_class c on c.oid = a.attrelid join ns on ns.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped and c.relkind in ('r', 'p', 'v', 'm', 'f')
    union all
    select 'constraint ' || ns.nspname || '.' || c.relname || '.' || con.conname || ' ' || pg_get_constraintdef(con.oid)
    from pg_constraint con join pg_class c on c.oid = con.conrelid join ns on ns.oid = c.relnamespace
    union all
    select 'index ' || ns.nspname || '.' || pg_get_indexdef(i.indexrelid)
    from pg_index i join pg_class c on c.oid = i.indexrelid join ns on ns.oid = c.relnamespace
    union all
    select 'type ' || ns.nspname || '.' || t.typname || ' ' || t.typtype::text ||
           coalesce(' ' || (select string_agg(e.enumlabel, ',' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid), '')
    from pg_type t join ns on ns.oid = t.typnamespace
    where t.typtype in ('e', 'd', 'c') and (t.typrelid = 0 or (select relkind from pg_class where oid = t.typrelid) = 'c')
    union all
    select 'extension ' || extname || ' ' || extversion from pg_extension
    union all
    select 'function ' || ns.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    from pg_proc p join ns on ns.oid = p.pronamespace
    where not exists (select 1 from pg_depend dep where dep.objid = p.oid and dep.deptype = 'e')
    union all
    select 'trigger ' || ns.nspname || '.' || c.relname || '.' || tg.tgname
    from pg_trigger tg join pg_class c on c.oid = tg.tgrelid join ns on ns.oid = c.relnamespace where not tg.tgisinternal
    order by 1`;
  return rows.map((r) => String(r.item));
}
