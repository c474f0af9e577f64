import { readProject } from '../changesets/project';
import { configuredEnvironment } from '../config/environments';
import type { StrataConfig } from '../config/environments';
import { recoverOperations, type HistoryReader } from '../console/operations';
import { readTarget } from '../migrate/read-status';
import type { RecoveryStep } from './recovery-step';

/**
 * Operations a stopped console left `running`: marked interrupted, each with what its
 * environment's history says happened after it started, so its page tells the truth.
 */
export function interruptedOperations(): RecoveryStep {
  return {
    name: 'operations left running',
    urls: (config) => [config.consoleDatabaseUrl, ...config.environments.map((e) => e.url)],
    async run(config, logger) {
      const found = await recoverOperations(config, environmentHistory(config));
      const interrupted = found.filter((f) => f.outcome === 'interrupted');
      for (const f of interrupted) logger.warn({ operation: f.id, env: f.environment, history: f.history.length }, 'operation left running marked interrupted');
      return {
        recovered: interrupted.map((f) => `Marked operation #${f.id} (${f.environment}) interrupted: ${f.history.length ? f.history.map((h) => `${h.tag} ${h.status}`).join(', ') : 'its history shows nothing it changed'}`),
        leftAlone: found
          .filter((f) => f.outcome !== 'interrupted')
          .map((f) =>
            f.outcome === 'queued'
              ? `Left operation #${f.id} (${f.environment}) queued: a worker runs it when one takes it`
              : `Left operation #${f.id} (${f.environment}) running: ${f.outcome === 'running' ? 'its process is alive' : 'it runs on another host'}`,
          ),
      };
    },
  };
}

/** An environment's history rows by its name in `config` (none for a name no longer configured). */
export function environmentHistory(config: StrataConfig): HistoryReader {
  return async (environment) => {
    const env = configuredEnvironment(config, environment);
    return env ? (await readTarget(env.url, readProject(config.projectDir))).history : [];
  };
}
