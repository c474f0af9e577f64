'use client';

import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  Panel,
  ReactFlow,
  useNodesState,
  useStore,
  type Node,
  type NodeMouseHandler,
  type OnNodeDrag,
  type OnSelectionChangeFunc,
  type ReactFlowState,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { ErdEdge, ErdGraph } from '@/lib/erd/graph';
import { activateEdges, buildEdges, buildNodeData, buildSchemaGroups, DENSE_EDGES, type ChangeMarks } from './build-flow';
import { ClusterEdge, type ClusterFlowEdge } from './cluster-edge';
import { ClusterNode, type ClusterFlowNode } from './cluster-node';
import { FkEdge } from './fk-edge';
import { DETAIL_ZOOM } from './node-geometry';
import type { Positions, Routes } from './positions-store';
import { SchemaGroupNode, type SchemaGroupFlowNode } from './schema-group-node';
import { TableNode, type TableFlowNode } from './table-node';

type FlowNode = TableFlowNode | SchemaGroupFlowNode | ClusterFlowNode;

const nodeTypes = { table: TableNode, schema: SchemaGroupNode, cluster: ClusterNode };
const detailSelector = (s: ReactFlowState) => s.transform[2] >= DETAIL_ZOOM;
const edgeTypes = { fk: FkEdge, cluster: ClusterEdge };
const VISIBLE_ONLY_FROM = 250;

/** A big schema's cluster map (components/erd/build-cluster-flow): drawn with the tables of its expanded clusters. */
export interface ClusterLayer {
  nodes: ClusterFlowNode[];
  edges: ClusterFlowEdge[];
  /** Table id → its expanded cluster's id: the table is drawn inside that group node. */
  parentOf: ReadonlyMap<string, string>;
  /** Relationships from the shown tables to collapsed clusters: their rows need handles too. */
  handleEdges: ErdEdge[];
}

export interface Highlight {
  tableId: string;
  column: string | null;
}

export interface ErdCanvasProps {
  graph: ErdGraph;
  positions: Positions;
  routes: Routes;
  keysOnly: boolean;
  marks: ChangeMarks;
  highlight: Highlight | null;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  onMove: (updates: Positions) => void;
  onPaneClick: () => void;
  /** The overview in the corner (default true); small embedded diagrams go without it. */
  minimap?: boolean;
  /** Set for a big schema's cluster map; `positions` are then absolute, for the expanded clusters' tables. */
  clusters?: ClusterLayer;
}

/**
 * React Flow, fed from the graph: one node per table (memoised, invisible handles on the
 * rows that take part in a relationship), one edge per foreign key. Only what is on screen
 * is rendered; positions come from the layout and go back to it after a drag.
 */
export function ErdCanvas({ graph, positions, routes, keysOnly, marks, highlight, selectedId, onSelect, onMove, onPaneClick, minimap = true, clusters }: ErdCanvasProps) {
  const handleEdges = clusters?.handleEdges;
  const base = useMemo(
    () => buildNodeData(handleEdges?.length ? { nodes: graph.nodes, edges: [...graph.edges, ...handleEdges] } : graph, keysOnly, marks),
    [graph, handleEdges, keysOnly, marks],
  );
  const data = useMemo(() => {
    if (!highlight) return base;
    const d = base.get(highlight.tableId);
    if (!d) return base;
    const copy = new Map(base);
    copy.set(highlight.tableId, { ...d, highlighted: true, highlightColumn: highlight.column });
    return copy;
  }, [base, highlight]);
  const groups = useMemo(() => (clusters ? [] : buildSchemaGroups(graph, positions, base)), [clusters, graph, positions, base]);
  const clusterNodes = clusters?.nodes;
  const parentOf = clusters?.parentOf;

  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);
  const selectedRef = useRef(selectedId);
  selectedRef.current = selectedId;
  const nodesRef = useRef(nodes);
  nodesRef.current = nodes;

  useEffect(() => {
    setNodes((previous) => {
      const before = new Map(previous.map((n) => [n.id, n]));
      // Parents (expanded clusters) before their children, as React Flow requires.
      const next: FlowNode[] = [...groups, ...(clusterNodes ?? [])];
      const parents = new Map((clusterNodes ?? []).map((n) => [n.id, n.position]));
      for (const table of graph.nodes) {
        const absolute = positions[table.id];
        const d = data.get(table.id);
        if (!absolute || !d) continue;
        const parentId = parentOf?.get(table.id);
        const parent = parentId ? parents.get(parentId) : undefined;
        if (parentId && !parent) continue;
        const position = parent ? { x: absolute.x - parent.x, y: absolute.y - parent.y } : absolute;
        const old = before.get(table.id) as TableFlowNode | undefined;
        if (old && old.data === d && old.position.x === position.x && old.position.y === position.y && old.parentId === parentId) {
          next.push(old);
          continue;
        }
        next.push({
          ...old,
          id: table.id,
          type: 'table',
          position,
          data: d,
          width: d.width,
          height: d.height,
          // A node appearing already selected (a link's `table=`) starts selected, or React Flow
          // would report an empty selection and close the panel.
          selected: old?.selected ?? table.id === selectedRef.current,
          parentId,
          // Inside a cluster the layout is the cluster's: tables are not dragged out of it.
          draggable: !parentId,
          ariaLabel: `Table ${table.schema}.${table.name}, ${table.columns.length} columns${d.diff && d.change ? `, ${d.change}` : ''}`,
        });
      }
      return next;
    });
  }, [graph, data, positions, groups, clusterNodes, parentOf, setNodes]);

  // Selection made outside the canvas (panel links, search): mirror it on the nodes.
  useEffect(() => {
    setNodes((previous) => {
      let changed = false;
      const next = previous.map((n) => {
        const want = n.type === 'table' && n.id === selectedId;
        if (!!n.selected === want) return n;
        changed = true;
        return { ...n, selected: want };
      });
      return changed ? next : previous;
    });
  }, [selectedId, setNodes]);

  const baseEdges = useMemo(() => buildEdges(graph, routes), [graph, routes]);
  // Zoomed out on a big schema, thousands of lines are noise and slow to paint: only the
  // selected (or searched) table's relationships are drawn until the user zooms in.
  const detailed = useStore(detailSelector);
  const sparse = !detailed && baseEdges.length > DENSE_EDGES;
  const focusId = selectedId ?? highlight?.tableId ?? null;
  const clusterEdges = clusters?.edges;
  const edges = useMemo(() => {
    const active = activateEdges(baseEdges, focusId);
    const tableEdges = sparse ? active.filter((e) => e.source === focusId || e.target === focusId) : active;
    return clusterEdges ? [...clusterEdges, ...tableEdges] : tableEdges;
  }, [baseEdges, focusId, sparse, clusterEdges]);

  const onSelectionChange = useCallback<OnSelectionChangeFunc>(
    ({ nodes: selected }) => {
      const table = selected.find((n) => n.type === 'table');
      if (table) return onSelect(table.id);
      // A selected table that left the canvas for a moment (a new layout on its way) stays
      // selected: only deselecting a table that is drawn clears the panel.
      const current = selectedRef.current;
      if (current && !nodesRef.current.some((n) => n.id === current)) return;
      onSelect(null);
    },
    [onSelect],
  );

  const onNodeDragStop = useCallback<OnNodeDrag<FlowNode>>(
    (_event, _node, dragged) => {
      const updates: Positions = {};
      for (const n of dragged) if (n.type === 'table') updates[n.id] = { x: n.position.x, y: n.position.y };
      onMove(updates);
    },
    [onMove],
  );

  const onNodeClick = useCallback<NodeMouseHandler<FlowNode>>((_e, node) => {
    if (node.type === 'table') onSelect(node.id);
  }, [onSelect]);

  return (
    <ReactFlow<FlowNode, ReturnType<typeof activateEdges>[number] | ClusterFlowEdge>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onSelectionChange={onSelectionChange}
      onNodeClick={onNodeClick}
      onNodeDragStop={onNodeDragStop}
      onPaneClick={onPaneClick}
      // Thousands of nodes: only what is on screen is in the DOM. A few hundred render whole,
      // so what a view holds is in the page (and in its tests) wherever the camera is.
      onlyRenderVisibleElements={nodes.length > VISIBLE_ONLY_FROM}
      nodesConnectable={false}
      edgesFocusable={false}
      deleteKeyCode={null}
      minZoom={0.02}
      maxZoom={2}
      defaultViewport={{ x: 0, y: 0, zoom: 0.1 }}
      proOptions={{ hideAttribution: false }}
      aria-label="Entity-relationship diagram"
      ariaLabelConfig={{ 'controls.fitView.ariaLabel': 'Zoom to fit' }}
    >
      <Background variant={BackgroundVariant.Dots} gap={24} size={1} color="#d4d4d8" />
      {minimap && (
        <MiniMap<FlowNode>
          pannable
          zoomable
          ariaLabel="Overview of the whole diagram"
          nodeColor={minimapColor}
          nodeStrokeWidth={0}
          maskColor="rgba(244, 244, 245, 0.7)"
          className="!rounded-lg !border !border-zinc-200 !shadow-sm"
        />
      )}
      <Controls showInteractive={false} fitViewOptions={{ padding: 0.1, maxZoom: 1, duration: 300 }} />
      {sparse && (
        <Panel position="bottom-center" className="rounded-md border border-zinc-200 bg-white/90 px-3 py-1 text-xs text-zinc-600 shadow-sm">
          Zoom in to see all relationships, or select a table to see its own.
        </Panel>
      )}
    </ReactFlow>
  );
}

function minimapColor(node: Node): string {
  if (node.type === 'schema') return 'transparent';
  if (node.type === 'cluster') return `${(node as ClusterFlowNode).data.color.header}66`;
  return (node as TableFlowNode).data.color.header;
}
