'use server';

import type { TerminatedBlocker } from '@/lib/migrate/lock-wait-control';
import type { CancelOutcome } from '@/lib/console/lock-wait-control';
import type { Refused } from '@/lib/console/start-answer';
import { enterActionDoor, Door } from './guard';
import { openCancel, openTerminateBlocker } from './lock-wait-doors';

/**
 * The operation dialog's Cancel and Terminate blocker buttons: the same doors as
 * POST /api/operations/{id}/cancel and …/terminate-blocker (app/lock-wait-doors.ts).
 */

export async function cancelOperationAction(id: number): Promise<{ ok: true; outcome: CancelOutcome } | Refused> {
  const door = await enterActionDoor('cancel operation');
  return door instanceof Door ? openCancel(door, id, {}) : door;
}

export async function terminateBlockerAction(id: number, input: unknown): Promise<{ ok: true; terminated: TerminatedBlocker } | Refused> {
  const door = await enterActionDoor('terminate blocker');
  return door instanceof Door ? openTerminateBlocker(door, id, input) : door;
}
