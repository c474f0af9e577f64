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
 * A target as the environment the engine migrates: the fleet's protection and policies,
 * the target's URL, and the name `<fleet>/<target>` in histories, logs and audit entries.
 */
export function targetEnvironment(fleet: Fleet, target: FleetTarget): Environment {
  return {
    name: `${fleet.name}/${target.name}`,
    url: target.url,
    protection: fleet.protection,
    ...(fleet.backup ? { backup: fleet.backup } : {}),
    ...(fleet.lockRetries !== undefined ? { lockRetries: fleet.lockRetries } : {}),
  };
}
