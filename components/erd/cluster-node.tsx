'use client';

import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { ShownCluster } from '@/lib/erd/cluster-view';
import { EXPANDED_PADDING } from '@/lib/erd/cluster-view';
import type { SchemaColor } from './schema-colors';

export type ClusterNodeData = {
  cluster: ShownCluster;
  expanded: boolean;
  /** Its tables are being laid out (expanding). */
  busy: boolean;
  width: number;
  height: number;
  color: SchemaColor;
  onToggle: (id: string) => void;
};

export type ClusterFlowNode = Node<ClusterNodeData, 'cluster'>;

/** Lines between clusters run centre to centre, under the boxes: one invisible handle each way, in the middle. */
const CENTRE = { left: '50%', top: '50%', opacity: 0, pointerEvents: 'none' } as const;

/**
 * One cluster of a big schema (lib/erd/clusters.ts). Collapsed: a box with the name of its
 * most central table, how many tables and keys it holds, its leading tables and an Expand
 * button. Expanded: a frame (a React Flow group node: its tables are its children) with the
 * name and a Collapse button on top.
 */
function ClusterView({ data }: NodeProps<ClusterFlowNode>) {
  const { cluster, expanded, busy, color } = data;
  const [schema, name] = splitId(cluster.name);
  const summary = `${count(cluster.tables.length, 'table')} · ${count(cluster.innerKeys, 'key')} inside`;
  const button = (
    <button
      type="button"
      className="nodrag rounded-md border border-zinc-300 bg-white px-2.5 py-1 text-[15px] font-medium text-zinc-800 shadow-sm hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-blue-600 disabled:opacity-60"
      onClick={(e) => {
        e.stopPropagation();
        data.onToggle(cluster.id);
      }}
      disabled={busy}
      aria-expanded={expanded}
      aria-label={`${expanded ? 'Collapse' : 'Expand'} cluster ${cluster.name} (${count(cluster.tables.length, 'table')})`}
    >
      {busy ? 'Laying out…' : expanded ? 'Collapse' : 'Expand'}
    </button>
  );
  const handles = (
    <>
      <Handle type="target" position={Position.Top} style={CENTRE} isConnectable={false} />
      <Handle type="source" position={Position.Bottom} style={CENTRE} isConnectable={false} />
    </>
  );

  if (expanded) {
    return (
      <div
        data-testid={`erd-cluster-${cluster.id}`}
        data-expanded="true"
        className="rounded-2xl border-2"
        style={{ width: data.width, height: data.height, borderColor: `${color.header}88`, background: `${color.tint}cc` }}
      >
        {handles}
        <div className="flex items-center gap-3 px-5" style={{ height: EXPANDED_PADDING.top - 8 }}>
          <span className="truncate text-[24px] font-bold tracking-tight" style={{ color: color.ink }} title={cluster.name}>
            {name}
          </span>
          <span className="shrink-0 text-[15px] text-zinc-600">{schema} · {summary}</span>
          <span className="ml-auto shrink-0">{button}</span>
        </div>
      </div>
    );
  }

  return (
    <div
      data-testid={`erd-cluster-${cluster.id}`}
      data-expanded="false"
      className="flex flex-col overflow-hidden rounded-2xl border-2 bg-white shadow-sm"
      style={{ width: data.width, height: data.height, borderColor: color.header }}
      title={`${cluster.name}: ${cluster.tables.length} tables`}
    >
      {handles}
      <div className="px-4 pt-2 pb-1" style={{ background: color.tint }}>
        <div className="truncate text-[26px] leading-tight font-bold tracking-tight" style={{ color: color.ink }}>
          {name}
        </div>
        <div className="truncate text-[14px] text-zinc-600">
          {schema} · {summary}
        </div>
      </div>
      <ul className="min-h-0 flex-1 px-4 pt-1 font-mono text-[13px] leading-[18px] text-zinc-700">
        {cluster.leading.filter((id) => id !== cluster.name).slice(0, 3).map((id) => (
          <li key={id} className="truncate">{splitId(id)[1]}</li>
        ))}
      </ul>
      <div className="flex items-center justify-end px-3 pb-2">{button}</div>
    </div>
  );
}

function splitId(id: string): [string, string] {
  const dot = id.indexOf('.');
  return dot < 0 ? ['', id] : [id.slice(0, dot), id.slice(dot + 1)];
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

export const ClusterNode = memo(ClusterView);
