import postgres from 'postgres';
import type { StrataConfig } from '../config/environments';
import { withDatabase } from '../db/connection-url';
import type { Logger } from '../observability/logger';
import { startCluster } from './cluster';
import { bootstrapDemo } from './demo-bootstrap';

/**
 * Makes sure the embedded demo is up: when it already runs (an `npm start` elsewhere) we
 * only use it; otherwise we start it (initialising and bootstrapping on first use) and
 * hand back a stop function. External configurations start nothing.
 */
export async function ensureEmbeddedRunning(
  config: StrataConfig,
  logger: Logger,
  say: (line: string) => void = () => {},
): Promise<{ stop: () => Promise<void>; startedHere: boolean } | null> {
  if (config.mode !== 'embedded') return null;
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
