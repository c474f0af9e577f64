import fs from 'node:fs';
import path from 'node:path';
import { StrataError } from '../errors';
import { parseDatabaseUrl } from '../db/connection-url';
import { parseFleetUrls } from '../fleet/fleet-file';
import { backupPolicyFromVariables, wholeNumber } from '../backup/policy';
import { displayPath } from '../project/load-project';
import type { EnvironmentSettings } from '../project/define-project';
import type { EnvVars } from './embedded-settings';
import { protectionLevels, type Fleet, type FleetSource, type Protection } from './types';

/*
 * Fleet entries of the configuration (README, "Fleets"): a name in STRATA_ENVIRONMENTS (or
 * under `environments` in strata.config.ts) that stands for many databases. loadConfig puts
 * them in config.fleets, never in config.environments, so nothing that acts on one database
 * can be handed a fleet by mistake.
 */

/** The variables that make an entry a fleet, each one source of its targets. */
const FLEET_VARIABLES = ['URLS', 'URLS_FILE', 'DISCOVER_DATABASES', 'DISCOVER_SCHEMAS'] as const;

/** Where an entry's file settings came from, for messages naming the file and the key. */
export interface FleetEntry {
  name: string;
  /** STRATA_ENV_<NAME>: the prefix of the entry's own variables. */
  prefix: string;
  /** The entry's settings in the config file ({} without one). */
  fromFile: EnvironmentSettings;
  /** The config file, or null. */
  configFile: string | null;
  /** Where relative paths in variables are resolved (STRATA_ROOT or the working directory). */
  root: string;
}

/** Whether the entry is a fleet: one of its fleet variables is set, or the file gives it `fleet`. */
export function isFleetEntry(entry: FleetEntry, env: EnvVars): boolean {
  return fleetVariablesSet(entry.prefix, env).length > 0 || entry.fromFile.fleet !== undefined;
}

/**
 * The fleet an entry declares: its source (a variable set wins over the file), then the
 * protection, backup policy and lock retries that apply to every target, read as a single
 * environment's are. Unset protection is `protected`, the safest level, as for an environment.
 */
export function fleetOf(entry: FleetEntry, env: EnvVars): Fleet {
  const { name, prefix, fromFile } = entry;
  const source = fleetSource(entry, env);
  const protection = (env[`${prefix}_PROTECTION`] ?? fromFile.protection ?? 'protected').trim();
  if (!protectionLevels.includes(protection as Protection)) {
    throw new StrataError('BAD_USAGE', `${prefix}_PROTECTION must be one of ${protectionLevels.join(', ')} (got "${protection}")`);
  }
  if (env[`${prefix}_MAX_REPLICATION_LAG`]?.trim()) throw new StrataError('BAD_USAGE', `${prefix}_MAX_REPLICATION_LAG is not supported on a fleet ("${name}")`);
  const lockRetries = wholeNumber(env[`${prefix}_LOCK_RETRIES`], `${prefix}_LOCK_RETRIES`, 0) ?? fromFile.lockRetries;
  return {
    name,
    protection: protection as Protection,
    source,
    backup: backupPolicyFromVariables(prefix, env, protection as Protection, fromFile.backup),
    ...(lockRetries === undefined ? {} : { lockRetries }),
  };
}

function fleetVariablesSet(prefix: string, env: EnvVars): string[] {
  return FLEET_VARIABLES.map((suffix) => `${prefix}_${suffix}`).filter((variable) => env[variable]?.trim());
}

function fleetSource(entry: FleetEntry, env: EnvVars): FleetSource {
  const { name, prefix, fromFile, configFile } = entry;
  const set = fleetVariablesSet(prefix, env);
  if (set.length > 1) throw new StrataError('BAD_USAGE', `${set.join(' and ')} are all set: fleet "${name}" takes its targets from one of them`);
  const schemas = schemaFleetSource(entry, env, set);
  if (schemas) return schemas;
  const single = fromFile.urlEnv !== undefined ? 'urlEnv' : fromFile.url !== undefined ? 'url' : null;
  if (set.length === 1 && single) {
    throw new StrataError('BAD_USAGE', `"${name}" cannot be both a fleet and one database: ${set[0]} makes it a fleet, ${displayPath(configFile!)} gives it ${single}`);
  }
  const fleetFile = fromFile.fleet;
  const at = (key: string) => `${displayPath(configFile!)}: environments.${name}.fleet.${key}`;
  const discovers = set[0] === `${prefix}_DISCOVER_DATABASES` || (set.length === 0 && fleetFile?.discover !== undefined);
  // With discovery, STRATA_ENV_<NAME>_URL is the server it runs on; with a list it could only mean a second kind of entry.
  if (!discovers && env[`${prefix}_URL`]?.trim()) {
    throw new StrataError('BAD_USAGE', `"${name}" cannot be both a fleet and one database: ${set[0] ?? at(fleetFile?.urlsEnv ? 'urlsEnv' : 'urlsFile')} lists its targets, and ${prefix}_URL is set too`);
  }
  if (discovers) {
    const pattern = env[`${prefix}_DISCOVER_DATABASES`]?.trim() || fleetFile!.discover!.databases;
    const serverUrl =
      env[`${prefix}_URL`]?.trim() || (fleetFile?.discover ? variableOf(at('discover.serverUrlEnv'), fleetFile.discover.serverUrlEnv, env) : undefined);
    if (!serverUrl) throw new StrataError('BAD_USAGE', `Fleet "${name}" discovers its databases (${prefix}_DISCOVER_DATABASES), so ${prefix}_URL must name the server to look on`);
    parseDatabaseUrl(serverUrl);
    return { kind: 'databases', serverUrl, pattern };
  }
  if (set[0] === `${prefix}_URLS`) return { kind: 'urls', urls: urlList(env[`${prefix}_URLS`]!, `${prefix}_URLS`) };
  if (set[0] === `${prefix}_URLS_FILE`) return { kind: 'urls', urls: urlsFromFile(path.resolve(entry.root, env[`${prefix}_URLS_FILE`]!.trim()), `${prefix}_URLS_FILE`) };
  if (fleetFile?.urlsEnv !== undefined) return { kind: 'urls', urls: urlList(variableOf(at('urlsEnv'), fleetFile.urlsEnv, env), fleetFile.urlsEnv) };
  return { kind: 'urls', urls: urlsFromFile(path.resolve(path.dirname(configFile!), fleetFile!.urlsFile!), at('urlsFile')) };
}

/**
 * A schema-per-tenant fleet (STRATA_ENV_<NAME>_DISCOVER_SCHEMAS, or `fleet: { schemas }` in the
 * file): the LIKE pattern on schema names, and the one database they are in — STRATA_ENV_<NAME>_URL,
 * else the entry's urlEnv or url in the file. Null when the entry is another kind of fleet.
 */
function schemaFleetSource(entry: FleetEntry, env: EnvVars, set: string[]): FleetSource | null {
  const { name, prefix, fromFile, configFile } = entry;
  const fromVariable = set[0] === `${prefix}_DISCOVER_SCHEMAS`;
  if (!fromVariable && !(set.length === 0 && fromFile.fleet?.schemas !== undefined)) return null;
  const pattern = fromVariable ? env[`${prefix}_DISCOVER_SCHEMAS`]!.trim() : fromFile.fleet!.schemas!;
  const url =
    env[`${prefix}_URL`]?.trim() ||
    (fromFile.urlEnv !== undefined ? variableOf(`${displayPath(configFile!)}: environments.${name}.urlEnv`, fromFile.urlEnv, env) : fromFile.url);
  if (!url) throw new StrataError('BAD_USAGE', `Fleet "${name}" is schema-per-tenant (its targets are schemas matching ${JSON.stringify(pattern)}), so ${prefix}_URL must name the database they are in`);
  parseDatabaseUrl(url);
  return { kind: 'schemas', url, pattern };
}

/** URLs separated by commas or whitespace (a variable's value); errors say `<VARIABLE>:<n>` for the n-th URL. */
function urlList(value: string, variable: string): string[] {
  return parseFleetUrls(value.split(/[\s,]+/).filter(Boolean).join('\n'), variable);
}

/** A fleet file's URLs; a file that cannot be read is BAD_USAGE naming it and who named it. */
function urlsFromFile(file: string, namedBy: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StrataError('BAD_USAGE', `${namedBy}: cannot read ${displayPath(file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseFleetUrls(text, displayPath(file));
}

/** The value of a variable the config file names; BAD_USAGE naming the file's key when it is unset. */
function variableOf(keyPath: string, variable: string, env: EnvVars): string {
  const value = env[variable]?.trim();
  if (!value) throw new StrataError('BAD_USAGE', `${keyPath}: the variable ${variable} is not set`);
  return value;
}
