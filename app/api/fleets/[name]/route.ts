import { isRefused, parsed } from '@/app/door-input';
import { enterDoor, refusedResponse } from '@/app/guard';
import { fleetQuerySchema } from '@/lib/console/api-schemas';
import { describeOperationError } from '@/lib/console/describe-error';
import { fleetContext, fleetOverview } from '@/lib/console/fleets';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET ?state=&search=&sort=&order=&limit=&offset=&refresh=0|1: a fleet at a glance — counts
 * per state, the change set × state totals and one page of targets, all aggregated by the
 * console database over its cache of the targets (lib/fleet/). Answers at once from the
 * cache; targets whose row is stale (or all of them with refresh=1) are read again in the
 * background, and `refreshing` says how far that has got. Any signed-in role.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name } = await params;
  const query = parsed(fleetQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  if (isRefused(query)) return refusedResponse(query);
  let url: string | undefined;
  try {
    const options = fleetContext(name, door.principal.username);
    // A discovery fleet's server (a schema fleet's database) is a secret like a target's URL: a failure to reach it never names it.
    const source = options.fleet.source;
    url = source.kind === 'databases' ? source.serverUrl : source.kind === 'schemas' ? source.url : undefined;
    const refused = await door.authorize('history.read', { protection: options.fleet.protection, environment: options.fleet.name });
    if (refused) return refused;
    const { refresh, ...page } = query;
    return Response.json(await fleetOverview(options, page, refresh === '1'), { headers });
  } catch (error) {
    const { status, code, message } = describeOperationError(error, url);
    return Response.json({ code, message }, { status, headers });
  }
}
