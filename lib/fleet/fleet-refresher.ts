import { failureReason } from '../db/client';
import { StrataError } from '../errors';
import { engineLogger } from '../observability/logger';
import { refreshFleet, type CheckOptions, type RefreshProgress } from './fleet-overview';

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
  promise: Promise<void>;
  progress: RefreshProgress;
}

const registryKey = Symbol.for('strata.fleet-refreshes');
function running(): Map<string, Running> {
  const g = globalThis as unknown as Record<symbol, Map<string, Running> | undefined>;
  g[registryKey] ??= new Map();
  return g[registryKey]!;
}

/** The refresh of this fleet running in this process, if any. */
export function refreshInProgress(fleet: string): RefreshProgress | null {
  const r = running().get(fleet);
  return r ? { ...r.progress } : null;
}

/**
 * Starts a refresh of the fleet (stale rows only; every row with `force`) unless one is
 * running, and answers its promise. Failures (the fleet's discovery server down, the
 * console database gone) are logged: the page keeps serving the rows it has.
 */
export function startRefresh(options: CheckOptions, force = false): Promise<void> {
  const map = running();
  const name = options.fleet.name;
  const existing = map.get(name);
  if (existing) return existing.promise;
  const entry: Running = { progress: { done: 0, total: 0, startedAt: new Date().toISOString() }, promise: Promise.resolve() };
  entry.promise = refreshFleet(options, { force, maxAgeSeconds: fleetCacheSeconds(), onProgress: (p) => (entry.progress = p) })
    .then(
      () => undefined,
      (error: unknown) => engineLogger().warn({ fleet: name, error: failureReason(error) }, 'fleet overview refresh failed'),
    )
    .finally(() => map.delete(name));
  map.set(name, entry);
  return entry.promise;
}
