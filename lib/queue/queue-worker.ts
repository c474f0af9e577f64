import type { Runner, TaskList, WorkerUtils } from 'graphile-worker';
import { withConsole } from '../auth/console-db';
import type { StrataConfig } from '../config/environments';
import { engineLogger } from '../observability/logger';
import { queueLogger } from './queue-logger';
import { registerWorkerProcess, type WorkerProcess } from './worker-registry';

/** How often a worker looks for dead workers' locked jobs: a killed worker's target waits about this long. */
export const REAP_EVERY_MS = 3000;

export interface QueueWorker {
  /** Its console.queue_workers id (a rollout's driver). */
  processId: number;
  /** Stops taking jobs, waits for the running ones, then leaves the registry. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped (after stop(), or when its lock connection broke). */
  stopped: Promise<void>;
}

/** Slots that run only these tasks: a runner takes only jobs of its own task list (graphile-worker's getJob). */
export interface QueueLane {
  slots: number;
  tasks: TaskList;
}

/**
 * Runs jobs from the console database's queue: `slots` graphile-worker runners of one job
 * each, under worker ids registered beforehand (worker-registry.ts), sharing one small
 * pg pool; LISTEN/NOTIFY picks a new job up at once. Every few seconds it frees the jobs of
 * registered workers whose process is gone. With `lanes`, each lane's slots take only its
 * own tasks (so a rollout's thousand targets never keep a single operation waiting).
 */
export async function startQueueWorker(config: StrataConfig, options: ({ slots: number; tasks: TaskList } | { lanes: QueueLane[] }) & { reapEveryMs?: number }): Promise<QueueWorker> {
  const lanes = ('lanes' in options ? options.lanes : [{ slots: options.slots, tasks: options.tasks }]).filter((lane) => lane.slots > 0);
  const laneOfSlot = lanes.flatMap((lane) => Array.from({ length: lane.slots }, () => lane.tasks));
  if (laneOfSlot.length === 0) throw new Error('a queue worker needs at least one slot');
  await withConsole(config, async () => undefined); // the console and queue schemas, created or upgraded
  const { run, makeWorkerUtils } = await import('graphile-worker');
  const { Pool } = await import('pg');
  const log = engineLogger();
  const logger = await queueLogger();
  const pool = new Pool({ connectionString: config.consoleDatabaseUrl, max: laneOfSlot.length * 2 + 2, application_name: 'strata:queue' });
  pool.on('error', (error) => log.warn({ err: error.message }, 'queue pool connection lost'));
  let stopping: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let registry: WorkerProcess | null = null;
  const runners: Runner[] = [];
  let reaper: NodeJS.Timeout | null = null;
  let utils: WorkerUtils | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (reaper) clearInterval(reaper);
      await Promise.allSettled(runners.map((r) => r.stop()));
      if (utils) await Promise.resolve(utils.release()).catch(() => undefined);
      await registry?.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
      resolveStopped();
    })();
    return stopping;
  };
  registry = await registerWorkerProcess(config.consoleDatabaseUrl, laneOfSlot.length, (error) => {
    log.error({ err: error.message }, 'the queue worker lost its lock connection; it stops taking jobs');
    void stop();
  });
  utils = await makeWorkerUtils({ pgPool: pool, logger });
  try {
    for (const [slot, workerId] of registry.workerIds.entries()) {
      // run() honours workerId with concurrency 1 (graphile-worker's main.ts reads it from the raw options); its type omits it.
      const runnerOptions = { pgPool: pool, concurrency: 1, workerId, noHandleSignals: true, taskList: laneOfSlot[slot]!, parsedCronItems: [], logger, pollInterval: 2000 };
      runners.push(await run(runnerOptions));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const reap = async () => {
    try {
      const reaped = await registry!.reapDeadWorkers((ids) => utils!.forceUnlockWorkers(ids));
      if (reaped.length) log.info({ reaped }, 'freed the jobs of dead queue workers');
    } catch (error) {
      log.warn({ err: (error as Error).message }, 'looking for dead queue workers failed');
    }
  };
  await reap();
  reaper = setInterval(() => void reap(), options.reapEveryMs ?? REAP_EVERY_MS);
  return { processId: registry.id, stop, stopped };
}
