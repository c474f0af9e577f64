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
import { useCallback, useEffect, useMemo } from 'react';
import type { ErdGraph } from '@/lib/erd/graph';
import { activateEdges, buildEdges, buildNodeData, buildSchemaGroups, DENSE_EDGES, type ChangeMarks } from './build-flow';
import { FkEdge } from './fk-edge';
import { DETAIL_ZOOM } from './node-geometry';
import type { Positions, Routes } from './positions-store';
import { SchemaGroupNode, type SchemaGroupFlowNode } from './schema-group-node';
import { TableNode, type TableFlowNode } from './table-node';

type FlowNode = TableFlowNode | SchemaGroupFlowNode;

const nodeTypes = { table: TableNode, schema: SchemaGroupNode };
const detailSelector = (s: ReactFlowState) => s.transform[2] >= DETAIL_ZOOM;
const edgeTypes = { fk: FkEdge };

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
}

/**
 * React Flow, fed from the graph: one node per table (memoised, invisible handles on the
 * rows that take part in a relationship), one edge per foreign key. Only what is on screen
 * is rendered; positions come from the layout and go back to it after a drag.
 */
export function ErdCanvas({ graph, positions, routes, keysOnly, marks, highlight, selectedId, onSelect, onMove, onPaneClick, minimap = true }: ErdCanvasProps) {
  const base = useMemo(() => buildNodeData(graph, keysOnly, marks), [graph, keysOnly, marks]);
  const data = useMemo(() => {
    if (!highlight) return base;
    const d = base.get(highlight.tableId);
    if (!d) return base;
    const copy = new Map(base);
    copy.set(highlight.tableId, { ...d, highlighted: true, highlightColumn: highlight.column });
    return copy;
  }, [base, highlight]);
  const groups = useMemo(() => buildSchemaGroups(graph, positions, base), [graph, positions, base]);

  const [nodes, setNodes, onNodesChange] = useNodesState<FlowNode>([]);

  useEffect(() => {
    setNodes((previous) => {
      const before = new Map(previous.map((n) => [n.id, n]));
      const next: FlowNode[] = [...groups];
      for (const table of graph.nodes) {
        const position = positions[table.id];
        const d = data.get(table.id);
        if (!position || !d) continue;
        const old = before.get(table.id) as TableFlowNode | undefined;
        if (old && old.data === d && old.position.x === position.x && old.position.y === position.y) {
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
          selected: old?.selected ?? false,
          ariaLabel: `Table ${table.schema}.${table.name}, ${table.columns.length} columns${d.diff && d.change ? `, ${d.change}` : ''}`,
        });
      }
      return next;
    });
  }, [graph, data, positions, groups, setNodes]);

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
  const edges = useMemo(() => {
    const active = activateEdges(baseEdges, focusId);
    return sparse ? active.filter((e) => e.source === focusId || e.target === focusId) : active;
  }, [baseEdges, focusId, sparse]);

  const onSelectionChange = useCallback<OnSelectionChangeFunc>(
    ({ nodes: selected }) => {
      const table = selected.find((n) => n.type === 'table');
      onSelect(table?.id ?? null);
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
    <ReactFlow<FlowNode, ReturnType<typeof activateEdges>[number]>
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={onNodesChange}
      onSelectionChange={onSelectionChange}
      onNodeClick={onNodeClick}
      onNodeDragStop={onNodeDragStop}
      onPaneClick={onPaneClick}
      onlyRenderVisibleElements
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
  return (node as TableFlowNode).data.color.header;
}
