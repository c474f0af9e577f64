import type { ElkNode } from './elk-graph';
import type { ErdEdge, ErdGraph } from './graph';
import type { Cluster, SchemaClusters } from './clusters';
import { compareText } from './model-helpers';

/**
 * The cluster map of a big schema, as the diagram draws it: which clusters are shown (after
 * the schema filter), where each of them sits, and which lines join what — all pure, so the
 * browser and the tests compute exactly the same view.
 *
 * A collapsed cluster is one box; an expanded one is a frame with its tables laid out inside.
 * A line joins the *visible representatives* of a key's two tables: the table itself when its
 * cluster is expanded, the cluster otherwise. So the keys between two collapsed clusters become
 * one weighted line, a key from an expanded cluster's table to a collapsed cluster ends on that
 * cluster, and keys between two expanded clusters are drawn table to table as usual.
 */

export interface ShownCluster {
  id: string;
  /** The most central table (the cluster is named after it). */
  name: string;
  kind: Cluster['kind'];
  /** Member tables the diagram shows (the schema filter may hide some), sorted. */
  tables: string[];
  /** Up to {@link LEADING_TABLES} members with the most keys inside the cluster, most first. */
  leading: string[];
  /** Foreign keys between two of its own tables. */
  innerKeys: number;
}

export interface ClusterLink {
  id: string;
  /** A cluster id, or a table id when that table's cluster is expanded. */
  source: string;
  target: string;
  /** The table column's handle when that end is a table (lib/erd/graph handle naming). */
  sourceHandle: string | null;
  targetHandle: string | null;
  /** How many relationships the line stands for. */
  count: number;
  /** Relationships no key declares (lib/erd/inferred.ts): drawn dashed, apart from declared ones. */
  inferred: boolean;
}

export interface ClusterView {
  clusters: ShownCluster[];
  /** Table id → the id of the cluster it is drawn in. */
  clusterOf: Map<string, string>;
}

/** Members listed on a collapsed cluster's box. */
export const LEADING_TABLES = 4;
/** The id of the cluster gathering shown tables the clustering did not see (none, normally). */
export const OTHER_CLUSTER = 'cluster:\u0000other';

/** The clusters as shown: members limited to the graph's tables, empty clusters dropped. */
export function shownClusters(graph: ErdGraph, clusters: SchemaClusters): ClusterView {
  const shown = new Set(graph.nodes.map((n) => n.id));
  const clusterOf = new Map<string, string>();
  const kept: Array<Omit<ShownCluster, 'leading' | 'innerKeys'>> = [];
  for (const cluster of clusters.clusters) {
    const tables = cluster.tables.filter((id) => shown.has(id));
    if (tables.length === 0) continue;
    for (const id of tables) clusterOf.set(id, cluster.id);
    kept.push({ id: cluster.id, name: tables.includes(cluster.name) ? cluster.name : tables[0]!, kind: cluster.kind, tables });
  }
  // Defensive: a table the clustering did not see still gets a place rather than vanishing.
  const stray = graph.nodes.filter((n) => !clusterOf.has(n.id)).map((n) => n.id);
  if (stray.length) {
    for (const id of stray) clusterOf.set(id, OTHER_CLUSTER);
    kept.push({ id: OTHER_CLUSTER, name: stray[0]!, kind: 'unconnected', tables: stray.sort(compareText) });
  }

  const inner = new Map<string, number>();
  const innerKeys = new Map<string, number>();
  for (const edge of graph.edges) {
    if (edge.inferred !== undefined || edge.source === edge.target) continue;
    const cluster = clusterOf.get(edge.source);
    if (cluster === undefined || cluster !== clusterOf.get(edge.target)) continue;
    innerKeys.set(cluster, (innerKeys.get(cluster) ?? 0) + 1);
    for (const id of [edge.source, edge.target]) inner.set(id, (inner.get(id) ?? 0) + 1);
  }
  return {
    clusterOf,
    clusters: kept.map((c) => ({
      ...c,
      innerKeys: innerKeys.get(c.id) ?? 0,
      leading: [...c.tables]
        .sort((a, b) => (inner.get(b) ?? 0) - (inner.get(a) ?? 0) || (a === c.name ? -1 : b === c.name ? 1 : compareText(a, b)))
        .slice(0, LEADING_TABLES),
    })),
  };
}

/**
 * The lines of the view: table-to-table edges (both ends in expanded clusters) as they are,
 * everything else merged per pair of visible ends, declared and inferred apart.
 */
export function clusterLinks(
  graph: ErdGraph,
  clusterOf: Map<string, string>,
  expanded: ReadonlySet<string>,
): { tableEdges: ErdEdge[]; links: ClusterLink[]; /** The edges merged into links that end on a table (their rows need handles). */ tableEnds: ErdEdge[] } {
  const represent = (table: string) => {
    const cluster = clusterOf.get(table)!;
    return expanded.has(cluster) ? null : cluster;
  };
  const tableEdges: ErdEdge[] = [];
  const tableEnds: ErdEdge[] = [];
  const links = new Map<string, ClusterLink>();
  for (const edge of graph.edges) {
    if (!clusterOf.has(edge.source) || !clusterOf.has(edge.target)) continue;
    const sourceCluster = represent(edge.source);
    const targetCluster = represent(edge.target);
    if (sourceCluster === null && targetCluster === null) {
      tableEdges.push(edge);
      continue;
    }
    if (sourceCluster !== null && sourceCluster === targetCluster) continue; // inside a collapsed cluster
    const source = sourceCluster ?? edge.source;
    const target = targetCluster ?? edge.target;
    const sourceHandle = sourceCluster === null ? edge.sourceHandle : null;
    const targetHandle = targetCluster === null ? edge.targetHandle : null;
    if (sourceHandle !== null || targetHandle !== null) tableEnds.push(edge);
    const inferred = edge.inferred !== undefined;
    const id = `link:${[source, sourceHandle ?? '', target, targetHandle ?? '', inferred ? 'inferred' : 'declared'].join('\u0000')}`;
    const link = links.get(id);
    if (link) link.count++;
    else links.set(id, { id, source, target, sourceHandle, targetHandle, count: 1, inferred });
  }
  return { tableEdges, tableEnds, links: [...links.values()].sort((a, b) => compareText(a.id, b.id)) };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A collapsed cluster's box: the same for all, so the overview is laid out once. */
export const COLLAPSED_CLUSTER = { width: 272, height: 156 } as const;
/** Room around an expanded cluster's tables: the header on top, a margin elsewhere. */
export const EXPANDED_PADDING = { top: 64, side: 28, bottom: 28 } as const;

/**
 * The overview's ELK graph: one box per cluster, packed into a screen-shaped rectangle
 * (rectpacking) in an order that walks the key graph, so clusters joined by many keys sit side
 * by side. Measured on GitLab's 53 clusters: a layered layout is 8,208 × 3,846 px (a first
 * view at 16% zoom, unreadable) and stress needs an overlap-removal pass to end at 3,276 × 2,749;
 * packed, it is 2,616 × 1,476 (47%) in a tenth of the time. The lines are drawn centre to centre.
 */
export function clusterOverviewElk(view: ClusterView, graph: ErdGraph): ElkNode {
  return {
    id: 'clusters',
    layoutOptions: {
      'elk.algorithm': 'rectpacking',
      'elk.aspectRatio': '1.8',
      'elk.spacing.nodeNode': '80',
      'elk.padding': '[top=24,left=24,bottom=24,right=24]',
    },
    children: clusterOrder(view, graph).map((id) => ({ id, width: COLLAPSED_CLUSTER.width, height: COLLAPSED_CLUSTER.height })),
    edges: [],
  };
}

/** Clusters in {@link walkOrder} of the weighted cluster graph. */
export function clusterOrder(view: ClusterView, graph: ErdGraph): string[] {
  const pairs: Array<[string, string]> = [];
  for (const edge of graph.edges) {
    const a = view.clusterOf.get(edge.source);
    const b = view.clusterOf.get(edge.target);
    if (a && b && a !== b) pairs.push([a, b]);
  }
  return walkOrder(view.clusters.map((c) => ({ id: c.id, size: c.tables.length })), pairs);
}

/**
 * Items in a walk of a weighted graph, for packing them so that neighbours end up side by side:
 * start from the item with the most links, then always take the not-yet-placed item joined to
 * the placed ones by the most links (ties: bigger, then id). Unjoined items follow, most
 * linked and biggest first. Deterministic.
 */
export function walkOrder(items: Array<{ id: string; size: number }>, pairs: Array<[string, string]>): string[] {
  const weight = new Map<string, Map<string, number>>();
  const add = (a: string, b: string) => {
    const row = weight.get(a) ?? new Map<string, number>();
    row.set(b, (row.get(b) ?? 0) + 1);
    weight.set(a, row);
  };
  for (const [a, b] of pairs) {
    if (a === b) continue;
    add(a, b);
    add(b, a);
  }
  const size = new Map(items.map((i) => [i.id, i.size]));
  const degree = (id: string) => [...(weight.get(id)?.values() ?? [])].reduce((n, w) => n + w, 0);
  const better = (a: string, b: string, score: (id: string) => number) =>
    score(b) - score(a) || (size.get(b) ?? 0) - (size.get(a) ?? 0) || compareText(a, b);
  const order: string[] = [];
  const placed = new Set<string>();
  const pull = new Map<string, number>();
  while (order.length < items.length) {
    const candidates = items.map((i) => i.id).filter((id) => !placed.has(id));
    const joined = candidates.filter((id) => (pull.get(id) ?? 0) > 0);
    const next = joined.length
      ? joined.sort((a, b) => better(a, b, (id) => pull.get(id) ?? 0))[0]!
      : candidates.sort((a, b) => better(a, b, degree))[0]!;
    order.push(next);
    placed.add(next);
    pull.delete(next);
    for (const [other, w] of weight.get(next) ?? []) if (!placed.has(other)) pull.set(other, (pull.get(other) ?? 0) + w);
  }
  return order;
}

/** A layered layout this far from a screen's shape (tall or wide) is packed instead ({@link packedTablesElk}). */
export function tooFarFromScreen(width: number, height: number): boolean {
  return height > width * 1.5 || width > height * 5;
}

/**
 * A cluster's tables packed into a screen-shaped rectangle in walk order (neighbours side by
 * side), for the clusters a layered layout draws as one tall column: a hub with dozens of
 * tables pointing at it (GitLab's merge_requests) is one layer of dozens of tables.
 */
export function packedTablesElk(graph: ErdGraph, size: (id: string) => { width: number; height: number }): ElkNode {
  const order = walkOrder(
    graph.nodes.map((n) => ({ id: n.id, size: 0 })),
    graph.edges.map((e) => [e.source, e.target]),
  );
  return {
    id: 'packed',
    layoutOptions: { 'elk.algorithm': 'rectpacking', 'elk.aspectRatio': '1.8', 'elk.spacing.nodeNode': '72', 'elk.padding': '[top=0,left=0,bottom=0,right=0]' },
    children: order.map((id) => ({ id, ...size(id) })),
    edges: [],
  };
}

/**
 * Clusters placed for a set of expanded ones: each expanded cluster grows from its top-left
 * corner, and everything to its right moves right by the growth, everything below it moves
 * down. Shifting by "is it right of / below the old box" keeps every pair of boxes apart (a
 * box right of another stays right of it, a box below stays below), so the map keeps its shape
 * and nothing overlaps; expansions apply in id order, so the result is one function of the set.
 */
export function placeClusters(base: Record<string, { x: number; y: number }>, grown: ReadonlyMap<string, { width: number; height: number }>): Record<string, Box> {
  const boxes: Record<string, Box> = {};
  for (const [id, p] of Object.entries(base)) boxes[id] = { x: p.x, y: p.y, ...COLLAPSED_CLUSTER };
  for (const id of [...grown.keys()].sort(compareText)) {
    const box = boxes[id];
    if (!box) continue;
    const size = grown.get(id)!;
    const dx = Math.max(0, size.width - box.width);
    const dy = Math.max(0, size.height - box.height);
    const right = box.x + box.width;
    const bottom = box.y + box.height;
    for (const [other, b] of Object.entries(boxes)) {
      if (other === id) continue;
      boxes[other] = { ...b, x: b.x >= right ? b.x + dx : b.x, y: b.y >= bottom ? b.y + dy : b.y };
    }
    boxes[id] = { ...box, width: size.width, height: size.height };
  }
  return boxes;
}

/** An expanded cluster's size for its tables' layout (positions and sizes relative to any origin). */
export function expandedSize(tables: Array<Box>): { width: number; height: number; origin: { x: number; y: number } } {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const t of tables) {
    minX = Math.min(minX, t.x);
    minY = Math.min(minY, t.y);
    maxX = Math.max(maxX, t.x + t.width);
    maxY = Math.max(maxY, t.y + t.height);
  }
  if (!Number.isFinite(minX)) return { ...COLLAPSED_CLUSTER, origin: { x: 0, y: 0 } };
  return {
    width: Math.max(COLLAPSED_CLUSTER.width, maxX - minX + EXPANDED_PADDING.side * 2),
    height: Math.max(COLLAPSED_CLUSTER.height, maxY - minY + EXPANDED_PADDING.top + EXPANDED_PADDING.bottom),
    origin: { x: minX, y: minY },
  };
}
