import { layoutClusterInside, layoutClusterOverview, overviewKey } from '@/lib/erd/cluster-layout';
import type { ElkNode } from '@/lib/erd/elk-graph';
import type { Positions, Routes } from '@/lib/erd/elk-layout';
import type { ErdGraph } from '@/lib/erd/graph';
import { isBookkeepingSchema } from '@/lib/introspect/schema-model';
import { inWorker, layoutInWorker } from './run-layout';

export interface ServerLayoutRun {
  result: Promise<{ positions: Positions; routes: Routes }>;
  /** Aborts the request. */
  cancel: () => void;
}

/**
 * The whole diagram's layout from the server (GET …/schema/layout, lib/erd/server-layout.ts),
 * where it is cached by the schema's fingerprint: a reload or a second visitor gets it
 * without anyone running ELK. The same `{ result, cancel }` shape as runLayout.
 */
export function fetchServerLayout(env: string, graph: ErdGraph, keysOnly: boolean, key: string): ServerLayoutRun {
  return serverFirst(env, { view: 'all', mode: keysOnly ? 'keys' : 'full', ...shownOptions(graph) }, key, () => layoutInWorker(graph, keysOnly));
}

/**
 * A big schema's cluster map (one box per cluster) from the server, else laid out in the
 * worker. `graph` is the diagram's shown graph and `input` the overview's ELK input built from
 * it: the server answers with the overviewKey of its own input, so a page hiding schemas (or
 * holding an older model) sees another key and lays out its own. Null env: worker only.
 */
export function fetchClusterOverview(env: string | null, graph: ErdGraph, input: ElkNode): ServerLayoutRun {
  return serverFirst(env, { view: 'clusters', ...shownOptions(graph) }, overviewKey(input), () => inWorker((runElk) => layoutClusterOverview(input, runElk)));
}

/**
 * One cluster's inside from the server, else laid out in the worker: `tables` is the
 * cluster's subgraph of the shown graph `graph`, `key` its layoutKey (the server checks
 * nothing of the page; the page checks the server's key against its own).
 */
export function fetchClusterInside(env: string | null, graph: ErdGraph, cluster: string, tables: ErdGraph, keysOnly: boolean, key: string): ServerLayoutRun {
  return serverFirst(env, { view: 'cluster', cluster, mode: keysOnly ? 'keys' : 'full', ...shownOptions(graph) }, key, () =>
    inWorker((runElk) => layoutClusterInside(tables, keysOnly, runElk)),
  );
}

/**
 * The display options, read off the shown graph itself (inferred edges drawn, bookkeeping
 * tables shown): when there are none, either setting gives the same graph.
 */
function shownOptions(graph: ErdGraph): { bookkeeping: '0' | '1'; inferred: '0' | '1' } {
  return {
    bookkeeping: graph.nodes.some((n) => isBookkeepingSchema(n.schema)) ? '1' : '0',
    inferred: graph.edges.some((e) => e.inferred !== undefined) ? '1' : '0',
  };
}

/**
 * Asks the server for a layout; if the key it answers with is not `key` (the page's model is
 * older or newer than the server's, or the page shows something else), or the server cannot
 * answer, runs `fallback` (the worker) instead.
 */
function serverFirst(env: string | null, query: Record<string, string>, key: string, fallback: () => ServerLayoutRun): ServerLayoutRun {
  // A fleet target's diagram (`fleet/target`: environment names have no slash) has no layout route: the worker lays it out.
  if (env === null || env.includes('/')) return fallback();
  const controller = new AbortController();
  let worker: ServerLayoutRun | null = null;
  const result = (async () => {
    try {
      const response = await fetch(`/api/environments/${encodeURIComponent(env)}/schema/layout?${new URLSearchParams(query)}`, { cache: 'no-store', signal: controller.signal });
      if (response.ok) {
        const body = (await response.json()) as { key: string; positions: Positions; routes: Routes };
        if (body.key === key) return { positions: body.positions, routes: body.routes };
      }
    } catch (error) {
      if (controller.signal.aborted) throw error;
    }
    if (controller.signal.aborted) throw new Error('cancelled');
    worker = fallback();
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
