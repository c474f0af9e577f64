import { MarkerType } from '@xyflow/react';
import type { ErdGraph } from '@/lib/erd/graph';
import type { FkFlowEdge } from './fk-edge';
import { nodeRows, nodeSize, rowCentre } from './node-geometry';
import type { Positions, Routes } from './positions-store';
import { schemaColor } from './schema-colors';
import type { SchemaGroupFlowNode } from './schema-group-node';
import type { ChangeMark, ColumnDiffDetail, NodeHandle, TableNodeData } from './table-node';

export type { ColumnDiffDetail } from './table-node';

/**
 * Pure builders from the ERD graph to what React Flow draws. Each returns new objects only
 * where something changed, so memoised nodes and edges re-render only when they must.
 */
export interface ChangeMarks {
  tables: Map<string, ChangeMark>;
  columns: Map<string, Record<string, ChangeMark>>;
  /**
   * Set when the marks come from a SchemaDiff (the diff ERD) rather than "since your last
   * visit": nodes and rows then carry `data-diff`, and changed columns name what changed.
   */
  diff?: {
    /** Per table: what changed on the table besides its columns, for the badge's tooltip. */
    tableNotes: Map<string, string[]>;
    /** Per table and marked column: the attributes that changed and a before → after tooltip. */
    columns: Map<string, Record<string, ColumnDiffDetail>>;
  };
}

export const NO_MARKS: ChangeMarks = { tables: new Map(), columns: new Map() };

export function buildNodeData(graph: ErdGraph, keysOnly: boolean, marks: ChangeMarks): Map<string, TableNodeData> {
  const handles = new Map<string, Map<string, { type: 'source' | 'target'; column: string }>>();
  const add = (node: string, id: string, type: 'source' | 'target', column: string) => {
    let list = handles.get(node);
    if (!list) handles.set(node, (list = new Map()));
    list.set(id, { type, column });
  };
  for (const edge of graph.edges) {
    add(edge.source, edge.sourceHandle, 'source', columnOf(edge.sourceHandle, edge.sourceColumns[0]));
    add(edge.target, edge.targetHandle, 'target', columnOf(edge.targetHandle, edge.targetColumns[0]));
  }
  const out = new Map<string, TableNodeData>();
  for (const node of graph.nodes) {
    const rows = nodeRows(node, keysOnly);
    const size = nodeSize(node, keysOnly);
    const nodeHandles: NodeHandle[] = [...(handles.get(node.id) ?? new Map()).entries()].map(([id, h]) => ({
      id,
      type: h.type,
      top: rowCentre(rows, h.column),
    }));
    out.set(node.id, {
      table: node,
      rows: rows.rows,
      overflow: rows.overflow,
      width: size.width,
      height: size.height,
      color: schemaColor(node.schema),
      handles: nodeHandles,
      change: marks.tables.get(node.id) ?? null,
      columnChanges: marks.columns.get(node.id) ?? null,
      diff: marks.diff
        ? { notes: marks.diff.tableNotes.get(node.id) ?? [], columns: marks.diff.columns.get(node.id) ?? {} }
        : null,
      highlighted: false,
      highlightColumn: null,
    });
  }
  return out;
}

/** `s:owner_id` → `owner_id` (the handle naming of lib/erd/graph). */
function columnOf(handle: string, fallback: string | undefined): string {
  return /^[st]:/.test(handle) ? handle.slice(2) : (fallback ?? handle);
}

const MARKER = { type: MarkerType.ArrowClosed, width: 14, height: 14, color: '#94a3b8' } as const;
const ACTIVE_MARKER = { ...MARKER, color: '#2563eb' } as const;

/** Above this many relationships the diagram is "dense": unselected lines go pale. */
export const DENSE_EDGES = 300;

export function buildEdges(graph: ErdGraph, routes: Routes): FkFlowEdge[] {
  const dense = graph.edges.length > DENSE_EDGES;
  return graph.edges.map((edge) => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    sourceHandle: edge.sourceHandle,
    targetHandle: edge.targetHandle,
    type: 'fk',
    focusable: false,
    selectable: false,
    markerEnd: MARKER,
    data: {
      label: edge.label,
      optional: edge.optional,
      multiColumn: edge.multiColumn,
      selfReference: edge.selfReference,
      active: false,
      dense,
      route: routes[edge.id] ?? null,
      inferred: edge.inferred !== undefined,
      title: edge.inferred
        ? `inferred, no key declares it: ${edge.inferred}`
        : `${edge.source} (${edge.sourceColumns.join(', ')}) → ${edge.target} (${edge.targetColumns.join(', ')})${edge.optional ? ', optional' : ''}`,
    },
  }));
}

/** Edges touching the selected table: on top, blue, animated. Others keep their objects. */
export function activateEdges(edges: FkFlowEdge[], selected: string | null): FkFlowEdge[] {
  if (!selected) return edges;
  return edges.map((e) =>
    e.source === selected || e.target === selected
      ? { ...e, animated: true, zIndex: 5, markerEnd: ACTIVE_MARKER, data: { ...e.data!, active: true } }
      : e,
  );
}

const GROUP_PAD_X = 28;
const GROUP_PAD_TOP = 52;
const GROUP_PAD_BOTTOM = 28;

/** One frame per schema around its tables (only when more than one schema is shown). */
export function buildSchemaGroups(graph: ErdGraph, positions: Positions, data: Map<string, TableNodeData>): SchemaGroupFlowNode[] {
  const boxes = new Map<string, { minX: number; minY: number; maxX: number; maxY: number; tables: number }>();
  for (const node of graph.nodes) {
    const p = positions[node.id];
    const d = data.get(node.id);
    if (!p || !d) continue;
    const box = boxes.get(node.schema) ?? { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity, tables: 0 };
    box.minX = Math.min(box.minX, p.x);
    box.minY = Math.min(box.minY, p.y);
    box.maxX = Math.max(box.maxX, p.x + d.width);
    box.maxY = Math.max(box.maxY, p.y + d.height);
    box.tables++;
    boxes.set(node.schema, box);
  }
  if (boxes.size < 2) return [];
  return [...boxes.entries()].map(([schema, b]) => {
    const width = b.maxX - b.minX + GROUP_PAD_X * 2;
    const height = b.maxY - b.minY + GROUP_PAD_TOP + GROUP_PAD_BOTTOM;
    return {
      id: `schema:${schema}`,
      type: 'schema',
      position: { x: b.minX - GROUP_PAD_X, y: b.minY - GROUP_PAD_TOP },
      data: { schema, tables: b.tables, color: schemaColor(schema), width, height },
      width,
      height,
      draggable: false,
      selectable: false,
      focusable: false,
      zIndex: -1,
      style: { pointerEvents: 'none' },
    };
  });
}
