import { withConsole } from '../auth/console-db';
import type { StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { engineLogger } from '../observability/logger';
import { rebuildWork, OPERATION_RUNNERS, type OperationRunners } from './operation-runners';
import { EXECUTOR, executorAlive, getOperation, interruptOperation, runOperationWork, type HistoryReader } from './operations';

/**
 * A queue worker's side of an operation (the job `strata_operation`, payload {id}): it claims
 * the record — sets its executor to this process, once — rebuilds the work from it and runs it,
 * reporting to the row. The queue may hand a job out again: when the worker that took it was
 * killed (its jobs are freed, lib/queue/worker-registry.ts), or after a failure to record the
 * end. A job whose operation already has an executor therefore started once already and is
 * NOT run again blindly — what it did may be half done: it is marked interrupted with what
 * the environment's history shows. One that never started (no executor) simply runs; one that
 * has ended (or was recovered meanwhile), or whose executor is a process of this host still
 * alive, is left as it is.
 */
export type ExecutionOutcome = 'ran' | 'interrupted' | 'ended-already' | 'running-elsewhere' | 'missing';

export async function executeOperation(
  config: StrataConfig,
  id: number,
  readHistory: HistoryReader,
  runners: OperationRunners = OPERATION_RUNNERS,
): Promise<ExecutionOutcome> {
  // The claim is one conditional update: two workers given the same job never both run it.
  const [claimed] = await withConsole(config, (sql) => sql`
    update console.operations set executor = ${EXECUTOR}, updated_at = now()
    where id = ${id} and state = 'running' and executor is null
    returning id`);
  if (!claimed) return settleUnclaimed(config, id, readHistory);
  // Claimed: from here on the record ends, whatever happens (runOperationWork never throws).
  const record = await getOperation(config, id).catch(() => null);
  const { work, verdict } = record
    ? rebuildWork(config, record, runners)
    : { work: () => Promise.reject(new StrataError('CONNECTION_FAILED', `Operation #${id} could not be read from the console database`)), verdict: undefined };
  await runOperationWork(config, id, work, verdict);
  return 'ran';
}

async function settleUnclaimed(config: StrataConfig, id: number, readHistory: HistoryReader): Promise<ExecutionOutcome> {
  const current = await getOperation(config, id);
  if (!current) return 'missing';
  if (current.state !== 'running') return 'ended-already';
  // Its process is alive (on this host): it is running, not lost.
  if (current.executor !== null && executorAlive(current.executor) === true) return 'running-elsewhere';
  engineLogger().warn({ operation: id, executor: current.executor }, 'an operation started by a worker that is gone was handed out again: marked interrupted, not re-run');
  await interruptOperation(config, current, readHistory, 'the worker running it');
  return 'interrupted';
}
