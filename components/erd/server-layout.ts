import type { ErdGraph } from '@/lib/erd/graph';
import type { Positions, Routes } from '@/lib/erd/elk-layout';
import { isBookkeepingSchema } from '@/lib/introspect/schema-model';
import { layoutInWorker } from './run-layout';

export interface ServerLayoutRun {
  result: Promise<{ positions: Positions; routes: Routes }>;
  /** Aborts the request. */
  cancel: () => void;
}

/**
 * The whole diagram's layout from the server (GET …/schema/layout, lib/erd/server-layout.ts),
 * where it is cached by the schema's fingerprint: a reload or a second visitor gets it
 * without anyone running ELK. The same `{ result, cancel }` shape as runLayout.
 *
 * The options are read off the graph itself (inferred edges drawn, bookkeeping tables shown):
 * when there are none, either setting gives the same graph. The server answers with the
 * layoutKey of the graph it laid out; if that is not `key` (the page's model is older or newer
 * than the server's), or the server cannot answer, the layout is done in the worker instead.
 */
export function fetchServerLayout(env: string, graph: ErdGraph, keysOnly: boolean, key: string): ServerLayoutRun {
  const controller = new AbortController();
  const query = new URLSearchParams({
    view: 'all',
    mode: keysOnly ? 'keys' : 'full',
    bookkeeping: graph.nodes.some((n) => isBookkeepingSchema(n.schema)) ? '1' : '0',
    inferred: graph.edges.some((e) => e.inferred !== undefined) ? '1' : '0',
  });
  let worker: ServerLayoutRun | null = null;
  const result = (async () => {
    try {
      const response = await fetch(`/api/environments/${encodeURIComponent(env)}/schema/layout?${query}`, { cache: 'no-store', signal: controller.signal });
      if (response.ok) {
        const body = (await response.json()) as { key: string; positions: Positions; routes: Routes };
        if (body.key === key) return { positions: body.positions, routes: body.routes };
      }
    } catch (error) {
      if (controller.signal.aborted) throw error;
    }
    if (controller.signal.aborted) throw new Error('cancelled');
    worker = layoutInWorker(graph, keysOnly);
    return worker.result;
  })();
  return {
    result,
    cancel: () => {
      controller.abort();
      worker?.cancel();
    },
  };
}
