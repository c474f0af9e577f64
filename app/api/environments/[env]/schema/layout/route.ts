import { isRefused, parsed } from '@/app/door-input';
import { answerFromSchema, etagMatches } from '@/app/schema-door';
import { schemaLayoutQuerySchema } from '@/lib/console/api-schemas';
import { isStrataError } from '@/lib/errors';
import { LayoutCache, layoutParamsKey, type LayoutOptions, type LayoutView } from '@/lib/erd/server-layout';
import { fingerprintOf } from '@/lib/introspect/model-fingerprint';

export const dynamic = 'force-dynamic';

// One cache for the server process: a second visitor, or a reload, finds the layout here.
const cache = new LayoutCache();

/**
 * GET ?view=all|clusters|cluster&cluster=<id>&mode=full|keys&bookkeeping=0|1&inferred=0|1: the
 * ERD's layout of the live schema (lib/erd/server-layout.ts) — the whole diagram, a big
 * schema's cluster map, or one cluster's inside — ELK run once per schema fingerprint, view
 * and options. The ETag is the fingerprint and the parameters: a client holding it gets 304
 * and no body. `Strata-Layout: cached | computed` says whether ELK ran for this request.
 * A cluster that is not in the live schema's map (or a map asked of a small schema) is 404.
 */
export function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const query = parsed(schemaLayoutQuerySchema, Object.fromEntries(new URL(request.url).searchParams));
  const refuse = () => (isRefused(query) ? Response.json({ error: 'bad_request', message: query.message }, { status: 400, headers: { 'Cache-Control': 'no-store' } }) : null);
  return answerFromSchema(request, params, { name: 'schema/layout', failure: 'The layout could not be computed; see the server log.', refuse }, async (read, headers) => {
    if (isRefused(query)) throw new Error('unreachable: refused above');
    const view: LayoutView = query.view === 'cluster' ? { kind: 'cluster', id: query.cluster! } : { kind: query.view };
    const options: LayoutOptions = { keysOnly: query.mode === 'keys', includeBookkeeping: query.bookkeeping === '1', inferred: query.inferred === '1' };
    const etag = `"${fingerprintOf(read.model)}-${layoutParamsKey(view, options)}"`;
    if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers: { ...headers, ETag: etag } });
    try {
      const { layout, source } = await cache.layout(read.model, view, options);
      return Response.json(layout, { headers: { ...headers, ETag: etag, 'Strata-Layout': source } });
    } catch (error) {
      if (!isStrataError(error, 'NOT_FOUND')) throw error;
      return Response.json({ error: view.kind === 'cluster' ? 'unknown_cluster' : 'no_clusters', message: error.message }, { status: 404, headers });
    }
  });
}
