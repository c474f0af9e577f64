import type { z } from 'zod';
import { readProject } from '../changesets/project';
import { withConsole } from '../auth/console-db';
import { loadConfig } from '../config/environments';
import { configuredFleet, type CheckOptions } from '../fleet/fleet-overview';
import { refreshInProgress, startRefresh } from '../fleet/fleet-refresher';
import { readFleetPage, readFleetSummary, type FleetPage, type FleetQuery, type FleetSummary } from '../fleet/fleet-summary';
import { fleetTargets } from '../fleet/fleet-targets';
import type { RefreshProgress } from '../fleet/fleet-overview';
import { readFleetRollouts } from '../fleet/rollout-history';
import { engineLogger } from '../observability/logger';
import { fleetRolloutsSchema } from './api-schemas';

/**
 * The console's view of its fleets: the fleet named from configuration (never from the
 * browser), its overview served from the cache at once, and a refresh of stale targets
 * started in the background — the answer says how far it has got, and the page polls.
 */

/** Resolves a fleet by name: NOT_FOUND for a name the configuration does not have. */
export function fleetContext(name: string, actor: string): CheckOptions {
  const config = loadConfig();
  const fleet = configuredFleet(config, name);
  return { config, fleet, project: readProject(config.projectDir), logger: engineLogger(), actor };
}

export interface FleetAnswer extends FleetPage {
  /** The refresh running in this console process, if any. */
  refreshing: RefreshProgress | null;
  /** The fleet's latest rollouts, newest first (read-only here; `strata rollout` starts them). */
  rollouts: FleetRollouts;
}

export type FleetRollouts = z.infer<typeof fleetRolloutsSchema>;

/** The summary and a page of targets; starts a refresh of stale rows (of all rows with `force`). */
export async function fleetOverview(options: CheckOptions, query: FleetQuery, force = false): Promise<FleetAnswer> {
  const names = (await fleetTargets(options.fleet)).map((t) => t.name);
  await startRefresh(options, force);
  const page = await readFleetPage(options.config, options.fleet, options.project, names, query);
  const rollouts = fleetRolloutsSchema.parse(await withConsole(options.config, (sql) => readFleetRollouts(sql, options.fleet.name)));
  return { ...page, refreshing: refreshInProgress(options.fleet.name), rollouts };
}

/** The home page's card: counts only, a refresh of stale rows started as for the page. */
export async function fleetCard(options: CheckOptions): Promise<FleetSummary & { refreshing: RefreshProgress | null }> {
  const names = (await fleetTargets(options.fleet)).map((t) => t.name);
  await startRefresh(options);
  const summary = await readFleetSummary(options.config, options.fleet, options.project, names);
  return { ...summary, refreshing: refreshInProgress(options.fleet.name) };
}
