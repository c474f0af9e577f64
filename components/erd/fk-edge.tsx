'use client';

import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type Edge, type EdgeProps, type ReactFlowState } from '@xyflow/react';
import { memo } from 'react';
import { DETAIL_ZOOM } from './node-geometry';
import type { XY } from './positions-store';

export type FkEdgeData = {
  label: string;
  optional: boolean;
  multiColumn: boolean;
  selfReference: boolean;
  /** Touches the selected table: drawn on top, coloured and animated. */
  active: boolean;
  /** One of very many: drawn thin and pale, without a label, unless active. */
  dense: boolean;
  /** ELK's orthogonal route, used while both ends are still where ELK put them. */
  route: XY[] | null;
  title: string;
  /** No key declares it (lib/erd/inferred.ts): dotted, amber, labelled "inferred". */
  inferred: boolean;
};

export type FkFlowEdge = Edge<FkEdgeData, 'fk'>;

const detailSelector = (s: ReactFlowState) => s.transform[2] >= DETAIL_ZOOM;

/**
 * A foreign key, from the referencing column's row to the referenced column's row. It follows
 * ELK's route (around tables, in the channels between layers) until a table is dragged, then a
 * curve. Optional (nullable) keys are dashed, multi-column keys doubled; a self-reference is a
 * loop outside the table's right edge, so it never hides behind the table itself.
 */
function FkEdgeView(props: EdgeProps<FkFlowEdge>) {
  const { sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd, id } = props;
  const detailed = useStore(detailSelector);
  if (!data) return null;
  const [path, labelX, labelY] = edgePath(data, { x: sourceX, y: sourceY }, { x: targetX, y: targetY }, () =>
    getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition }),
  );
  const faint = data.dense && !data.active;
  const stroke = data.active ? '#2563eb' : data.inferred ? '#d97706' : faint ? '#cbd5e1' : '#94a3b8';
  const width = data.active ? 2.25 : faint ? 1 : 1.5;
  return (
    <>
      {data.multiColumn && !faint && <path d={path} fill="none" stroke={stroke} strokeOpacity={0.3} strokeWidth={width + 4} className="pointer-events-none" />}
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={12}
        style={{ stroke, strokeWidth: width, strokeDasharray: data.inferred ? '2 4' : data.optional && !data.active && !faint ? '6 4' : undefined }}
      />
      {detailed && !faint && data.label && (
        <EdgeLabelRenderer>
          <div
            title={data.title}
            data-testid="edge-label"
            className={`nodrag nopan pointer-events-auto absolute rounded-full border px-1.5 py-px font-mono text-[10px] leading-tight ${
              data.active ? 'border-blue-300 bg-blue-50 text-blue-800' : 'border-zinc-200 bg-white text-zinc-600'
            }`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)`, zIndex: data.active ? 2 : 1 }}
          >
            {data.label}
            {data.multiColumn ? ' ⧉' : ''}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const FkEdge = memo(FkEdgeView);

function near(a: XY, b: XY): boolean {
  return Math.abs(a.x - b.x) <= 3 && Math.abs(a.y - b.y) <= 3;
}

function edgePath(data: FkEdgeData, source: XY, target: XY, curve: () => [string, number, number, ...number[]]): [string, number, number] {
  const route = data.route;
  if (route && route.length >= 2 && near(route[0]!, source) && near(route[route.length - 1]!, target)) {
    const points = [source, ...route.slice(1, -1), target];
    // Self-references share both ends' table: label them near their own source row.
    return [roundedPolyline(points), ...pointAlong(points, data.selfReference ? 0.2 : 0.5)];
  }
  if (data.selfReference) {
    // Both ends drawn on the right edge: out from the source row, back in at the target row.
    const out = 48;
    const dy = Math.abs(target.y - source.y) < 8 ? 24 : 0;
    const endY = target.y + dy;
    return [`M ${source.x},${source.y} C ${source.x + out},${source.y} ${source.x + out},${endY} ${source.x + 6},${endY}`, source.x + out * 0.75, (source.y + endY) / 2];
  }
  const [path, x, y] = curve();
  return [path, x, y];
}

/** An orthogonal polyline with rounded corners (radius up to 8, less on short segments). */
function roundedPolyline(points: XY[]): string {
  let d = `M ${points[0]!.x},${points[0]!.y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const prev = points[i - 1]!;
    const at = points[i]!;
    const next = points[i + 1]!;
    const r = Math.min(8, dist(prev, at) / 2, dist(at, next) / 2);
    const a = towards(at, prev, r);
    const b = towards(at, next, r);
    d += ` L ${a.x},${a.y} Q ${at.x},${at.y} ${b.x},${b.y}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L ${last.x},${last.y}`;
}

function dist(a: XY, b: XY): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function towards(from: XY, to: XY, length: number): XY {
  const d = dist(from, to) || 1;
  return { x: from.x + ((to.x - from.x) * length) / d, y: from.y + ((to.y - from.y) * length) / d };
}

/** The point at `fraction` of the polyline's length, where the label sits. */
function pointAlong(points: XY[], fraction: number): [number, number] {
  let total = 0;
  for (let i = 1; i < points.length; i++) total += dist(points[i - 1]!, points[i]!);
  let left = total * fraction;
  for (let i = 1; i < points.length; i++) {
    const seg = dist(points[i - 1]!, points[i]!);
    if (left <= seg) {
      const p = towards(points[i - 1]!, points[i]!, left);
      return [p.x, p.y];
    }
    left -= seg;
  }
  return [points[0]!.x, points[0]!.y];
}
