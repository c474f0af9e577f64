import { expandedSize, packedTablesElk, tooFarFromScreen } from './cluster-view';
import { positionsFromElk, type ElkNode } from './elk-graph';
import { layoutGraph, type Positions, type Routes, type RunElk } from './elk-layout';
import { Fnv1a64 } from './fingerprint';
import type { ErdGraph } from './graph';
import { nodeSize } from './node-geometry';

/*
 * The cluster map's two layouts, run by whoever holds ELK: the browser's worker
 * (components/erd/use-cluster-layout.ts) and the server's cache (server-layout.ts) call these
 * same functions, so a layout served from the cache is the one the worker would have made.
 */

/** The overview's clusters' top-left corners, from its ELK input (cluster-view's clusterOverviewElk). */
export async function layoutClusterOverview(input: ElkNode, runElk: RunElk): Promise<{ positions: Positions; routes: Routes }> {
  return { positions: positionsFromElk(await runElk(input)), routes: {} };
}

/**
 * What the overview's layout depends on, as a short string: its ELK input (the clusters in walk
 * order, their sizes, the options). Browser and server build that input from their own graph,
 * so equal keys mean equal layouts — and a page that hides schemas, or holds an older model,
 * gets a different key and lays out its own overview.
 */
export function overviewKey(input: ElkNode): string {
  return `${input.children?.length ?? 0}c-${new Fnv1a64().add(JSON.stringify(input)).hex()}`;
}

/**
 * A cluster's inside: ELK layered (keys routed between layers), unless that comes out far from
 * a screen's shape — then the tables are packed in walk order instead, and the keys drawn as
 * curves (no routes). Two ELK runs at most; the second only for towers.
 */
export async function layoutClusterInside(graph: ErdGraph, keysOnly: boolean, runElk: RunElk): Promise<{ positions: Positions; routes: Routes }> {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const size = (id: string) => nodeSize(byId.get(id)!, keysOnly);
  const layered = await layoutGraph(graph, keysOnly, runElk);
  const box = expandedSize(Object.entries(layered.positions).map(([id, p]) => ({ ...p, ...size(id) })));
  if (!tooFarFromScreen(box.width, box.height)) return layered;
  return { positions: positionsFromElk(await runElk(packedTablesElk(graph, size))), routes: {} };
}
