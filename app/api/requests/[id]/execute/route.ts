import { z } from 'zod';
import { loadConfig } from '@/lib/config/environments';
import { executeChange, findRequest } from '@/lib/console/change-requests';
import { operationTarget } from '@/lib/console/environment-operations';
import { StrataError } from '@/lib/errors';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { streamOperation } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

const body = z.object({ confirm: z.string().max(100) }).strict();

/**
 * POST { confirm: <environment name> }: runs an approved request, once, with live progress.
 * The environment's name must be typed back; the plan must still be the approved one.
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const id = Number((await params).id);
  // Requests exist only on protected environments: the role is checked before the request is even looked up.
  const early = await door.authorize('request.execute', { protection: 'protected' });
  if (early) return early;
  const input = await readJson(request, body);
  if (input instanceof Response) return input;
  try {
    if (!Number.isInteger(id) || id < 1) throw new StrataError('NOT_FOUND', 'No such request');
    const changeRequest = await findRequest({ config: loadConfig() }, id);
    const target = operationTarget(changeRequest.environment);
    const refused = await door.authorize('request.execute', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    if (input.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `Type “${target.environment.name}” to confirm; nothing was changed.`);
    }
    return streamOperation(target.environment.url, (onProgress) => executeChange(target, changeRequest, principal, onProgress));
  } catch (error) {
    return door.refuse(error);
  }
}
