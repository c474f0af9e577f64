import { readSchema } from '@/app/environments/[env]/read-schema';
import { enterDoor } from '@/app/guard';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the live SchemaModel of one environment (the ERD polls this). 404 for an unknown
 * environment, 503 while it cannot be reached; the body never carries the URL.
 */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const refused = await door.authorize('schema.read');
  if (refused) return refused;
  const { env } = await params;
  try {
    const read = await readSchema(env);
    if (!read.ok) return Response.json({ error: read.error, message: read.message }, { status: read.status, headers });
    return Response.json(read.model, { headers });
  } catch (error) {
    console.error(`GET /api/environments/${env}/schema failed:`, error);
    return Response.json({ error: 'internal', message: 'The schema could not be read; see the server log.' }, { status: 500, headers });
  }
}
