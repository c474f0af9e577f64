import { recoverStuckRequests } from '../console/change-requests';
import type { RecoveryStep } from './recovery-step';

/**
 * Change requests left `executing` by a process that died half-way: marked failed with the
 * reason (their executor no longer holds the target's lock), so the approvals page stops
 * showing them as running and nobody waits on them.
 */
export function stuckRequests(): RecoveryStep {
  return {
    name: 'requests left executing',
    urls: (config) => [config.consoleDatabaseUrl, ...config.environments.map((e) => e.url)],
    async run(config, logger) {
      const found = await recoverStuckRequests(config);
      for (const r of found.filter((f) => f.outcome === 'failed')) logger.warn({ request: r.id, env: r.environment }, 'request left executing marked failed');
      return {
        recovered: found.filter((r) => r.outcome === 'failed').map((r) => `Marked request #${r.id} (${r.environment}) failed: ${r.detail}`),
        leftAlone: found.filter((r) => r.outcome !== 'failed').map((r) => `Left request #${r.id} (${r.environment}) executing: ${r.detail}`),
      };
    },
  };
}
