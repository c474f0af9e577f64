import os from 'node:os';
import { backupSettingsFor, type BackupSettings } from '../backup/settings';
import { findEnvironment, type Protection, type StrataConfig } from '../config/environments';
import { parseDatabaseUrl } from '../db/connection-url';
import type { EnvVars } from '../config/embedded-settings';
import { StrataError } from '../errors';
import { fleetGivenForEnvironment } from '../fleet/resolve-fleet';

/** A database the CLI acts on: a configured environment, or a bare URL (no protection level). */
export interface Target {
  name: string | null;
  url: string;
  protection: Protection | null;
  embedded: boolean;
  /** Its backup policy (overridden for one run by --backup) and where copies go. */
  backup: BackupSettings;
  /** The environment's STRATA_ENV_<NAME>_LOCK_RETRIES (overridden by --lock-retries); unset: the default. */
  lockRetries?: number;
  /** The environment's STRATA_ENV_<NAME>_MAX_REPLICATION_LAG; unset: the default (lib/migrate/batched-run.ts). */
  maxReplicationLagMs?: number;
}

export function resolveTarget(config: StrataConfig, options: { env?: string; databaseUrl?: string; backup?: string; command?: string }): Target {
  if (options.env && options.databaseUrl) throw new StrataError('BAD_USAGE', 'Give --env or --database-url, not both');
  if (options.databaseUrl) {
    parseDatabaseUrl(options.databaseUrl);
    const bare = { name: null, url: options.databaseUrl, protection: null };
    return { ...bare, embedded: false, backup: backupSettingsFor(bare, config.backupDir, options.backup) };
  }
  if (!options.env) throw new StrataError('BAD_USAGE', 'Which database? Give --env NAME or --database-url URL');
  // A fleet's name where one database is meant: say what migrates a fleet (lib/fleet/resolve-fleet.ts).
  const fleet = fleetGivenForEnvironment(config, options.env, options.command);
  if (fleet) throw fleet;
  const env = findEnvironment(config, options.env);
  return { name: env.name, url: env.url, protection: env.protection, embedded: config.mode === 'embedded', backup: backupSettingsFor(env, config.backupDir, options.backup), lockRetries: env.lockRetries, maxReplicationLagMs: env.maxReplicationLagMs };
}

/**
 * The CLI's actor is always the operating-system user it runs as: `cli:<os user>`. A name
 * given with --actor (or STRATA_ACTOR, e.g. a CI pipeline's) is recorded beside it, never
 * instead of it — `cli:deploy (as olivia)` — because anyone can type any name.
 */
export function resolveActor(flag: string | undefined, env: EnvVars = process.env): string {
  const os = `cli:${safeUser()}`;
  const claimed = (flag ?? env.STRATA_ACTOR)?.trim();
  if (claimed === undefined || claimed === '') return os;
  if (!/^[\w.@:+-]{1,60}$/.test(claimed)) {
    throw new StrataError('BAD_USAGE', 'Actor names are 1–60 letters, digits or . @ : + - _');
  }
  return claimed === os ? os : `${os} (as ${claimed})`;
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}
