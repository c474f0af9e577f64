import { operationRequestSchema } from '@/lib/console/api-schemas';
import { operationTarget } from '@/lib/console/environment-operations';
import { listOperations, type OperationState } from '@/lib/console/operations';
import { enterDoor } from '@/app/guard';
import { openEnvironmentOperation } from '@/app/operation-doors';
import { readJson } from '@/app/read-json';
import { streamOpened } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST a dry run or a real apply/rollback on one environment (the HTTP API; the pages use
 * the same door through a server action). Everything that can be refused (no session, bad
 * body, unknown environment, a role or protection level that does not allow it, an
 * unconfirmed target) is refused with a JSON error before anything starts; then the
 * operation is recorded (/api/operations/{id}) and the answer streams its progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  const body = await readJson(request, operationRequestSchema);
  if (body instanceof Response) return body;
  return streamOpened(await openEnvironmentOperation(door, env, body));
}

const STATES: OperationState[] = ['running', 'succeeded', 'failed', 'interrupted'];

/** GET ?state=running: the environment's operations, newest first (the latest 20 by default). */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  try {
    const target = operationTarget(env);
    const refused = await door.authorize('history.read', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    const state = new URL(request.url).searchParams.get('state');
    const operations = await listOperations(target.config, { environment: target.environment.name, state: STATES.includes(state as OperationState) ? (state as OperationState) : undefined });
    return Response.json({ operations }, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return door.refuse(error, env);
  }
}
