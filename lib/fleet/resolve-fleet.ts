import fs from 'node:fs';
import path from 'node:path';
import { configuredEnvironment, knownNames, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { displayPath } from '../project/load-project';
import { parseFleetUrls } from './fleet-file';
import { fleetTargets } from './fleet-targets';
import type { Fleet, FleetTarget } from './types';

/** The flags that pick a fleet on the CLI: a configured one (--env) or a file of bare URLs (--fleet-file). */
export interface FleetOptions {
  env?: string;
  fleetFile?: string;
  /** Refused: one database is not a fleet. Taken so that the message can say so. */
  databaseUrl?: string;
}

/** A fleet and its targets as they are now (a discovery fleet is looked up on its server). */
export interface ResolvedFleet {
  fleet: Fleet;
  targets: FleetTarget[];
}

/**
 * A bare fleet (`--fleet-file`) is guarded: no seed or reset on databases nobody declared, and
 * no two-person approval either, since nobody declared them protected (as with --database-url).
 */
const BARE_FLEET_PROTECTION = 'guarded';

/**
 * The fleet called `name` (UNKNOWN_ENVIRONMENT otherwise): a single environment's name says
 * that it is one, and which commands take it; any other name lists the known environments and fleets.
 */
export function findFleet(config: StrataConfig, name: string): Fleet {
  const found = config.fleets?.find((f) => f.name === name);
  if (found) return found;
  if (configuredEnvironment(config, name)) {
    throw new StrataError('UNKNOWN_ENVIRONMENT', `"${name}" is a single environment, not a fleet: give it to apply, status, plan, … as --env ${name}${fleetList(config)}`);
  }
  throw new StrataError('UNKNOWN_ENVIRONMENT', `Unknown fleet "${name}" (${knownNames(config)})`);
}

/**
 * The fleet a fleet command (rollout, status of a fleet, …) acts on: `--env FLEET`, or
 * `--fleet-file FILE` (one URL per line, parseFleetUrls; the fleet is named after the file).
 * Every refusal is UNKNOWN_ENVIRONMENT or BAD_USAGE naming the flag, before anything connects
 * to a target (a discovery fleet connects to its server to list them).
 */
export async function resolveFleetOption(options: FleetOptions, config: StrataConfig): Promise<ResolvedFleet> {
  const fleet = fleetOf(options, config);
  return { fleet, targets: await fleetTargets(fleet) };
}

/** The fleet the options name, without looking up its targets. */
export function fleetOf(options: FleetOptions, config: StrataConfig): Fleet {
  if (options.databaseUrl) throw new StrataError('BAD_USAGE', `--database-url names one database, not a fleet: give --env FLEET or --fleet-file FILE${fleetList(config)}`);
  if (options.env && options.fleetFile) throw new StrataError('BAD_USAGE', 'Give --env FLEET or --fleet-file FILE, not both');
  if (options.env) return findFleet(config, options.env);
  if (options.fleetFile) return fleetFromFile(options.fleetFile);
  throw new StrataError('BAD_USAGE', `Which fleet? Give --env FLEET or --fleet-file FILE${fleetList(config)}`);
}

/** A bare fleet from a file of URLs, named after the file. */
export function fleetFromFile(file: string): Fleet {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new StrataError('BAD_USAGE', `--fleet-file: cannot read ${displayPath(resolved)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return { name: path.basename(resolved), protection: BARE_FLEET_PROTECTION, source: { kind: 'urls', urls: parseFleetUrls(text, displayPath(resolved)) } };
}

/**
 * The refusal when a command that acts on one database is given a fleet's name (`strata apply
 * --env tenants`): it says what the fleet's targets are migrated with instead.
 */
export function fleetGivenForEnvironment(config: StrataConfig, name: string, command?: string): StrataError | null {
  if (!config.fleets?.some((f) => f.name === name)) return null;
  const what = command ? `\`strata ${command}\` acts on one database` : 'this acts on one database';
  return new StrataError('UNKNOWN_ENVIRONMENT', `"${name}" is a fleet, not a single environment: ${what}; migrate the fleet with \`strata rollout --env ${name}\``);
}

function fleetList(config: StrataConfig): string {
  const fleets = config.fleets?.map((f) => f.name) ?? [];
  return fleets.length ? ` (fleets: ${fleets.join(', ')})` : ' (no fleet is configured)';
}
