import type { StrataConfig } from '../config/environments';
import { fleetFromFile, findFleet } from './resolve-fleet';
import type { Fleet } from './types';

/**
 * The fleet of a stored rollout, resolved again by every job from where it came from — a
 * configured fleet by name, or the CLI's --fleet-file by its path — because target URLs
 * carry passwords and are never stored in the console database. The file's path (not its
 * contents) is kept: every worker must be able to read it at that path, and an edited file
 * changes which targets the next job finds (a target that left it fails, named).
 */
export function rolloutFleet(config: StrataConfig, rollout: { fleet: string; fleetFile: string | null }): Fleet {
  return rollout.fleetFile ? fleetFromFile(rollout.fleetFile) : findFleet(config, rollout.fleet);
}
