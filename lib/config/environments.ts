import path from 'node:path';
import { z } from 'zod';
import { StrataError } from '../errors';
import { parseDatabaseUrl } from '../db/connection-url';
import { embeddedSettings, embeddedUrl, type EmbeddedSettings, type EnvVars } from './embedded-settings';
import { DEMO_ENVIRONMENTS } from './demo-environments';
import { embeddedConsolePassword } from './console-secrets';
import { backupPolicyFromVariables, wholeNumber } from '../backup/policy';
import { durationMs } from './duration';
import { protectionLevels, type Environment, type Protection, type StrataConfig } from './types';

// The configuration's types live in types.ts, so that the modules loadConfig reads
// (console-secrets, demo-environments) can name them without importing this module back;
// they are re-exported here, where the rest of Strata imports them from.
export { protectionLevels, type Environment, type Protection, type StrataConfig };

/** The embedded demo's console database, and the role the console uses on it (not a superuser). */
export const EMBEDDED_CONSOLE_DATABASE = 'strata_console';
export const EMBEDDED_CONSOLE_ROLE = 'strata_console';

function embeddedConsoleUrl(embedded: EmbeddedSettings): string {
  const password = encodeURIComponent(embeddedConsolePassword(embedded));
  return `postgres://${EMBEDDED_CONSOLE_ROLE}:${password}@localhost:${embedded.port}/${EMBEDDED_CONSOLE_DATABASE}`;
}

const envName = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'environment names are lower-case letters, digits, - and _');

/**
 * Reads the configuration from environment variables (documented in .env.example).
 * With no STRATA_ENVIRONMENTS the embedded demo is used, so a fresh clone needs nothing.
 */
export function loadConfig(env: EnvVars = process.env): StrataConfig {
  const root = env.STRATA_ROOT ?? process.cwd();
  const projectDir = path.resolve(root, env.STRATA_PROJECT_DIR ?? 'drizzle/demo');
  const embedded = embeddedSettings(env, root);
  const auditHeadFile = path.resolve(root, env.STRATA_AUDIT_HEAD_FILE?.trim() || path.join(embedded.home, 'audit-head.json'));
  const backupDir = env.STRATA_BACKUP_DIR?.trim() ? path.resolve(root, env.STRATA_BACKUP_DIR.trim()) : null;
  const list = env.STRATA_ENVIRONMENTS?.trim();
  if (!list) {
    return {
      mode: 'embedded',
      projectDir,
      embedded,
      auditHeadFile,
      consoleDatabaseUrl: embeddedConsoleUrl(embedded),
      consoleOwnerUrl: embeddedUrl(embedded, EMBEDDED_CONSOLE_DATABASE),
      shadowServerUrl: embeddedUrl(embedded, EMBEDDED_CONSOLE_DATABASE),
      backupDir,
      environments: DEMO_ENVIRONMENTS.map((demo) => ({
        name: demo.name,
        protection: demo.protection,
        url: embeddedUrl(embedded, demo.database),
        backup: backupPolicyFromVariables(variablePrefix(demo.name), env, demo.protection),
        ...lockRetriesFromVariables(variablePrefix(demo.name), env),
        ...replicationLagFromVariables(variablePrefix(demo.name), env),
      })),
    };
  }
  const names = list.split(',').map((n) => n.trim()).filter(Boolean);
  const environments = names.map((name) => externalEnvironment(name, env));
  const consoleDatabaseUrl = env.STRATA_CONSOLE_DATABASE_URL;
  if (!consoleDatabaseUrl) {
    throw new StrataError('BAD_USAGE', 'STRATA_ENVIRONMENTS is set, so STRATA_CONSOLE_DATABASE_URL must be set too');
  }
  parseDatabaseUrl(consoleDatabaseUrl);
  const shadowServerUrl = env.STRATA_SHADOW_DATABASE_URL || consoleDatabaseUrl;
  parseDatabaseUrl(shadowServerUrl);
  const consoleOwnerUrl = env.STRATA_CONSOLE_OWNER_URL?.trim() || null;
  if (consoleOwnerUrl) parseDatabaseUrl(consoleOwnerUrl);
  return { mode: 'external', projectDir, embedded, auditHeadFile, environments, consoleDatabaseUrl, consoleOwnerUrl, shadowServerUrl, backupDir };
}

function externalEnvironment(name: string, env: EnvVars): Environment {
  const checked = envName.safeParse(name);
  if (!checked.success) {
    throw new StrataError('BAD_USAGE', `STRATA_ENVIRONMENTS: "${name}": ${checked.error.issues[0]?.message}`);
  }
  const key = variablePrefix(name);
  const url = env[`${key}_URL`];
  if (!url) throw new StrataError('BAD_USAGE', `Environment "${name}" needs ${key}_URL`);
  parseDatabaseUrl(url);
  // Unspecified protection is the safest level: a forgotten variable must not open production.
  const protection = (env[`${key}_PROTECTION`] ?? 'protected').trim();
  if (!protectionLevels.includes(protection as Protection)) {
    throw new StrataError('BAD_USAGE', `${key}_PROTECTION must be one of ${protectionLevels.join(', ')} (got "${protection}")`);
  }
  return { name, url, protection: protection as Protection, backup: backupPolicyFromVariables(key, env, protection as Protection), ...lockRetriesFromVariables(key, env), ...replicationLagFromVariables(key, env) };
}

/** `STRATA_ENV_<NAME>_LOCK_RETRIES`: how often a change set that timed out waiting for a lock is tried again there. */
function lockRetriesFromVariables(prefix: string, env: EnvVars): Pick<Environment, 'lockRetries'> {
  const retries = wholeNumber(env[`${prefix}_LOCK_RETRIES`], `${prefix}_LOCK_RETRIES`, 0);
  return retries === undefined ? {} : { lockRetries: retries };
}

/** `STRATA_ENV_<NAME>_MAX_REPLICATION_LAG` (e.g. 10s, 500ms): replay lag above which batched statements wait there. */
function replicationLagFromVariables(prefix: string, env: EnvVars): Pick<Environment, 'maxReplicationLagMs'> {
  const value = env[`${prefix}_MAX_REPLICATION_LAG`];
  return value === undefined || value.trim() === '' ? {} : { maxReplicationLagMs: durationMs(value, `${prefix}_MAX_REPLICATION_LAG`) };
}

/** `STRATA_ENV_<NAME>`: the prefix of an environment's own variables. */
function variablePrefix(name: string): string {
  return `STRATA_ENV_${name.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * The environment called `name`, or undefined: for records that name an environment the
 * configuration may no longer have (a request, an operation). Every lookup by name is this
 * one or findEnvironment.
 */
export function configuredEnvironment(config: StrataConfig, name: string): Environment | undefined {
  return config.environments.find((e) => e.name === name);
}

/** The environment called `name`, or an error listing the known ones (UNKNOWN_ENVIRONMENT). */
export function findEnvironment(config: StrataConfig, name: string): Environment {
  const found = configuredEnvironment(config, name);
  if (!found) {
    const known = config.environments.map((e) => e.name).join(', ');
    throw new StrataError('UNKNOWN_ENVIRONMENT', `Unknown environment "${name}" (known: ${known})`);
  }
  return found;
}
