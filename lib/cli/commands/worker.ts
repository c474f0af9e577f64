import { withConsole } from '../../auth/console-db';
import { loadConfig } from '../../config/environments';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { StrataError } from '../../errors';
import { engineLogger } from '../../observability/logger';
import { queueTasks } from '../../queue/queue-tasks';
import { startQueueWorker } from '../../queue/queue-worker';
import { defineCommand, valueFlag } from '../command';

export const DEFAULT_WORKER_CONCURRENCY = 4;

export const workerCommand = defineCommand({
  name: 'worker',
  summary: "run jobs from the console database's queue (operations, rollout targets) until stopped  [--concurrency N]",
  usage: ['strata worker [--concurrency N]'],
  description: `Runs jobs from the job queue in the console database (graphile-worker) — the console's
operations (apply, rollback, dry run, seed, restore, rehearsal, request execution) and rollout
targets — until SIGINT or SIGTERM, then finishes the jobs it runs and stops. Any number of workers, on any host that
reaches the console database and the targets, share the jobs. A worker killed outright is
noticed by the others within seconds (its advisory lock is gone), and its jobs run again.`,
  flags: {
    concurrency: valueFlag('N', `jobs run at once by this process (default ${DEFAULT_WORKER_CONCURRENCY})`),
  },
  async run(options) {
    const slots = options.concurrency === undefined ? DEFAULT_WORKER_CONCURRENCY : Number(options.concurrency);
    if (!/^\d+$/.test(options.concurrency ?? '1') || !(slots >= 1 && slots <= 64)) throw new StrataError('BAD_USAGE', `--concurrency takes a whole number from 1 to 64 (got "${options.concurrency}")`);
    const config = loadConfig();
    const log = engineLogger();
    const embedded = await ensureEmbeddedRunning(config, log);
    try {
      await withConsole(config, async () => undefined);
      const worker = await startQueueWorker(config, { slots, tasks: queueTasks(config) });
      log.info({ worker: worker.processId, slots }, 'queue worker running; SIGINT or SIGTERM stops it');
      let signal: string | null = null;
      await Promise.race([
        worker.stopped,
        new Promise<void>((resolve) => {
          const stop = (s: string) => {
            signal = s;
            resolve();
          };
          process.once('SIGINT', () => stop('SIGINT'));
          process.once('SIGTERM', () => stop('SIGTERM'));
        }),
      ]);
      await worker.stop();
      if (!signal) return { code: 1, text: `Worker ${worker.processId} stopped: its console connection broke.`, json: { worker: worker.processId, stopped: 'connection lost' } };
      return { code: 0, text: `Worker ${worker.processId} stopped (${signal}) after finishing its jobs.`, json: { worker: worker.processId, stopped: signal } };
    } finally {
      await embedded?.stop();
    }
  },
});
