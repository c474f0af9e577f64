import { enterDoor, refusedResponse } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { openRolloutStep } from '@/app/rollout-doors';
import { rolloutStepSchema } from '@/lib/console/api-schemas';

export const dynamic = 'force-dynamic';

/** POST {}: pause one of the fleet's rollouts (404 for an id of another fleet; 409 when its state does not allow it). */
export async function POST(request: Request, { params }: { params: Promise<{ name: string; id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name, id } = await params;
  const early = await door.authorize('rollout', { environment: name });
  if (early) return early;
  const input = await readJson(request, rolloutStepSchema);
  if (input instanceof Response) return input;
  const answer = await openRolloutStep(door, name, id, 'pause');
  if (!answer.ok) return refusedResponse(answer);
  return Response.json({ rollout: answer.rollout, note: answer.note }, { headers: { 'Cache-Control': 'no-store' } });
}
