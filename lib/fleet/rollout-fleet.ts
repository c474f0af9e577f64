import fs from 'node:fs';
import path from 'node:path';
import type { StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { parseFleetUrls } from './fleet-file';
import type { Fleet } from './types';

/**
 * The fleet a rollout targets, resolved again by every job from where it came from — a
 * configured fleet by name, or the CLI's --fleet-file by its path — because target URLs
 * carry passwords and are never stored in the console database. The file's path (not its
 * contents) is kept: every worker must be able to read it at that path, and an edited file
 * changes which targets the next job finds (a target that left it fails, named).
 */
export function fleetOfFile(file: string): Fleet {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new StrataError('BAD_USAGE', `Cannot read the fleet file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  // As h-fleetcfg's fleetFromFile (lib/fleet/resolve-fleet.ts on main), which replaces this at
  // merge: a bare fleet is guarded and named after its file, e.g. `tenants.txt/<target>` in histories.
  return { name: path.basename(absolute), protection: 'guarded', source: { kind: 'urls', urls: parseFleetUrls(text, file) } };
}

/**
 * A configured fleet by name. h-fleetcfg's `resolveFleetOption` (configuration, `--env FLEET`)
 * replaces this lookup at merge; until then a fleet exists only if config.fleets lists it.
 */
export function configuredFleet(config: StrataConfig, name: string): Fleet {
  const fleet = config.fleets?.find((f) => f.name === name);
  if (!fleet) {
    const known = (config.fleets ?? []).map((f) => f.name);
    throw new StrataError('UNKNOWN_ENVIRONMENT', `Unknown fleet "${name}"${known.length ? ` (fleets: ${known.join(', ')})` : ' (no fleet is configured; use --fleet-file FILE)'}`);
  }
  return fleet;
}

/** The fleet of a stored rollout. */
export function rolloutFleet(config: StrataConfig, rollout: { fleet: string; fleetFile: string | null }): Fleet {
  return rollout.fleetFile ? fleetOfFile(rollout.fleetFile) : configuredFleet(config, rollout.fleet);
}
