import { ERD_LAYOUT_OPTIONS, positionsFromElk, schemaGroupId, toElkGraph, type ElkNode } from './elk-graph';
import type { ErdGraph } from './graph';

/*
 * The ERD's whole-diagram layout as ELK input and output, pure: the browser's layout worker
 * and the server's cached layout (server-layout.ts) build and read it the same way.
 */

export interface XY {
  x: number;
  y: number;
}

/** Runs ELK on one graph: the browser's worker, a server thread, or ELK in this process. */
export type RunElk = (graph: ElkNode) => Promise<ElkNode>;

/** Top-left corner per table id. */
export type Positions = Record<string, XY>;

/** ELK's route per edge id, absolute points: drawn while both ends stay where ELK put them. */
export type Routes = Record<string, XY[]>;

/** Above this many tables, a schema is packed in rows instead of layered (see below). */
export const LAYERED_LIMIT = 300;

/**
 * From this many tables a schema's layered layout trades a little crossing minimisation for
 * speed: one sweep instead of several, no greedy switch (measured: 300 tables 956 → 336 ms).
 */
const QUICK_LAYERED_FROM = 100;
const QUICK_LAYERED = { 'elk.layered.thoroughness': '1', 'elk.layered.crossingMinimization.greedySwitch.type': 'OFF' };

/**
 * ELK's input as lib/erd builds it, with the overall arrangement adjusted to screens:
 *
 * - each schema is laid out on its own (layered, left to right, within the group) and the
 *   schema groups are then packed into a screen-shaped rectangle. With lib/erd's single
 *   hierarchical layout, unconnected schemas stack into one very tall column (the demo comes
 *   out 1,373 × 8,299 px) and 2,000 tables take minutes;
 * - a schema of more than LAYERED_LIMIT tables is packed in rows in name order: layered
 *   layouts of such graphs are hub-and-spoke towers hundreds of thousands of pixels tall and
 *   take a minute. Focus mode gives those tables a layered neighbourhood view.
 */
export function elkInput(graph: ErdGraph, keysOnly: boolean): ElkNode {
  const root = toElkGraph(graph, { keysOnly, groupBySchema: true });
  const { 'elk.hierarchyHandling': _ignored, ...layered } = ERD_LAYOUT_OPTIONS;
  root.layoutOptions = {
    'elk.algorithm': 'rectpacking',
    'elk.hierarchyHandling': 'SEPARATE_CHILDREN',
    'elk.aspectRatio': '1.6',
    'elk.spacing.nodeNode': '96',
    'elk.padding': '[top=24,left=24,bottom=24,right=24]',
  };
  for (const group of root.children ?? []) {
    const size = group.children?.length ?? 0;
    group.layoutOptions = {
      ...(size > LAYERED_LIMIT ? { 'elk.algorithm': 'rectpacking', 'elk.spacing.nodeNode': '40' } : size > QUICK_LAYERED_FROM ? { ...layered, ...QUICK_LAYERED } : layered),
      'elk.aspectRatio': '1.6',
      ...group.layoutOptions,
    };
  }
  return root;
}

interface ElkSection {
  startPoint: XY;
  endPoint: XY;
  bendPoints?: XY[];
}

type LaidOutNode = ElkNode & { edges?: Array<{ id: string; sections?: ElkSection[] }> };

/**
 * Table positions and, per edge, ELK's orthogonal route in absolute coordinates. ELK gives
 * an edge's points relative to the node it is declared in (the schema group or the root).
 */
export function elkOutput(result: ElkNode): { positions: Positions; routes: Routes } {
  const routes: Routes = {};
  const groupPrefix = schemaGroupId('');
  const visit = (node: LaidOutNode, ox: number, oy: number) => {
    for (const edge of node.edges ?? []) {
      const section = edge.sections?.[0];
      if (!section) continue;
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
      routes[edge.id] = points.map((p) => ({ x: Math.round(p.x + ox), y: Math.round(p.y + oy) }));
    }
    for (const child of node.children ?? []) {
      if (child.id.startsWith(groupPrefix)) visit(child as LaidOutNode, ox + (child.x ?? 0), oy + (child.y ?? 0));
    }
  };
  visit(result as LaidOutNode, 0, 0);
  return { positions: positionsFromElk(result), routes };
}

/** A graph laid out whole (elkInput), by whoever runs ELK, read back as positions and routes. */
export async function layoutGraph(graph: ErdGraph, keysOnly: boolean, runElk: RunElk): Promise<{ positions: Positions; routes: Routes }> {
  return elkOutput(await runElk(elkInput(graph, keysOnly)));
}
