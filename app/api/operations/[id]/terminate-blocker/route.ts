import { terminateBlockerSchema } from '@/lib/console/api-schemas';
import { enterDoor, refusedResponse } from '@/app/guard';
import { openTerminateBlocker } from '@/app/lock-wait-doors';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

/**
 * POST { pid }: terminate the session in the way of a waiting operation (admins). The server
 * checks on the target that this pid blocks the operation's lock there right now; the
 * termination is audited with the pid, its application_name and its query (masked).
 */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const early = await door.authorize('lock.terminate');
  if (early) return early;
  const input = await readJson(request, terminateBlockerSchema);
  if (input instanceof Response) return input;
  const answer = await openTerminateBlocker(door, (await params).id, input);
  if (!answer.ok) return refusedResponse(answer);
  return Response.json({ terminated: answer.terminated }, { headers: { 'Cache-Control': 'no-store' } });
}
