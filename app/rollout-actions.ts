'use server';

import { enterActionDoor, Door } from './guard';
import { openRolloutRequest, openRolloutRequestExecution, openRolloutStart, openRolloutStep, type FiledAnswer, type SteerAnswer } from './rollout-doors';

/**
 * The server actions the fleet page starts and steers rollouts with: the same doors as
 * POST /api/fleets/{name}/rollouts and …/rollouts/{id}/pause|resume|retry-failed.
 */

export async function startRolloutAction(fleet: string, input: unknown): Promise<SteerAnswer> {
  const door = await enterActionDoor('start rollout');
  return door instanceof Door ? openRolloutStart(door, fleet, input) : door;
}

export async function pauseRolloutAction(fleet: string, id: number): Promise<SteerAnswer> {
  const door = await enterActionDoor('pause rollout');
  return door instanceof Door ? openRolloutStep(door, fleet, id, 'pause') : door;
}

export async function resumeRolloutAction(fleet: string, id: number): Promise<SteerAnswer> {
  const door = await enterActionDoor('resume rollout');
  return door instanceof Door ? openRolloutStep(door, fleet, id, 'resume') : door;
}

export async function retryFailedRolloutAction(fleet: string, id: number): Promise<SteerAnswer> {
  const door = await enterActionDoor('retry failed rollout targets');
  return door instanceof Door ? openRolloutStep(door, fleet, id, 'retry-failed') : door;
}

/** A protected fleet's rollout, filed for approval: the same door as POST /api/fleets/{name}/rollout-requests. */
export async function requestRolloutAction(fleet: string, input: unknown): Promise<FiledAnswer> {
  const door = await enterActionDoor('request rollout');
  return door instanceof Door ? openRolloutRequest(door, fleet, input) : door;
}

/** Start an approved rollout request: the same door as POST /api/fleets/{name}/rollout-requests/{id}/execute. */
export async function executeRolloutRequestAction(fleet: string, id: number, input: unknown): Promise<SteerAnswer> {
  const door = await enterActionDoor('execute rollout request');
  return door instanceof Door ? openRolloutRequestExecution(door, fleet, id, input) : door;
}
