import path from 'node:path';
import { z } from 'zod';
import { StrataError } from '../errors';
import { parseDatabaseUrl } from '../db/connection-url';
import { embeddedSettings, embeddedUrl, type EmbeddedSettings, type EnvVars } from './embedded-settings';
import { DEMO_ENVIRONMENTS, DEMO_FLEET } from './demo-environments';
import { fleetOf, isFleetEntry, type FleetEntry } from './fleets';
import { embeddedConsolePassword } from './console-secrets';
import { backupPolicyFromVariables, wholeNumber } from '../backup/policy';
import { durationMs } from './duration';
import { protectionLevels, type Environment, type Fleet, type Protection, type StrataConfig } from './types';
import { DEFAULT_PROJECT_DIR, displayPath, loadSettingsSync, locateConfigFile, projectDirOf } from '../project/load-project';
import type { EnvironmentSettings, ProjectDefinition } from '../project/define-project';

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

/** The config file's settings, where they came from, for messages naming the file and the key. */
interface FileSettings {
  file: string | null;
  settings: ProjectDefinition;
}

/**
 * Reads the configuration from environment variables (documented in .env.example) and the
 * settings of strata.config.ts (locateConfigFile: beside drizzle.config.ts, or in the project
 * folder). A variable that is set wins over the file's value for the same key; the file wins
 * over the defaults. A config file that does not load or validate throws here, before anything
 * connects. With no environments in either, the embedded demo is used, so a fresh clone needs nothing.
 */
export function loadConfig(env: EnvVars = process.env): StrataConfig {
  const root = env.STRATA_ROOT ?? process.cwd();
  const configFile = locateConfigFile(env);
  const file: FileSettings = { file: configFile, settings: configFile ? loadSettingsSync(configFile, root) : {} };
  const projectDir = env.STRATA_PROJECT_DIR?.trim()
    ? path.resolve(root, env.STRATA_PROJECT_DIR.trim())
    : configFile && file.settings.projectDir !== undefined
      ? projectDirOf(configFile, file.settings.projectDir)
      : path.resolve(root, DEFAULT_PROJECT_DIR);
  const approvals = file.settings.approvals;
  const embedded = embeddedSettings(env, root);
  const auditHeadFile = path.resolve(root, env.STRATA_AUDIT_HEAD_FILE?.trim() || path.join(embedded.home, 'audit-head.json'));
  const backupDir = env.STRATA_BACKUP_DIR?.trim() ? path.resolve(root, env.STRATA_BACKUP_DIR.trim()) : null;
  const list = env.STRATA_ENVIRONMENTS?.trim();
  const fileEnvironments = file.settings.environments;
  if (!list && !fileEnvironments) {
    return {
      configFile,
      approvals,
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
      fleets: [demoFleet(embedded, env)],
    };
  }
  // The list of names is one key: STRATA_ENVIRONMENTS replaces the file's list (each name still finds its settings there).
  const names = list ? list.split(',').map((n) => n.trim()).filter(Boolean) : Object.keys(fileEnvironments ?? {});
  refuseSharedVariables(names);
  // An entry is one database or a fleet (lib/config/fleets.ts); fleets never land among the environments.
  const environments: Environment[] = [];
  const fleets: Fleet[] = [];
  for (const name of names) {
    const checked = envName.safeParse(name);
    if (!checked.success) throw new StrataError('BAD_USAGE', `STRATA_ENVIRONMENTS: "${name}": ${checked.error.issues[0]?.message}`);
    const entry: FleetEntry = { name, prefix: variablePrefix(name), fromFile: file.settings.environments?.[name] ?? {}, configFile, root };
    if (isFleetEntry(entry, env)) fleets.push(fleetOf(entry, env));
    else environments.push(externalEnvironment(name, env, file));
  }
  const consoleDatabaseUrl = env.STRATA_CONSOLE_DATABASE_URL || (file.settings.console ? variableOf(file, 'console.urlEnv', file.settings.console.urlEnv, env) : undefined);
  if (!consoleDatabaseUrl) {
    const why = list ? 'STRATA_ENVIRONMENTS is set' : `${displayPath(configFile!)} declares environments`;
    throw new StrataError('BAD_USAGE', `${why}, so STRATA_CONSOLE_DATABASE_URL must be set too${configFile ? ` (or console: { urlEnv } in ${displayPath(configFile)})` : ''}`);
  }
  parseDatabaseUrl(consoleDatabaseUrl);
  const shadowServerUrl = env.STRATA_SHADOW_DATABASE_URL || consoleDatabaseUrl;
  parseDatabaseUrl(shadowServerUrl);
  const consoleOwnerUrl = env.STRATA_CONSOLE_OWNER_URL?.trim() || null;
  if (consoleOwnerUrl) parseDatabaseUrl(consoleOwnerUrl);
  return { configFile, approvals, mode: 'external', projectDir, embedded, auditHeadFile, environments, fleets, consoleDatabaseUrl, consoleOwnerUrl, shadowServerUrl, backupDir };
}

/** The embedded demo's fleet: the tenant databases bootstrapDemo made from a template, found by discovery. */
function demoFleet(embedded: EmbeddedSettings, env: EnvVars): Fleet {
  const prefix = variablePrefix(DEMO_FLEET.name);
  return {
    name: DEMO_FLEET.name,
    protection: DEMO_FLEET.protection,
    source: { kind: 'databases', serverUrl: embeddedUrl(embedded, 'postgres'), pattern: DEMO_FLEET.pattern },
    backup: backupPolicyFromVariables(prefix, env, DEMO_FLEET.protection),
    ...lockRetriesFromVariables(prefix, env),
  };
}

/** An environment's settings, each from its STRATA_ENV_<NAME>_… variable when set, else from the config file, else the default. */
function externalEnvironment(name: string, env: EnvVars, file: FileSettings): Environment {
  const key = variablePrefix(name);
  const fromFile: EnvironmentSettings = file.settings.environments?.[name] ?? {};
  const url =
    env[`${key}_URL`] ||
    (fromFile.urlEnv !== undefined ? variableOf(file, `environments.${name}.urlEnv`, fromFile.urlEnv, env) : fromFile.url);
  if (!url) throw new StrataError('BAD_USAGE', `Environment "${name}" needs ${key}_URL${file.file ? ` (or urlEnv in ${displayPath(file.file)})` : ''}`);
  parseDatabaseUrl(url);
  // Unspecified protection is the safest level: a forgotten variable must not open production.
  const protection = (env[`${key}_PROTECTION`] ?? fromFile.protection ?? 'protected').trim();
  if (!protectionLevels.includes(protection as Protection)) {
    throw new StrataError('BAD_USAGE', `${key}_PROTECTION must be one of ${protectionLevels.join(', ')} (got "${protection}")`);
  }
  return {
    name,
    url,
    protection: protection as Protection,
    backup: backupPolicyFromVariables(key, env, protection as Protection, fromFile.backup),
    ...lockRetriesFromVariables(key, env, fromFile),
    ...replicationLagFromVariables(key, env, fromFile),
  };
}

/** The value of the variable a config file names (`urlEnv`); BAD_USAGE naming the file's key when it is unset. */
function variableOf(file: FileSettings, keyPath: string, variable: string, env: EnvVars): string {
  const value = env[variable]?.trim();
  if (!value) throw new StrataError('BAD_USAGE', `${displayPath(file.file!)}: ${keyPath}: the variable ${variable} is not set`);
  return value;
}

/** `STRATA_ENV_<NAME>_LOCK_RETRIES`, else the file's lockRetries: how often a change set that timed out waiting for a lock is tried again there. */
function lockRetriesFromVariables(prefix: string, env: EnvVars, fromFile: EnvironmentSettings = {}): Pick<Environment, 'lockRetries'> {
  const retries = wholeNumber(env[`${prefix}_LOCK_RETRIES`], `${prefix}_LOCK_RETRIES`, 0) ?? fromFile.lockRetries;
  return retries === undefined ? {} : { lockRetries: retries };
}

/** `STRATA_ENV_<NAME>_MAX_REPLICATION_LAG` (e.g. 10s, 500ms), else the file's maxReplicationLag: replay lag above which batched statements wait there. */
function replicationLagFromVariables(prefix: string, env: EnvVars, fromFile: EnvironmentSettings = {}): Pick<Environment, 'maxReplicationLagMs'> {
  const value = env[`${prefix}_MAX_REPLICATION_LAG`];
  if (value !== undefined && value.trim() !== '') return { maxReplicationLagMs: durationMs(value, `${prefix}_MAX_REPLICATION_LAG`) };
  return fromFile.maxReplicationLag === undefined ? {} : { maxReplicationLagMs: durationMs(fromFile.maxReplicationLag, 'maxReplicationLag') };
}

/** `a-b` and `a_b` would read the same STRATA_ENV_A_B_… variables: one environment's URL for both. */
function refuseSharedVariables(names: string[]): void {
  const byPrefix = new Map<string, string>();
  for (const name of names) {
    const prefix = variablePrefix(name);
    const other = byPrefix.get(prefix);
    if (other !== undefined && other !== name) throw new StrataError('BAD_USAGE', `Environments "${other}" and "${name}" would share the variables ${prefix}_…: rename one`);
    byPrefix.set(prefix, name);
  }
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

/**
 * The environment called `name`, or an error (UNKNOWN_ENVIRONMENT): a fleet's name is not a
 * single environment and says so; any other name lists the known environments and fleets.
 */
export function findEnvironment(config: StrataConfig, name: string): Environment {
  const found = configuredEnvironment(config, name);
  if (!found) {
    if (config.fleets?.some((f) => f.name === name)) {
      throw new StrataError('UNKNOWN_ENVIRONMENT', `"${name}" is a fleet, not a single environment: its targets are migrated by a rollout (strata rollout --env ${name})`);
    }
    throw new StrataError('UNKNOWN_ENVIRONMENT', `Unknown environment "${name}" (${knownNames(config)})`);
  }
  return found;
}

/** `known: local, staging, production; fleets: tenants`: what a name could have been, for errors about an unknown one. */
export function knownNames(config: StrataConfig): string {
  const fleets = config.fleets?.map((f) => f.name) ?? [];
  return `known: ${config.environments.map((e) => e.name).join(', ') || 'none'}${fleets.length ? `; fleets: ${fleets.join(', ')}` : ''}`;
}
