'use client';

import { BaseEdge, EdgeLabelRenderer, getBezierPath, getStraightPath, type Edge, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

export type ClusterEdgeData = {
  /** How many relationships the line stands for. */
  count: number;
  inferred: boolean;
  /** One end is a table of an expanded cluster (its column's row): a curve from the row. */
  fromTable: boolean;
  /** Touches the selected table. */
  active: boolean;
  title: string;
};

export type ClusterFlowEdge = Edge<ClusterEdgeData, 'cluster'>;

/** Thicker for more keys: 1.5 px for one, +1.5 px per doubling, at most 9 px. */
export function clusterStrokeWidth(count: number): number {
  return Math.min(9, 1.5 + Math.log2(Math.max(1, count)) * 1.5);
}

/**
 * The keys between two clusters (or between a table and a cluster) as one line, as thick as
 * there are keys, labelled with their number (from two up: a thin line is one). Inferred
 * relationships get a line of their own, dotted and amber like single inferred edges; the
 * tooltip says what the line stands for.
 */
function ClusterEdgeView({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd }: EdgeProps<ClusterFlowEdge>) {
  if (!data) return null;
  const [path, labelX, labelY] = data.fromTable
    ? getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition })
    : getStraightPath({ sourceX, sourceY, targetX, targetY });
  const stroke = data.active ? '#2563eb' : data.inferred ? '#d97706' : '#64748b';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        interactionWidth={16}
        style={{ stroke, strokeOpacity: data.active ? 0.95 : 0.6, strokeWidth: clusterStrokeWidth(data.count), strokeDasharray: data.inferred ? '3 6' : undefined }}
      />
      {(data.count > 1 || data.active) && (
        <EdgeLabelRenderer>
          <div
            title={data.title}
            data-testid="cluster-edge-label"
            className={`nodrag nopan pointer-events-auto absolute rounded-full border px-1.5 py-px text-[12px] font-medium ${
              data.inferred ? 'border-amber-300 bg-amber-50 text-amber-900' : 'border-zinc-300 bg-white text-zinc-700'
            }`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {data.count}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const ClusterEdge = memo(ClusterEdgeView);
