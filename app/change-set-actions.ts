'use server';

import type { ChangeRequest } from '@/lib/auth/types';
import type { FixResult } from '@/lib/console/change-set-fixes';
import type { Refused } from '@/lib/console/start-answer';
import { openChangeSetFix, openFixRequest, type Filed, type Fixed } from './change-set-doors';
import { enterActionDoor, Door } from './guard';

/**
 * The server actions the environment and change set pages fix a change set with: each goes
 * through the same door as the HTTP API (guard, audit, validation). A fix is quick (one
 * history row under the target's lock), so it answers with its result, not an operation.
 */

const fixAnswer = (fixed: Fixed) => fixed;
/** Only what the page needs of the filed request (its number), not the whole row. */
const fileAnswer = (filed: Filed) => (filed.ok ? { ok: true as const, request: { id: filed.request.id, status: filed.request.status } } : filed);

/** Resolve a failed, interrupted or edited change set: the body of POST /api/environments/{env}/changesets/{tag}/resolve. */
export async function resolveChangeSetAction(env: string, tag: string, input: unknown): Promise<{ ok: true; result: FixResult } | Refused> {
  const door = await enterActionDoor('resolve change set');
  return door instanceof Door ? fixAnswer(await openChangeSetFix(door, env, tag, 'resolve', input)) : door;
}

/** Skip an optional change set: the body of POST /api/environments/{env}/changesets/{tag}/skip. */
export async function skipChangeSetAction(env: string, tag: string, input: unknown): Promise<{ ok: true; result: FixResult } | Refused> {
  const door = await enterActionDoor('skip change set');
  return door instanceof Door ? fixAnswer(await openChangeSetFix(door, env, tag, 'skip', input)) : door;
}

/** Un-skip a skipped change set: the body of POST /api/environments/{env}/changesets/{tag}/unskip. */
export async function unskipChangeSetAction(env: string, tag: string, input: unknown): Promise<{ ok: true; result: FixResult } | Refused> {
  const door = await enterActionDoor('unskip change set');
  return door instanceof Door ? fixAnswer(await openChangeSetFix(door, env, tag, 'unskip', input)) : door;
}

/** Ask for a fix on a protected environment: a resolve, skip or unskip request (POST /api/environments/{env}/requests with its kind). */
export async function requestFixAction(env: string, input: unknown): Promise<{ ok: true; request: Pick<ChangeRequest, 'id' | 'status'> } | Refused> {
  const door = await enterActionDoor('request fix');
  return door instanceof Door ? fileAnswer(await openFixRequest(door, env, input)) : door;
}
