import { rehearsalRequestSchema } from '@/lib/console/api-schemas';
import { enterDoor } from '@/app/guard';
import { openRehearsal } from '@/app/operation-doors';
import { readJson } from '@/app/read-json';
import { streamOpened } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST a rehearsal: the environment's pending change sets (or those up to `to`) run for real on
 * a scratch copy of it (all rows, or a `sample` fraction), measured statement by statement. The
 * target is only read. Refusals (no session, bad body, unknown environment, a role that may not)
 * are JSON errors before anything starts; then the operation is recorded (/api/operations/{id})
 * and the answer streams its progress, ending with the report.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  const body = await readJson(request, rehearsalRequestSchema);
  if (body instanceof Response) return body;
  return streamOpened(await openRehearsal(door, env, body));
}
