import { Fnv1a64 } from './fingerprint';
import { type ErdGraph, type ErdNode, parseHandleId } from './graph';
import { nodeRows, nodeSize, rowCenterY } from './node-geometry';

/** Re-exported: the UI sizes nodes with the same functions the layout uses. */
export { ERD_NODE_METRICS, type NodeRows, nodeRows, nodeSize, rowCenterY } from './node-geometry';

/*
 * ELK's JSON graph, declared here (structurally identical to elkjs's `ElkNode`) so that lib/erd
 * builds and reads ELK's JSON without elkjs: the UI runs ELK in a Web Worker. The one
 * exception is server-layout.ts, which runs ELK on the server to cache whole layouts.
 */

/** ELK layout options: string keys, string values. */
export type ElkLayoutOptions = Record<string, string>;

/** A port (connection point) on a node, positioned relative to the node's top-left corner. */
export interface ElkPort {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  layoutOptions?: ElkLayoutOptions;
}

/** An edge between nodes or ports (ids in `sources` / `targets`). */
export interface ElkEdge {
  id: string;
  sources: string[];
  targets: string[];
  layoutOptions?: ElkLayoutOptions;
}

/** A node: a table, a schema group, or the root; x/y relative to the parent after layout. */
export interface ElkNode {
  id: string;
  x?: number;
  y?: number;
  width?: number;
  height?: number;
  labels?: Array<{ text?: string; width?: number; height?: number }>;
  layoutOptions?: ElkLayoutOptions;
  ports?: ElkPort[];
  children?: ElkNode[];
  edges?: ElkEdge[];
}

/**
 * ELK id of a column handle's port. NUL cannot occur in a PostgreSQL identifier, so the id can
 * never collide with a table id or another port, whatever the names contain.
 */
export function portId(tableId: string, handle: string): string {
  return `${tableId}\u0000${handle}`;
}

/** ELK id of a schema's group node; the NUL prefix keeps it apart from every table id. */
export function schemaGroupId(schema: string): string {
  return `\u0000schema:${schema}`;
}

/**
 * Options chosen for ERDs of up to thousands of tables (measured with elkjs 0.12 on the
 * synthetic 1,000-table model, grouped: about 9 s in a worker):
 * - layered, RIGHT: referencing tables to the left of what they reference, FKs flow one way;
 * - ORTHOGONAL routing: straight runs into the row ports read best next to tabular nodes, and
 *   layered reserves channel space between layers for them (splines need more room);
 * - generous between-layer spacing so edges run in the gaps instead of across tables;
 * - LINEAR_SEGMENTS placement: as fast as Brandes-Koepf here but half the height, and long
 *   FKs stay straight; NETWORK_SIMPLEX placement was 3x slower;
 * - no `considerModelOrder`: it made the 1,000-table layout 8x slower (53 s). Layout stays
 *   deterministic through the fixed random seed and the graph's stable order;
 * - INCLUDE_CHILDREN, so edges between schema groups take part in the layout.
 */
export const ERD_LAYOUT_OPTIONS: ElkLayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '120',
  'elk.layered.spacing.edgeNodeBetweenLayers': '32',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '12',
  'elk.spacing.nodeNode': '48',
  'elk.spacing.edgeNode': '24',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.componentComponent': '96',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  'elk.layered.unnecessaryBendpoints': 'true',
  'elk.separateConnectedComponents': 'true',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.randomSeed': '1',
};

/** Padding of a schema group: room at the top for the schema name. */
const GROUP_PADDING = '[top=48,left=24,bottom=24,right=24]';

/** How the ELK graph is built. */
export interface ElkGraphOptions {
  /** Show only key rows (pk/fk/unique); nodes shrink accordingly. */
  keysOnly: boolean;
  /** Wrap each schema's tables in a group node. */
  groupBySchema: boolean;
}

/**
 * Builds ELK's input for the graph. Each table gets a fixed size (from {@link nodeSize}) and,
 * for every handle an edge attaches to, a port at that row's height (`FIXED_POS`): source
 * ports on the east side, target ports on the west side, so ELK routes FKs to the right rows.
 * Only handles in use get ports: 20,000 idle ports would only slow ELK down.
 * Edges live in the lowest common container (the schema group, or the root).
 */
export function toElkGraph(graph: ErdGraph, options: ElkGraphOptions): ElkNode {
  const usedHandles = handlesInUse(graph);
  const tableNodes = new Map<string, ElkNode>();
  for (const node of graph.nodes) {
    tableNodes.set(node.id, tableElkNode(node, options.keysOnly, usedHandles.get(node.id)));
  }
  const schemaOf = new Map(graph.nodes.map((node) => [node.id, node.schema]));
  const root: ElkNode = { id: 'root', layoutOptions: { ...ERD_LAYOUT_OPTIONS }, children: [], edges: [] };
  const groups = new Map<string, ElkNode>();

  for (const node of graph.nodes) {
    const elkNode = tableNodes.get(node.id) as ElkNode;
    if (!options.groupBySchema) {
      root.children!.push(elkNode);
      continue;
    }
    let group = groups.get(node.schema);
    if (!group) {
      group = {
        id: schemaGroupId(node.schema),
        labels: [{ text: node.schema }],
        layoutOptions: { 'elk.padding': GROUP_PADDING },
        children: [],
        edges: [],
      };
      groups.set(node.schema, group);
      root.children!.push(group);
    }
    group.children!.push(elkNode);
  }

  for (const edge of graph.edges) {
    if (!tableNodes.has(edge.source) || !tableNodes.has(edge.target)) continue;
    const source = portId(edge.source, edge.sourceHandle);
    const target = portId(edge.target, edge.targetHandle);
    const sameSchema = schemaOf.get(edge.source) === schemaOf.get(edge.target);
    const container = options.groupBySchema && sameSchema ? groups.get(schemaOf.get(edge.source)!)! : root;
    container.edges!.push({ id: edge.id, sources: [source], targets: [target] });
  }
  return root;
}

/**
 * Absolute top-left positions of the tables in a laid-out ELK graph. ELK gives children
 * coordinates relative to their parent, so group offsets are added back; React Flow wants
 * absolute positions.
 */
export function positionsFromElk(result: ElkNode): Record<string, { x: number; y: number }> {
  const positions: Record<string, { x: number; y: number }> = {};
  const visit = (node: ElkNode, offsetX: number, offsetY: number) => {
    for (const child of node.children ?? []) {
      const x = offsetX + (child.x ?? 0);
      const y = offsetY + (child.y ?? 0);
      if (isGroupId(child.id)) visit(child, x, y);
      else positions[child.id] = { x, y };
    }
  };
  visit(result, 0, 0);
  return positions;
}

/** Absolute bounds of each schema group after layout, keyed by schema: the UI draws these boxes. */
export function groupBoundsFromElk(
  result: ElkNode,
): Record<string, { x: number; y: number; width: number; height: number }> {
  const bounds: Record<string, { x: number; y: number; width: number; height: number }> = {};
  for (const child of result.children ?? []) {
    if (!isGroupId(child.id)) continue;
    bounds[child.id.slice(schemaGroupId('').length)] = {
      x: child.x ?? 0,
      y: child.y ?? 0,
      width: child.width ?? 0,
      height: child.height ?? 0,
    };
  }
  return bounds;
}

/**
 * A short, stable fingerprint of everything that affects layout: nodes with their sizes and
 * visible rows, and edges with their handles. The UI re-runs ELK only when it changes (not
 * when a comment, an estimate or a classification does). `groupBySchema` is part of the key
 * when given, since grouping changes the layout too.
 */
export function layoutKey(graph: ErdGraph, keysOnly: boolean, groupBySchema = false): string {
  const hash = new Fnv1a64();
  hash.add(keysOnly ? 'k' : 'a').add(groupBySchema ? 'g' : 'f');
  for (const node of graph.nodes) {
    const size = nodeSize(node, keysOnly);
    hash.add('\u0001').add(node.id).add(node.schema).add(String(size.width)).add(String(size.height));
    for (const column of nodeRows(node, keysOnly).rows) hash.add('\u0002').add(column.name);
  }
  for (const edge of graph.edges) {
    hash.add('\u0003').add(edge.id).add(edge.source).add(edge.sourceHandle).add(edge.target).add(edge.targetHandle);
  }
  return `${graph.nodes.length}n${graph.edges.length}e-${hash.hex()}`;
}

function tableElkNode(node: ErdNode, keysOnly: boolean, handles: Set<string> | undefined): ElkNode {
  const { width, height } = nodeSize(node, keysOnly);
  const { rows } = nodeRows(node, keysOnly);
  const slotOf = new Map(rows.map((column, slot) => [column.name, slot]));
  const ports: ElkPort[] = [];
  for (const handle of [...(handles ?? [])].sort()) {
    const { column, side } = parseHandleId(handle);
    // A column without a row of its own (beyond the cap) attaches at the "+N more" row.
    const y = rowCenterY(slotOf.get(column) ?? rows.length);
    const east = side === 'source';
    ports.push({
      id: portId(node.id, handle),
      x: east ? width : 0,
      y,
      width: 0,
      height: 0,
      layoutOptions: { 'elk.port.side': east ? 'EAST' : 'WEST' },
    });
  }
  return { id: node.id, width, height, layoutOptions: { 'elk.portConstraints': 'FIXED_POS' }, ports };
}

function handlesInUse(graph: ErdGraph): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  const add = (tableId: string, handle: string) => {
    const set = used.get(tableId);
    if (set) set.add(handle);
    else used.set(tableId, new Set([handle]));
  };
  for (const edge of graph.edges) {
    add(edge.source, edge.sourceHandle);
    add(edge.target, edge.targetHandle);
  }
  return used;
}

function isGroupId(id: string): boolean {
  return id.startsWith(schemaGroupId(''));
}
