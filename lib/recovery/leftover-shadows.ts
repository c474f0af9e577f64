import { sweepShadowDatabases, SHADOW_MAX_AGE_MS } from '../migrate/shadow-database';
import type { RecoveryStep } from './recovery-step';

/**
 * Shadow databases (dry runs, drift checks, verify, docs) that a killed process never
 * dropped, on the shadow server. Only shadows born more than `olderThanMs` ago go (or
 * old-format ones nobody is connected to): a younger one may belong to a CLI running now.
 */
export function leftoverShadows(olderThanMs: number = SHADOW_MAX_AGE_MS): RecoveryStep {
  return {
    name: 'leftover shadow databases',
    urls: (config) => [config.shadowServerUrl],
    async run(config, logger) {
      const sweep = await sweepShadowDatabases(config.shadowServerUrl, { olderThanMs });
      for (const d of sweep.dropped) logger.info({ database: d.name, born_at: d.bornAt?.toISOString() ?? null }, 'leftover shadow database dropped');
      return {
        recovered: sweep.dropped.map((d) =>
          `Dropped leftover shadow database ${d.name} (${d.bornAt ? `created ${d.bornAt.toISOString()}` : 'old name format, nobody connected'})`,
        ),
        leftAlone: [
          ...sweep.inUse.map((name) => `Left shadow database ${name} alone: it has no creation time in its name and a session is connected to it`),
          ...sweep.failed.map((f) => `Could not drop leftover shadow database ${f.name}: ${f.reason}`),
        ],
      };
    },
  };
}
