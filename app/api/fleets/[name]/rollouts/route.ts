import { enterDoor, refusedResponse } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { openRolloutStart } from '@/app/rollout-doors';
import { rolloutStartSchema } from '@/lib/console/api-schemas';

export const dynamic = 'force-dynamic';

/**
 * POST { to?, waves?, concurrency?, maxFailures?, confirm }: start a rollout of a configured
 * fleet. It is stored with its first jobs and answered at once ({ rollout: { id, state } });
 * the console's queue worker runs it. 409 while the fleet has an unfinished rollout (named).
 */
export async function POST(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name } = await params;
  const early = await door.authorize('rollout', { environment: name });
  if (early) return early;
  const input = await readJson(request, rolloutStartSchema);
  if (input instanceof Response) return input;
  const answer = await openRolloutStart(door, name, input);
  if (!answer.ok) return refusedResponse(answer);
  return Response.json({ rollout: answer.rollout, note: answer.note }, { headers: { 'Cache-Control': 'no-store' } });
}
