import { connect } from '../db/client';

/**
 * Functions and triggers, which the SchemaModel leaves out, by name with their definition:
 * a rollback that drops a function CASCADE silently takes an older change set's trigger
 * with it, and only a comparison of these finds that (crates.io's 2025-02-11 migration).
 * Extension members and Strata's own schemas are left out.
 */
export async function readRoutines(url: string): Promise<Map<string, string>> {
  const sql = connect(url, { max: 1, applicationName: 'strata:verify' });
  try {
    const rows = await sql`
      select 'function ' || p.oid::regprocedure::text as name, md5(pg_get_functiondef(p.oid)) as definition
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname not in ('pg_catalog', 'information_schema', 'strata', 'drizzle') and n.nspname not like 'pg\\_%'
        and p.prokind in ('f', 'p')
        and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
      union all
      select 'trigger ' || t.tgname || ' on ' || t.tgrelid::regclass::text, md5(pg_get_triggerdef(t.oid))
      from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
      where not t.tgisinternal and n.nspname not in ('strata', 'drizzle') and n.nspname not like 'pg\\_%'`;
    return new Map(rows.map((r) => [String(r.name), String(r.definition)]));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Routines missing from, extra in, or different in `actual`, in the same words as schemaDifferences. */
export function routineDifferences(expected: Map<string, string>, actual: Map<string, string>, when: { extra: string; missing: string }): string[] {
  const out: string[] = [];
  for (const [name, definition] of expected) {
    if (!actual.has(name)) out.push(`${name} ${when.missing}`);
    else if (actual.get(name) !== definition) out.push(`${name} has a different definition`);
  }
  for (const name of actual.keys()) if (!expected.has(name)) out.push(`${name} ${when.extra}`);
  return out.sort();
}
