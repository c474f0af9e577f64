import packageJson from '../../package.json';
import type { EnvironmentHealth } from './environment-health';

/** Strata's own version, as package.json names it. */
export const STRATA_VERSION: string = packageJson.version;

/**
 * What GET /api/health tells a caller who is not signed in (a load balancer, a status
 * page): whether each environment answers, its schema version and how many change sets
 * wait. No error text, no protection level, no timings: those are for signed-in people.
 */
export interface PublicHealth {
  status: 'ok' | 'degraded';
  version: string;
  environments: Array<{ name: string; status: 'ok' | 'unreachable'; schemaVersion: string | null; pending: number }>;
}

export function publicHealth(environments: readonly EnvironmentHealth[]): PublicHealth {
  return {
    status: healthStatus(environments),
    version: STRATA_VERSION,
    environments: environments.map((e) => ({
      name: e.name,
      status: e.reachable ? 'ok' : 'unreachable',
      schemaVersion: e.schemaVersion,
      pending: e.pending,
    })),
  };
}

/** `degraded` (HTTP 503) when any environment does not answer. */
export function healthStatus(environments: readonly EnvironmentHealth[]): 'ok' | 'degraded' {
  return environments.some((e) => !e.reachable) ? 'degraded' : 'ok';
}

/** What GET /api/metrics answers when the metrics cannot be computed: a Prometheus comment, never the error. */
export const METRICS_FAILED_BODY = '# Strata metrics could not be computed; see the server log.\n';
