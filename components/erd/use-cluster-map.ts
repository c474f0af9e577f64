'use client';

import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, type Dispatch, type SetStateAction } from 'react';
import { CLUSTER_THRESHOLD, clusterSchema } from '@/lib/erd/clusters';
import { clusterLinks, shownClusters, type ClusterView } from '@/lib/erd/cluster-view';
import type { ErdGraph } from '@/lib/erd/graph';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { buildClusterEdges, buildClusterNodes } from './build-cluster-flow';
import type { ClusterLayer } from './erd-canvas';
import { useClusterLayout, type ClusterLayout } from './use-cluster-layout';

export interface ClusterMap {
  /** The clusters of the shown tables; null for a schema small enough to draw table by table. */
  view: ClusterView | null;
  /** The map is what the canvas shows (a big schema, no focus or path). */
  active: boolean;
  layout: ClusterLayout;
  /** What the canvas draws table by table on the map: the expanded clusters' tables and their keys. */
  graph: ErdGraph;
  /** The cluster nodes and lines for the canvas, while the map is shown. */
  layer: ClusterLayer | undefined;
  /** Cluster id → the table it is named after. */
  names: ReadonlyMap<string, string>;
}

const EMPTY_GRAPH: ErdGraph = { nodes: [], edges: [] };

/**
 * The cluster map of a big schema (over CLUSTER_THRESHOLD shown tables, lib/erd/clusters): its
 * clusters, their layout, the canvas layer, and expanding — a cluster brought into view once its
 * tables are laid out. `model` holds only the fields clustering reads, kept identical between
 * polls that change nothing (see erd-workspace).
 */
export function useClusterMap({
  env,
  model,
  includeBookkeeping,
  shownGraph,
  focused,
  expanded,
  setExpanded,
  keysOnly,
  selectedId,
}: {
  env: string;
  model: SchemaModel;
  includeBookkeeping: boolean;
  shownGraph: ErdGraph;
  /** A focus or path view is shown instead of the map. */
  focused: boolean;
  expanded: readonly string[];
  setExpanded: Dispatch<SetStateAction<readonly string[]>>;
  keysOnly: boolean;
  selectedId: string | null;
}): ClusterMap & { toggle: (id: string) => void } {
  const flow = useReactFlow();
  const clusters = useMemo(() => clusterSchema(model, CLUSTER_THRESHOLD, { includeBookkeeping }), [model, includeBookkeeping]);
  const view = useMemo(
    () => (clusters && shownGraph.nodes.length > CLUSTER_THRESHOLD ? shownClusters(shownGraph, clusters) : null),
    [clusters, shownGraph],
  );
  const active = view !== null && !focused;
  const layout = useClusterLayout({ env, view, graph: shownGraph, expanded, keysOnly });

  const flowParts = useMemo(() => {
    if (!view || !layout.boxes) return null;
    const { tableEdges, tableEnds, links } = clusterLinks(shownGraph, view.clusterOf, layout.open);
    const parentOf = new Map<string, string>();
    for (const node of shownGraph.nodes) {
      const cluster = view.clusterOf.get(node.id)!;
      if (layout.open.has(cluster)) parentOf.set(node.id, cluster);
    }
    return { graph: { nodes: shownGraph.nodes.filter((n) => parentOf.has(n.id)), edges: tableEdges }, tableEnds, links, parentOf };
  }, [view, layout.boxes, layout.open, shownGraph]);

  const pendingFit = useRef<string | null>(null);
  const toggle = useCallback(
    (id: string) => {
      setExpanded((list) => {
        if (list.includes(id)) return list.filter((c) => c !== id);
        pendingFit.current = id;
        return [...list, id];
      });
    },
    [setExpanded],
  );
  // An expanded cluster: once its tables are laid out, bring it into view.
  useEffect(() => {
    const id = pendingFit.current;
    const box = id ? layout.boxes?.[id] : undefined;
    if (!id || !box || !layout.open.has(id)) return;
    pendingFit.current = null;
    requestAnimationFrame(() => void flow.fitBounds(box, { padding: 0.08, duration: 350 }));
  }, [layout.boxes, layout.open, flow]);

  const names = useMemo(() => new Map(view?.clusters.map((c) => [c.id, c.name]) ?? []), [view]);
  const nodes = useMemo(() => (view && layout.boxes ? buildClusterNodes(view.clusters, layout.boxes, layout, toggle) : []), [view, layout, toggle]);
  const layer = useMemo<ClusterLayer | undefined>(
    () =>
      active && flowParts
        ? { nodes, edges: buildClusterEdges(flowParts.links, names, selectedId), parentOf: flowParts.parentOf, handleEdges: flowParts.tableEnds }
        : undefined,
    [active, flowParts, nodes, names, selectedId],
  );
  return { view, active, layout, graph: flowParts?.graph ?? EMPTY_GRAPH, layer, names, toggle };
}
