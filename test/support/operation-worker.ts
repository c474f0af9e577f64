import type { StrataConfig } from '../../lib/config/environments';
import { operationTasks } from '../../lib/console/operation-jobs';
import { startQueueWorker, type QueueWorker } from '../../lib/queue/queue-worker';

/**
 * A queue worker in the test's process with the real operation runners — what `npm start`
 * and `strata worker` run — for tests that start operations through the console's start
 * functions: the operation is recorded, then run by this worker.
 */
export function operationWorker(config: StrataConfig, slots = 2): Promise<QueueWorker> {
  return startQueueWorker(config, { slots, tasks: operationTasks(config) });
}
