import { enterDoor, refusedResponse } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { openRolloutRequestExecution } from '@/app/rollout-doors';
import { executeRolloutRequestSchema } from '@/lib/console/api-schemas';

export const dynamic = 'force-dynamic';

/**
 * POST { confirm: <fleet name> }: start the rollout an approved request covers, once. 409
 * PLAN_CHANGED when the project's change sets or the fleet's targets are no longer the
 * approved ones (the request fails for good); 409 LOCKED while another rollout of the fleet
 * is unfinished (the request stays approved).
 */
export async function POST(request: Request, { params }: { params: Promise<{ name: string; id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name, id } = await params;
  const early = await door.authorize('request.execute', { protection: 'protected' });
  if (early) return early;
  const input = await readJson(request, executeRolloutRequestSchema);
  if (input instanceof Response) return input;
  const answer = await openRolloutRequestExecution(door, name, id, input);
  if (!answer.ok) return refusedResponse(answer);
  return Response.json({ rollout: answer.rollout, note: answer.note }, { headers: { 'Cache-Control': 'no-store' } });
}
