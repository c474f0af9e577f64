import { enterDoor, refusedResponse } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { openRolloutRequest } from '@/app/rollout-doors';
import { rolloutRequestSchema } from '@/lib/console/api-schemas';

export const dynamic = 'force-dynamic';

/**
 * POST { to?, waves?, concurrency?, maxFailures?, reason }: file a protected fleet's rollout
 * for two-person approval, with a dry run on a representative target attached. Another
 * admin approves it (POST /api/requests/{id}/decision); then …/rollout-requests/{id}/execute.
 */
export async function POST(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name } = await params;
  const early = await door.authorize('request.create', { protection: 'protected' });
  if (early) return early;
  const input = await readJson(request, rolloutRequestSchema);
  if (input instanceof Response) return input;
  const answer = await openRolloutRequest(door, name, input);
  if (!answer.ok) return refusedResponse(answer);
  return Response.json({ request: answer.request, representative: answer.representative }, { headers: { 'Cache-Control': 'no-store' } });
}
