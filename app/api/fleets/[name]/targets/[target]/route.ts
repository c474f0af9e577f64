import { enterDoor } from '@/app/guard';
import { describeOperationError } from '@/lib/console/describe-error';
import { fleetContext } from '@/lib/console/fleets';
import { findTarget } from '@/lib/fleet/fleet-overview';
import { readTargetDetail } from '@/lib/fleet/fleet-target-detail';
import { decodedSegment } from '@/app/path-segment';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET one target of a fleet, read live: its state, each change set's state (pending ones
 * and why blocking ones block), its history (newest first) and what differs from the
 * schema its applied change sets produce (the cached expected schema: one introspection).
 * The reading is written back to the fleet's cache. Any signed-in role; never the URL.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string; target: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name, target: raw } = await params;
  // A target named host:port/database (names repeated across servers) arrives as one encoded segment.
  const target = decodedSegment(raw);
  let url: string | undefined;
  try {
    const options = fleetContext(name, door.principal.username);
    const refused = await door.authorize('history.read', { protection: options.fleet.protection, environment: options.fleet.name });
    if (refused) return refused;
    const found = await findTarget(options.fleet, target);
    url = found.url;
    return Response.json(await readTargetDetail(found, options), { headers });
  } catch (error) {
    const { status, code, message } = describeOperationError(error, url);
    return Response.json({ code, message }, { status, headers });
  }
}
