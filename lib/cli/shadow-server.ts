import type { StrataConfig } from '../config/environments';
import { withDatabase } from '../db/connection-url';
import type { Target } from './targets';

/**
 * Where shadow databases are built: STRATA_SHADOW_DATABASE_URL when set; for a configured
 * environment, the configured shadow server; for a bare --database-url (CI with a
 * throwaway server), that database's own server, so nothing else has to be running.
 */
export function shadowServerFor(target: Target, config: StrataConfig): string {
  if (process.env.STRATA_SHADOW_DATABASE_URL) return process.env.STRATA_SHADOW_DATABASE_URL;
  return target.name === null ? withDatabase(target.url, 'postgres') : config.shadowServerUrl;
}
