import postgres from 'postgres';
import type { StrataConfig } from '../config/environments';
import { embeddedUrl } from '../config/embedded-settings';
import { databaseNameOf, withDatabase } from '../db/connection-url';
import type { Logger } from '../observability/logger';
import { startCluster } from './cluster';
import { bootstrapDemo, createMissingDatabases } from './demo-bootstrap';
import { fleetSourceUrls } from '../fleet/fleet-source-urls';

/**
 * Makes sure the embedded PostgreSQL is up when the configuration uses it: when it already
 * runs (an `npm start` elsewhere) we only use it; otherwise we start it (initialising on first
 * use) and hand back a stop function. The embedded demo also gets its demo databases. A
 * configuration of real servers (variables or strata.config.ts) starts nothing, unless some of
 * its URLs point at the embedded server (localhost at STRATA_EMBEDDED_PORT): then the server is
 * started and the databases those URLs name are created when missing, nothing else (no demo).
 */
export async function ensureEmbeddedRunning(
  config: StrataConfig,
  logger: Logger,
  say: (line: string) => void = () => {},
): Promise<{ stop: () => Promise<void>; startedHere: boolean } | null> {
  if (config.mode !== 'embedded') return ensureServingDatabases(config, say);
  if (await isServing(withDatabase(config.consoleOwnerUrl ?? config.consoleDatabaseUrl, 'postgres'))) {
    await bootstrapDemo(config, logger, say);
    return { stop: async () => {}, startedHere: false };
  }
  const cluster = await startCluster(config.embedded, say);
  try {
    await bootstrapDemo(config, logger, say);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return { stop: cluster.stop, startedHere: true };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The databases an external configuration keeps on the embedded server: those of its URLs at
 * localhost:STRATA_EMBEDDED_PORT — the console's, the environments', a fleet's listed targets
 * and its discovery server's (what discovery finds is never created).
 */
export function embeddedDatabasesOf(config: StrataConfig): string[] {
  const fleetUrls = (config.fleets ?? []).flatMap(fleetSourceUrls);
  const urls = [config.consoleDatabaseUrl, ...config.environments.map((e) => e.url), ...fleetUrls];
  const atEmbedded = urls.filter((raw) => {
    const url = new URL(raw);
    return LOOPBACK.has(url.hostname) && Number(url.port || 5432) === config.embedded.port;
  });
  return [...new Set(atEmbedded.map(databaseNameOf))];
}

async function ensureServingDatabases(config: StrataConfig, say: (line: string) => void): Promise<{ stop: () => Promise<void>; startedHere: boolean } | null> {
  const databases = embeddedDatabasesOf(config);
  if (databases.length === 0) return null;
  const admin = embeddedUrl(config.embedded, 'postgres');
  const cluster = (await isServing(admin)) ? null : await startCluster(config.embedded, say);
  try {
    for (const name of await createMissingDatabases(admin, databases)) say(`Created database ${name} on the embedded PostgreSQL`);
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  return { stop: cluster?.stop ?? (async () => {}), startedHere: cluster !== null };
}

async function isServing(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
