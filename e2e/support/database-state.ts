import { embeddedSql } from './embedded-sql';

/**
 * Everything a refused request could have changed: users, change requests, named ERD views, the audit trail
 * (its entries other than refusals — a refusal is recorded, by design), each environment's
 * history and the exact row count of every table. Compared before and after an attack.
 */
export async function databaseState(): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const consoleDb = embeddedSql('strata_console');
  try {
    state.users = await consoleDb`select username, role, disabled from console.users order by username`;
    state.requests = await consoleDb`select id, status from console.change_requests order by id`;
    state.views = await consoleDb`select id, environment, name, query, positions, created_by, updated_at from console.erd_views order by id`;
    state.audit = (await consoleDb`select count(*)::int as n from console.audit_log where outcome <> 'denied'`)[0]!.n;
  } finally {
    await consoleDb.end();
  }
  for (const db of ['strata_local', 'strata_staging', 'strata_production']) {
    const sql = embeddedSql(db);
    try {
      const [history] = await sql`select count(*)::int as n, max(id)::int as last from strata.change_log`;
      // Seed and reset change data, not history: count the rows of every user table exactly.
      const tables = await sql`
        select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema', 'strata', 'drizzle') and n.nspname not like 'pg_toast%'
        order by 1`;
      const counts = tables.length
        ? await sql.unsafe(tables.map((t) => `select '${t.name}' as t, count(*)::int as n from ${t.name}`).join(' union all '))
        : [];
      state[db] = { history, data: counts.map((c) => `${c.t}=${c.n}`) };
    } finally {
      await sql.end();
    }
  }
  return state;
}
