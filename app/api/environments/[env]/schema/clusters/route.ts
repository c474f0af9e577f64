import { readSchema } from '@/app/environments/[env]/read-schema';
import { enterDoor } from '@/app/guard';
import { CLUSTER_THRESHOLD, clusterSchema } from '@/lib/erd/clusters';
import { selectTables } from '@/lib/erd/model-helpers';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the clusters of one environment's schema (lib/erd/clusters.ts): ids, names, member
 * table ids and weighted edges only — a few KB at GitLab's size, where the model is MBs.
 * `clusters` is null for a schema of up to `threshold` shown tables (drawn whole).
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
    const result = clusterSchema(read.model);
    return Response.json(
      { threshold: CLUSTER_THRESHOLD, tables: selectTables(read.model).length, clusters: result?.clusters ?? null, edges: result?.edges ?? [] },
      { headers },
    );
  } catch (error) {
    console.error(`GET /api/environments/${env}/schema/clusters failed:`, error);
    return Response.json({ error: 'internal', message: 'The clusters could not be computed; see the server log.' }, { status: 500, headers });
  }
}
