import { cancelOperationSchema } from '@/lib/console/api-schemas';
import { enterDoor, refusedResponse } from '@/app/guard';
import { openCancel } from '@/app/lock-wait-doors';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

/**
 * POST {}: cancel an apply, rollback or request execution while it waits for a lock. The
 * waiting statement is cancelled, there is no further retry, and the operation ends failed
 * "cancelled by <user> while waiting for …" (a change set's transaction rolled back).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  // The role before the body: who may not cancel learns nothing more.
  const early = await door.authorize('operation.cancel');
  if (early) return early;
  const input = await readJson(request, cancelOperationSchema);
  if (input instanceof Response) return input;
  const answer = await openCancel(door, (await params).id, input);
  if (!answer.ok) return refusedResponse(answer);
  return Response.json(answer.outcome, { headers: { 'Cache-Control': 'no-store' } });
}
