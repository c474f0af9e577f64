import { decisionSchema } from '@/lib/console/api-schemas';
import { loadConfig } from '@/lib/config/environments';
import { decideChange, findRequest, requestPlace } from '@/lib/console/change-requests';
import { StrataError } from '@/lib/errors';
import { operationTarget } from '@/lib/console/environment-operations';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';

export const dynamic = 'force-dynamic';

const body = decisionSchema;

/** POST { approve, comment }: an admin other than the requester approves or rejects a request. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const id = Number((await params).id);
  // Requests exist only on protected environments: the role is checked before the request is even looked up.
  const early = await door.authorize('request.approve', { protection: 'protected' });
  if (early) return early;
  const decision = await readJson(request, body);
  if (decision instanceof Response) return decision;
  try {
    if (!Number.isInteger(id) || id < 1) return Response.json({ code: 'NOT_FOUND', message: 'No such request' }, { status: 404 });
    const config = loadConfig();
    const found = await findRequest({ config }, id);
    // A rollout request's place is its fleet; any other request's, its environment.
    const place = found.kind === 'rollout' ? requestPlace(config, found) : operationTarget(found.environment).environment;
    if (!place) throw new StrataError('NOT_FOUND', `Fleet "${found.environment}" is no longer configured: nothing can act on request #${id}`);
    const target = { config, environment: place };
    const refused = await door.authorize(decision.approve ? 'request.approve' : 'request.reject', { protection: place.protection, environment: place.name });
    if (refused) return refused;
    return Response.json(await decideChange(target, id, decision, principal), { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return door.refuse(error);
  }
}
