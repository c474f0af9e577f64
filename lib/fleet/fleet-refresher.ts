import { failureReason } from '../db/client';
import { StrataError } from '../errors';
import { engineLogger } from '../observability/logger';
import { planRefresh, readStaleTargets, type CheckOptions, type RefreshProgress } from './fleet-overview';

/**
 * Refreshes of the fleet overview's cache started by the console, one per fleet per
 * process at a time: a page view finds its fleet stale, starts a refresh and answers at
 * once from the cache with the refresh's progress; the next poll sees the rows it wrote.
 * Concurrent viewers share the running refresh instead of reading every target again.
 */

export const DEFAULT_FLEET_CACHE_SECONDS = 120;

/** STRATA_FLEET_CACHE_SECONDS: how old a target's row may be before a page view reads the target again. */
export function fleetCacheSeconds(env: Record<string, string | undefined> = process.env): number {
  const raw = env.STRATA_FLEET_CACHE_SECONDS?.trim();
  if (raw === undefined || raw === '') return DEFAULT_FLEET_CACHE_SECONDS;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new StrataError('BAD_USAGE', `STRATA_FLEET_CACHE_SECONDS must be a whole number of seconds, 1 or more (got "${raw.slice(0, 20)}")`);
  }
  return seconds;
}

interface Running {
  /** Settles once the stale targets are known (with the plan, or with the failure to make it). */
  planned: Promise<void>;
  /** Null until planned; the reading's progress after. */
  progress: RefreshProgress | null;
  promise: Promise<void>;
}

const registryKey = Symbol.for('strata.fleet-refreshes');
function running(): Map<string, Running> {
  const g = globalThis as unknown as Record<symbol, Map<string, Running> | undefined>;
  g[registryKey] ??= new Map();
  return g[registryKey]!;
}

/** The refresh of this fleet running in this process and reading targets, if any. */
export function refreshInProgress(fleet: string): RefreshProgress | null {
  const progress = running().get(fleet)?.progress;
  return progress ? { ...progress } : null;
}

/**
 * Starts a refresh of the fleet (stale rows only; every row with `force`) unless one is
 * running, and resolves once it knows which targets it reads — so an answer given right
 * after says `refreshing` only when targets are really being read, and a refresh with
 * nothing to read is over by then. The reading goes on in the background; failures (the
 * fleet's discovery server down, the console database gone) are logged, and the page keeps
 * serving the rows it has.
 */
export async function startRefresh(options: CheckOptions, force = false): Promise<void> {
  const map = running();
  const name = options.fleet.name;
  const existing = map.get(name);
  if (existing) return existing.planned;
  const entry: Running = { planned: Promise.resolve(), progress: null, promise: Promise.resolve() };
  const plan = planRefresh(options, { force, maxAgeSeconds: fleetCacheSeconds() });
  const logFailure = (error: unknown) => engineLogger().warn({ fleet: name, error: failureReason(error) }, 'fleet overview refresh failed');
  entry.promise = plan
    .then((p) => {
      if (p.stale.length === 0) return;
      entry.progress = { done: 0, total: p.stale.length, startedAt: new Date().toISOString() };
      return readStaleTargets(options, p, (progress) => (entry.progress = progress)).then(() => undefined);
    })
    .then(() => undefined, logFailure)
    .finally(() => {
      if (map.get(name) === entry) map.delete(name);
    });
  entry.planned = plan.then(
    (p) => {
      // Nothing to read: over before anyone is told it runs.
      if (p.stale.length === 0 && map.get(name) === entry) map.delete(name);
    },
    () => undefined,
  );
  map.set(name, entry);
  return entry.planned;
}

/** The whole refresh running for this fleet (tests, and callers that must wait for the rows). */
export function refreshDone(fleet: string): Promise<void> {
  return running().get(fleet)?.promise ?? Promise.resolve();
}
