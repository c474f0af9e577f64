import { changeRequestSchema, isKindRequest } from '@/lib/console/api-schemas';
import { fileChangeRequest } from '@/lib/console/change-requests';
import { operationTarget, type OperationTarget } from '@/lib/console/environment-operations';
import { fileFixRequest } from '@/app/change-set-doors';
import { enterDoor, refusedResponse } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { streamWork } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

const body = changeRequestSchema;

/**
 * POST a change request on a protected environment. An apply or rollback (no `kind`): Strata
 * dry-runs it on a shadow and stores it for approval, streaming progress; an apply's rehearsal on a
 * scratch copy is started and attached to it (its operation id: `rehearsalOperation`). A fix of one change
 * set (`kind` resolve, skip or unskip): checked against the target's state and stored, answered
 * as JSON `{ request }`.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const { env } = await params;
  const input = await readJson(request, body);
  if (input instanceof Response) return input;
  if (isKindRequest(input)) {
    const filed = await fileFixRequest(door, env, input);
    return filed.ok ? Response.json({ request: filed.request }, { headers: { 'Cache-Control': 'no-store' } }) : refusedResponse(filed);
  }
  let target: OperationTarget;
  try {
    target = operationTarget(env);
  } catch (error) {
    return door.refuse(error, env);
  }
  const refused = await door.authorize('request.create', { protection: target.environment.protection, environment: target.environment.name });
  if (refused) return refused;
  return streamWork(target.environment.url, (onProgress) => fileChangeRequest(target, input, principal, onProgress));
}
