import type { LockedConnection } from './target-lock';
import { sessionPlace } from './target-place';

/**
 * The search_path a change set's unqualified names resolve through: the session's, without
 * Strata's and Drizzle's bookkeeping schemas. The default path is `"$user", public`, and
 * when the role is called `strata` (the embedded server's superuser) `"$user"` IS the
 * bookkeeping schema, so `CREATE TABLE users` would land in `strata.users`. Falls back to
 * `public` when nothing else is left.
 *
 * A tenant schema's session (target-place.ts) runs its change sets in the tenant: the path is
 * the tenant, then public (where extensions usually live, so their types and functions resolve).
 */
export async function userSearchPath(conn: LockedConnection): Promise<string> {
  const { tenant } = sessionPlace(conn);
  if (tenant !== null) {
    // Set at connect (target-lock.ts); read back as the server prints it, quoted where needed.
    const [row] = await conn`select format('%I, public', ${tenant}::text) as path`;
    return String(row!.path);
  }
  const [row] = await conn.unsafe(`
    select coalesce(string_agg(quote_ident(s), ', ' order by o), 'public') as path
    from unnest(current_schemas(false)) with ordinality as t(s, o)
    where s not in ('strata', 'drizzle') and s not like 'strata\\_backup\\_%'`);
  return String(row!.path);
}
