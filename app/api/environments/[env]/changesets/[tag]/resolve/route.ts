import { resolveChangeSetSchema } from '@/lib/console/api-schemas';
import { enterDoor, refusedResponse } from '@/app/guard';
import { openChangeSetFix } from '@/app/change-set-doors';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

/**
 * POST { as, reason, confirm }: settle a failed, interrupted or edited change set (retry, mark applied, mark rolled back, accept the changed file) on an open or guarded environment; operator+.
 * Protected environments: file a request instead (POST /api/environments/{env}/requests).
 * Answers { fixed: { action, tag, as, state } }; LOCKED (409) while another runner holds the target.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string; tag: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env, tag } = await params;
  const input = await readJson(request, resolveChangeSetSchema);
  if (input instanceof Response) return input;
  const fixed = await openChangeSetFix(door, env, tag, 'resolve', input);
  return fixed.ok ? Response.json(fixed.result, { headers: { 'Cache-Control': 'no-store' } }) : refusedResponse(fixed);
}
