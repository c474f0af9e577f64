import { closeConsole, withConsole } from '../auth/console-db';
import { consoleSecrets } from '../config/console-secrets';
import { loadConfig, type StrataConfig } from '../config/environments';
import type { Sql } from '../db/client';
import { ensureEmbeddedRunning } from '../embedded/ensure-running';
import { audited } from '../console/audited';
import { engineLogger } from '../observability/logger';
import { cliPrincipal } from './cli-audit';

/** The console database from the command line, for `user` and `audit`. */

/** Runs `work` on the console database, starting the embedded server when needed and closing everything after. */
export async function onConsole<T>(work: (sql: Sql, config: StrataConfig) => Promise<T>, options: { needsKey?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  // Fails before anything changes when the audit key is missing (external mode).
  if (options.needsKey) consoleSecrets(config);
  const embedded = await ensureEmbeddedRunning(config, engineLogger());
  try {
    return await withConsole(config, (sql) => work(sql, config));
  } finally {
    await closeConsole(config);
    await embedded?.stop();
  }
}

/** Runs a user change between its audit intent and outcome, as every change is recorded. */
export function auditedChange<T>(
  config: StrataConfig,
  options: { actor?: string },
  meta: { action: string; target: string },
  work: () => Promise<T>,
  detail: (result: T) => string | null,
): Promise<T> {
  return audited(config, cliPrincipal(options), meta, work, (result) => ({ outcome: 'ok', detail: detail(result) }));
}
