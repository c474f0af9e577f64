import type { ErdGraph } from '@/lib/erd/graph';
import type { Positions, Routes, StoredLayout } from './positions-store';

export interface Size {
  width: number;
  height: number;
}

/**
 * What to lay out, given the remembered positions: nothing (all tables have a place),
 * everything (first visit, or nothing remembered still exists), or only the tables without
 * a place — new ones, and changed ones that grew into a neighbour. Pure, so it is tested
 * without a browser.
 */
export type LayoutPlan =
  | { kind: 'keep'; positions: Positions }
  | { kind: 'all' }
  | { kind: 'place'; kept: Positions; ids: string[] };

export function planLayout(graph: ErdGraph, stored: StoredLayout | null, grown: ReadonlySet<string>, size: (id: string) => Size): LayoutPlan {
  if (graph.nodes.length === 0) return { kind: 'keep', positions: {} };
  if (!stored) return { kind: 'all' };
  const kept: Positions = {};
  for (const node of graph.nodes) {
    const p = stored.positions[node.id];
    if (p && Number.isFinite(p.x) && Number.isFinite(p.y)) kept[node.id] = p;
  }
  if (Object.keys(kept).length === 0) return { kind: 'all' };
  // A table that grew (new columns) and now overlaps another is placed again.
  for (const id of grown) {
    if (kept[id] && overlapsAny(id, kept, size)) delete kept[id];
  }
  const ids = graph.nodes.filter((n) => !kept[n.id]).map((n) => n.id);
  return ids.length === 0 ? { kind: 'keep', positions: kept } : { kind: 'place', kept, ids };
}

function overlapsAny(id: string, positions: Positions, size: (id: string) => Size): boolean {
  const a = positions[id]!;
  const as = size(id);
  for (const [other, b] of Object.entries(positions)) {
    if (other === id) continue;
    const bs = size(other);
    if (a.x < b.x + bs.width && b.x < a.x + as.width && a.y < b.y + bs.height && b.y < a.y + as.height) return true;
  }
  return false;
}

/**
 * Puts freshly laid-out tables (and their routes) in a band below everything already
 * placed, left-aligned, so nobody's arrangement moves and nothing overlaps.
 */
export function placeBelow(
  kept: Positions,
  placed: { positions: Positions; routes: Routes },
  size: (id: string) => Size,
  gap = 160,
): { positions: Positions; routes: Routes } {
  const keptIds = Object.keys(kept);
  const placedIds = Object.keys(placed.positions);
  if (keptIds.length === 0 || placedIds.length === 0) return { positions: { ...kept, ...placed.positions }, routes: placed.routes };
  let minX = Infinity;
  let maxY = -Infinity;
  for (const id of keptIds) {
    minX = Math.min(minX, kept[id]!.x);
    maxY = Math.max(maxY, kept[id]!.y + size(id).height);
  }
  let pMinX = Infinity;
  let pMinY = Infinity;
  for (const id of placedIds) {
    pMinX = Math.min(pMinX, placed.positions[id]!.x);
    pMinY = Math.min(pMinY, placed.positions[id]!.y);
  }
  const dx = minX - pMinX;
  const dy = maxY + gap - pMinY;
  const positions: Positions = { ...kept };
  for (const id of placedIds) positions[id] = { x: placed.positions[id]!.x + dx, y: placed.positions[id]!.y + dy };
  const routes: Routes = {};
  for (const [id, points] of Object.entries(placed.routes)) routes[id] = points.map((p) => ({ x: p.x + dx, y: p.y + dy }));
  return { positions, routes };
}
