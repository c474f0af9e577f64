import { executeRequestSchema } from '@/lib/console/api-schemas';
import { enterDoor } from '@/app/guard';
import { openRequestExecution } from '@/app/operation-doors';
import { readJson } from '@/app/read-json';
import { streamOpened } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST { confirm: <environment name> }: runs an approved request, once, recorded as an
 * operation with live progress. The environment's name must be typed back; the plan must
 * still be the approved one (checked under the target's lock).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const id = Number((await params).id);
  // Requests exist only on protected environments: the role is checked before the body is even read.
  const early = await door.authorize('request.execute', { protection: 'protected' });
  if (early) return early;
  const input = await readJson(request, executeRequestSchema);
  if (input instanceof Response) return input;
  return streamOpened(await openRequestExecution(door, id, input));
}
