import type { LockedConnection } from './target-lock';

/**
 * The search_path a change set's unqualified names resolve through: the session's, without
 * Strata's and Drizzle's bookkeeping schemas. The default path is `"$user", public`, and
 * when the role is called `strata` (the embedded server's superuser) `"$user"` IS the
 * bookkeeping schema, so `CREATE TABLE users` would land in `strata.users`. Falls back to
 * `public` when nothing else is left.
 *
 * A tenant schema's session (target-place.ts) connects with the tenant, then public, as its
 * search_path (target-lock.ts), so this path is the tenant's: its change sets run in it.
 */
export async function userSearchPath(conn: LockedConnection): Promise<string> {
  const [row] = await conn.unsafe(`
    select coalesce(string_agg(quote_ident(s), ', ' order by o), 'public') as path
    from unnest(current_schemas(false)) with ordinality as t(s, o)
    where s not in ('strata', 'drizzle') and s not like 'strata\\_backup\\_%'`);
  return String(row!.path);
}
