import type { TaskList } from 'graphile-worker';
import type { StrataConfig } from '../config/environments';
import { environmentHistory } from '../recovery/interrupted-operations';
import { executeOperation } from './operation-execution';
import { OPERATION_RUNNERS, type OperationRunners } from './operation-runners';
import { OPERATION_JOB } from './operations';

/** The job a queue worker runs for a recorded operation (lib/queue/queue-worker.ts takes it in its task list). */
export function operationTasks(config: StrataConfig, runners: OperationRunners = OPERATION_RUNNERS): TaskList {
  const readHistory = environmentHistory(config);
  return {
    [OPERATION_JOB]: async (payload) => {
      const { id } = payload as { id: number };
      // Never throws for the work's sake: its outcome is on the record. Only a console
      // database that cannot be reached throws, and the queue tries the job again.
      await executeOperation(config, Number(id), readHistory, runners);
    },
  };
}
