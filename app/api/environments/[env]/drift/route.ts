import { describeOperationError } from '@/lib/console/describe-error';
import { operationTarget, runDriftCheck } from '@/lib/console/environment-operations';
import { enterDoor } from '@/app/guard';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the drift report of one environment: its live schema against the schema its applied
 * change sets produce (replayed once per applied set, then kept). Served from the console's
 * drift cache — at most one check per environment per STRATA_DRIFT_CACHE_SECONDS, whoever
 * asks — so polling it never keeps the environment locked; `checkedAt` says when the answer
 * was computed. 409 while a migration holds the environment's lock.
 */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const { env } = await params;
  let url: string | undefined;
  try {
    const target = operationTarget(env);
    const refused = await door.authorize('history.read', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    url = target.environment.url;
    return Response.json(await runDriftCheck(target, principal), { headers });
  } catch (error) {
    const { status, code, message } = describeOperationError(error, url);
    return Response.json({ code, message }, { status, headers });
  }
}
