import { answerFromSchema } from '@/app/schema-door';
import { CLUSTER_THRESHOLD, clusterSchema } from '@/lib/erd/clusters';
import { selectTables } from '@/lib/erd/model-helpers';

export const dynamic = 'force-dynamic';

/**
 * GET the clusters of one environment's schema (lib/erd/clusters.ts): ids, names, member
 * table ids and weighted edges only — a few KB at GitLab's size, where the model is MBs.
 * `clusters` is null for a schema of up to `threshold` shown tables (drawn whole).
 */
export function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  return answerFromSchema(request, params, { name: 'schema/clusters', failure: 'The clusters could not be computed; see the server log.' }, (read, headers) => {
    const result = clusterSchema(read.model);
    return Response.json(
      { threshold: CLUSTER_THRESHOLD, tables: selectTables(read.model).length, clusters: result?.clusters ?? null, edges: result?.edges ?? [] },
      { headers },
    );
  });
}
