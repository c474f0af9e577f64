import 'server-only';
import type { z } from 'zod';
import type { ChangeRequest } from '@/lib/auth/types';
import { fixRequestSchema, resolveChangeSetSchema, skipChangeSetSchema } from '@/lib/console/api-schemas';
import { requestKind } from '@/lib/console/change-requests';
import { fixAction, fixChangeSet, type ChangeSetFix, type FixResult } from '@/lib/console/change-set-fixes';
import { operationTarget } from '@/lib/console/environment-operations';
import { changeSetTag } from '@/lib/console/operation-request';
import { StrataError } from '@/lib/errors';
import { isRefused, parsed } from './door-input';
import type { Door, Refused } from './guard';

/**
 * Fixing one change set from a door — the server actions of the environment and change set
 * pages and the route handlers of the HTTP API alike: validate, resolve the environment from
 * configuration, ask the guard (each refusal audited), check the environment's name was typed
 * back, then run the fix (it takes the target's lock: a running apply answers LOCKED). On a
 * protected environment the guard refuses a direct fix; `openFixRequest` files a request.
 */

export type Fixed = { ok: true; result: FixResult } | Refused;
export type Filed = { ok: true; request: ChangeRequest } | Refused;

type FixAction = ChangeSetFix['action'];

/** Resolve (`as` in the body), skip or unskip the change set `tag` on `env`, directly. */
export async function openChangeSetFix(door: Door, env: string, tag: string, action: FixAction, input: unknown): Promise<Fixed> {
  const body = action === 'resolve' ? parsed(resolveChangeSetSchema, input) : parsed(skipChangeSetSchema, input);
  if (isRefused(body)) return body;
  const checkedTag = changeSetTag.safeParse(tag);
  if (!checkedTag.success) return { ok: false, status: 400, code: 'BAD_USAGE', message: `Invalid request: tag: ${checkedTag.error.issues[0]?.message}` };
  try {
    const target = operationTarget(env);
    const refused = await door.check(fixAction({ action }), { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    if (body.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `This request does not name ${target.environment.name} as its target; nothing was changed.`);
    }
    const fix: ChangeSetFix = action === 'resolve' ? { action, tag: checkedTag.data, as: (body as z.infer<typeof resolveChangeSetSchema>).as } : { action, tag: checkedTag.data };
    return { ok: true, result: await fixChangeSet(target, fix, body.reason, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}

/** Ask for a fix on a protected environment: a request of kind resolve, skip or unskip, for another admin to approve. */
export async function openFixRequest(door: Door, env: string, input: unknown): Promise<Filed> {
  const body = parsed(fixRequestSchema, input);
  if (isRefused(body)) return body;
  return fileFixRequest(door, env, body);
}

/** Files an already validated fix request (the HTTP API validated it as part of its request body). */
export async function fileFixRequest(door: Door, env: string, body: z.infer<typeof fixRequestSchema>): Promise<Filed> {
  try {
    const target = operationTarget(env);
    const refused = await door.check('request.create', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    const { kind, reason, ...payload } = body;
    return { ok: true, request: await requestKind(target, kind, payload, reason, door.principal) };
  } catch (error) {
    return door.refusal(error, env);
  }
}
