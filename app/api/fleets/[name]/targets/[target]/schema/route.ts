import { enterDoor } from '@/app/guard';
import { answerWithModel } from '@/app/schema-door';
import { fleetOfUrl, readTargetSchema } from '@/app/fleets/[name]/targets/read-target-schema';
import { decodedSegment } from '@/app/path-segment';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the live SchemaModel of one fleet target (its ERD polls this), read-only, as the schema
 * route does for an environment: signed in with schema.read on the fleet, 400 for a name
 * that is not one, 404 for an unknown fleet or a target the fleet does not have, 503 while
 * the target cannot be reached, never its URL; an ETag so that an unchanged schema answers 304.
 */
export async function GET(request: Request, { params }: { params: Promise<{ name: string; target: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { name, target: raw } = await params;
  const found = fleetOfUrl(decodedSegment(name), decodedSegment(raw));
  if (!found.ok) return Response.json({ error: found.error, code: codeOf(found.status), message: found.message }, { status: found.status, headers });
  const refused = await door.authorize('schema.read', { protection: found.fleet.protection, environment: found.fleet.name });
  if (refused) return refused;
  try {
    const read = await readTargetSchema(found.fleet, decodedSegment(raw));
    if (!read.ok) return Response.json({ error: read.error, code: codeOf(read.status), message: read.message }, { status: read.status, headers });
    return answerWithModel(request, read.model, headers);
  } catch (error) {
    console.error(`GET /api/fleets/${found.fleet.name}/targets/…/schema failed:`, error);
    return Response.json({ error: 'internal', code: 'INTERNAL', message: 'The schema could not be read; see the server log.' }, { status: 500, headers });
  }
}

function codeOf(status: number): string {
  return status === 400 ? 'BAD_USAGE' : status === 404 ? 'NOT_FOUND' : status === 503 ? 'CONNECTION_FAILED' : 'INTERNAL';
}
