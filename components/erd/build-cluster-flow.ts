import { MarkerType } from '@xyflow/react';
import type { Box, ClusterLink, ShownCluster } from '@/lib/erd/cluster-view';
import type { ClusterFlowEdge } from './cluster-edge';
import type { ClusterFlowNode } from './cluster-node';
import { schemaColor } from './schema-colors';

/**
 * React Flow nodes and edges of the cluster map (components/erd/cluster-node, cluster-edge),
 * from lib/erd/cluster-view's clusters, boxes and links.
 */
export function buildClusterNodes(
  clusters: ShownCluster[],
  boxes: Record<string, Box>,
  state: { open: ReadonlySet<string>; busy: ReadonlySet<string> },
  onToggle: (id: string) => void,
): ClusterFlowNode[] {
  const out: ClusterFlowNode[] = [];
  for (const cluster of clusters) {
    const box = boxes[cluster.id];
    if (!box) continue;
    const expanded = state.open.has(cluster.id);
    out.push({
      id: cluster.id,
      type: 'cluster',
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      data: {
        cluster,
        expanded,
        busy: state.busy.has(cluster.id),
        width: box.width,
        height: box.height,
        color: schemaColor(cluster.name.slice(0, cluster.name.indexOf('.'))),
        onToggle,
      },
      draggable: false,
      selectable: false,
      // Lines between other clusters pass under a frame, not across its tables.
      zIndex: 0,
      ariaLabel: `Cluster ${cluster.name}, ${cluster.tables.length} tables${expanded ? ', expanded' : ''}`,
    });
  }
  return out;
}

const MARKER = { type: MarkerType.ArrowClosed, width: 12, height: 12, color: '#64748b' } as const;

export function buildClusterEdges(links: ClusterLink[], clusterNames: ReadonlyMap<string, string>, selected: string | null): ClusterFlowEdge[] {
  return links.map((link) => {
    const fromTable = link.sourceHandle !== null || link.targetHandle !== null;
    const name = (id: string) => clusterNames.get(id) ?? id;
    const what = link.inferred ? `${link.count} inferred relationship${link.count === 1 ? '' : 's'}` : `${link.count} foreign key${link.count === 1 ? '' : 's'}`;
    const active = selected !== null && (link.source === selected || link.target === selected);
    return {
      id: link.id,
      source: link.source,
      target: link.target,
      sourceHandle: link.sourceHandle,
      targetHandle: link.targetHandle,
      type: 'cluster',
      focusable: false,
      selectable: false,
      markerEnd: fromTable ? MARKER : undefined,
      zIndex: active ? 5 : 0,
      data: { count: link.count, inferred: link.inferred, fromTable, active, title: `${what}: ${name(link.source)} → ${name(link.target)}` },
    };
  });
}
