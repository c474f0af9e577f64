'use client';

import type { Node, NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { SchemaColor } from './schema-colors';

export type SchemaGroupData = { schema: string; tables: number; color: SchemaColor; width: number; height: number };
export type SchemaGroupFlowNode = Node<SchemaGroupData, 'schema'>;

/** The frame behind one PostgreSQL schema's tables: the "grouped by schema" of the layout. */
function SchemaGroupView({ data }: NodeProps<SchemaGroupFlowNode>) {
  return (
    <div
      aria-hidden="true"
      className="pointer-events-none rounded-2xl border-2 border-dashed"
      style={{ width: data.width, height: data.height, borderColor: `${data.color.header}55`, background: `${data.color.tint}99` }}
    >
      <div className="px-4 pt-2 text-[22px] font-bold tracking-tight" style={{ color: data.color.ink }}>
        {data.schema}
        <span className="ml-2 text-[14px] font-medium opacity-70">{data.tables === 1 ? '1 table' : `${data.tables.toLocaleString('en-US')} tables`}</span>
      </div>
    </div>
  );
}

export const SchemaGroupNode = memo(SchemaGroupView);
