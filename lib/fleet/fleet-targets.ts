import { connect } from '../db/client';
import { databaseNameOf, parseDatabaseUrl, withDatabase } from '../db/connection-url';
import { StrataError } from '../errors';
import type { Environment } from '../config/types';
import type { Fleet, FleetTarget } from './types';

/**
 * A fleet's targets, in a stable order (by name): the listed URLs, or the databases the
 * discovery pattern finds on its server right now. Target names are database names, or
 * host:port/database when two targets share a database name on different servers.
 */
export async function fleetTargets(fleet: Fleet): Promise<FleetTarget[]> {
  if (fleet.source.kind === 'schemas') return schemaTargets(fleet.name, fleet.source.url, fleet.source.pattern);
  const urls = fleet.source.kind === 'urls' ? fleet.source.urls : await discoverDatabases(fleet.source.serverUrl, fleet.source.pattern);
  if (urls.length === 0) throw new StrataError('BAD_USAGE', `Fleet "${fleet.name}" has no targets${fleet.source.kind === 'databases' ? ` (no database matches ${JSON.stringify(fleet.source.pattern)})` : ''}`);
  return nameTargets(fleet.name, urls);
}

/** Names each URL's target: its database name, qualified by host and port where names repeat. */
export function nameTargets(fleet: string, urls: string[]): FleetTarget[] {
  const databases = urls.map(databaseNameOf);
  const repeated = new Set(databases.filter((d, i) => databases.indexOf(d) !== i));
  return urls
    .map((url, i) => {
      const parsed = parseDatabaseUrl(url);
      const name = repeated.has(databases[i]!) ? `${parsed.hostname}:${parsed.port || '5432'}/${databases[i]}` : databases[i]!;
      return { fleet, name, url };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Databases on the server whose name matches the LIKE pattern (templates and databases that refuse connections left out). */
async function discoverDatabases(serverUrl: string, pattern: string): Promise<string[]> {
  const sql = connect(serverUrl, { max: 1, applicationName: 'strata:fleet-discovery' });
  try {
    const rows = await sql`select datname from pg_database where datname like ${pattern} and not datistemplate and datallowconn order by datname`;
    return rows.map((r) => withDatabase(serverUrl, String(r.datname)));
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * A schema-per-tenant fleet's targets: every schema of the database whose name matches the
 * LIKE pattern, named by the schema. Strata's own schemas (`strata`, a tenant's history
 * `strata_t_…`, backups `strata_backup_…`), drizzle's, public, information_schema and pg_*
 * are never tenants, whatever the pattern; nor are schemas an extension owns.
 */
async function schemaTargets(fleet: string, url: string, pattern: string): Promise<FleetTarget[]> {
  const sql = connect(url, { max: 1, applicationName: 'strata:fleet-discovery' });
  let schemas: string[];
  try {
    const rows = await sql`
      select n.nspname::text as name from pg_namespace n
      where n.nspname like ${pattern}
        and n.nspname not in ('strata', 'drizzle', 'public', 'information_schema')
        and not starts_with(n.nspname, 'strata_') and not starts_with(n.nspname, 'pg_')
        and not exists (select 1 from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
      order by n.nspname collate "C"`;
    schemas = rows.map((r) => String(r.name));
  } finally {
    await sql.end({ timeout: 5 });
  }
  if (schemas.length === 0) throw new StrataError('BAD_USAGE', `Fleet "${fleet}" has no targets (no schema matches ${JSON.stringify(pattern)})`);
  return schemas.map((schema) => ({ fleet, name: schema, url, schema }));
}

/**
 * A target as the environment the engine migrates: the fleet's protection and policies,
 * the target's URL, and the name `<fleet>/<target>` in histories, logs and audit entries.
 */
export function targetEnvironment(fleet: Fleet, target: FleetTarget): Environment {
  return {
    name: `${fleet.name}/${target.name}`,
    url: target.url,
    ...(target.schema !== undefined ? { schema: target.schema } : {}),
    protection: fleet.protection,
    ...(fleet.backup ? { backup: fleet.backup } : {}),
    ...(fleet.lockRetries !== undefined ? { lockRetries: fleet.lockRetries } : {}),
  };
}
