import type { TaskList } from 'graphile-worker';
import type { StrataConfig } from '../config/environments';
import { operationTasks } from '../console/operation-jobs';
import { rolloutTasks } from '../fleet/rollout-jobs';
import type { QueueLane } from './queue-worker';

/**
 * Every job a Strata queue worker runs — a rollout's targets and single-environment
 * operations alike: one way work is executed, whether it targets one database or a thousand.
 */
export function queueTasks(config: StrataConfig): TaskList {
  return { ...rolloutTasks(config), ...operationTasks(config) };
}

/**
 * A worker's slots as lanes: `rollouts` slots for rollout targets and `operations` slots for
 * single-environment operations, so a rollout of a thousand targets never keeps an apply
 * someone just clicked waiting, and operations waiting on a lock never starve a rollout.
 */
export function queueLanes(config: StrataConfig, slots: { rollouts: number; operations: number }): QueueLane[] {
  return [
    { slots: slots.rollouts, tasks: rolloutTasks(config) },
    { slots: slots.operations, tasks: operationTasks(config) },
  ].filter((lane) => lane.slots > 0);
}
