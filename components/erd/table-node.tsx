'use client';

import { Handle, Position, useStore, type Node, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { memo } from 'react';
import type { ErdColumn, ErdNode } from '@/lib/erd/graph';
import { shortType } from './format';
import { BLOCK_ZOOM, DETAIL_ZOOM, HEADER_HEIGHT, ROW_HEIGHT } from './node-geometry';
import type { SchemaColor } from './schema-colors';

/**
 * `new`/`changed`: the live ERD's "since your last visit" marks. `added`/`changed`/`removed`:
 * the diff ERD's (components/erd/diff-erd), whose nodes and rows also carry `data-diff`.
 */
export type ChangeMark = 'new' | 'added' | 'changed' | 'removed';

/** The diff ERD's detail for a marked column. */
export interface ColumnDiffDetail {
  /** e.g. ['type', 'nullable']; empty for added and removed columns. */
  attributes: string[];
  /** Before → after, shown as the row's tooltip. */
  title: string | null;
}

/** Present only in the diff ERD. */
export interface NodeDiff {
  /** What changed on the table besides its columns (indexes, constraints…), for the badge's tooltip. */
  notes: string[];
  columns: Record<string, ColumnDiffDetail>;
}

export interface NodeHandle {
  id: string;
  type: 'source' | 'target';
  /** Offset from the node's top edge, px at zoom 1. */
  top: number;
}

export type TableNodeData = {
  table: ErdNode;
  rows: ErdColumn[];
  /** Count shown on the "+N more columns" row (0: no such row). */
  overflow: number;
  width: number;
  height: number;
  color: SchemaColor;
  handles: NodeHandle[];
  change: ChangeMark | null;
  columnChanges: Record<string, ChangeMark> | null;
  /** Diff ERD only (null on the live ERD): the marks are a diff's, with details. */
  diff: NodeDiff | null;
  /** Search hit: the node is ringed, and the column row (if any) marked. */
  highlighted: boolean;
  highlightColumn: string | null;
};

export type TableFlowNode = Node<TableNodeData, 'table'>;

/** 2: full rows; 1: name and column count; 0: a coloured block (thousands on screen). */
const levelSelector = (s: ReactFlowState): 0 | 1 | 2 => (s.transform[2] >= DETAIL_ZOOM ? 2 : s.transform[2] >= BLOCK_ZOOM ? 1 : 0);

/**
 * One table. Memoised, and its data object only changes when something about this table
 * changes, so panning a 2,000-table diagram re-renders nothing. Zoomed out, it draws only
 * the name and column count (same box, same handle offsets).
 */
function TableNodeView({ id, data, selected }: NodeProps<TableFlowNode>) {
  const level = useStore(levelSelector);
  const detailed = level === 2;
  const { table, color, width, height } = data;
  const ring = data.highlighted
    ? 'ring-4 ring-amber-400'
    : selected
      ? 'ring-2 ring-blue-600'
      : data.change === 'new' || data.change === 'added'
        ? 'ring-2 ring-emerald-500'
        : data.change === 'removed'
          ? 'ring-2 ring-red-500'
          : data.change === 'changed' && data.diff
            ? 'ring-2 ring-amber-500'
            : detailed
              ? 'ring-1 ring-zinc-300'
              : '';
  // Zoomed out, thousands of nodes may be on screen: no shadows or rounded clipping to paint.
  const box = detailed ? 'overflow-hidden rounded-lg bg-white shadow-sm' : 'bg-white';
  return (
    <div
      data-testid={`erd-node-${id}`}
      data-highlighted={data.highlighted ? 'true' : undefined}
      data-change={data.change ?? undefined}
      data-diff={data.diff && data.change ? data.change : undefined}
      className={`relative flex flex-col ${box} ${ring}`}
      style={{ width, height }}
    >
      {level === 2 ? (
        <Detailed data={data} />
      ) : level === 1 ? (
        <Simplified table={table} color={color} change={data.change} />
      ) : (
        <div className="h-full" style={{ background: color.header, opacity: data.change ? 1 : 0.6 }} />
      )}
      {data.handles.map((h) => (
        <Handle
          key={h.id}
          id={h.id}
          type={h.type}
          position={h.type === 'source' ? Position.Right : Position.Left}
          isConnectable={false}
          className="erd-handle"
          style={{ top: h.top }}
        />
      ))}
    </div>
  );
}

export const TableNode = memo(TableNodeView);

function Header({ table, color, change, width, notes }: { table: ErdNode; color: SchemaColor; change: ChangeMark | null; width: number; notes?: string[] }) {
  // The schema is also the colour (and the group frame): its label goes when space is short.
  const needed = 24 + table.name.length * 8.5 + table.schema.length * 6.5 + 12 + (change ? 44 : 0) + (table.kind === 'table' ? 0 : 64);
  const showSchema = needed <= width;
  return (
    <header
      className="flex shrink-0 items-center gap-2 px-3 text-white"
      style={{ height: HEADER_HEIGHT, background: color.header }}
      title={`${table.schema}.${table.name}${table.comment ? ` — ${table.comment}` : ''}`}
    >
      <span className={`mr-auto truncate text-[14px] font-semibold ${change === 'removed' ? 'line-through decoration-2' : ''}`}>{table.name}</span>
      {table.kind === 'partitioned' && (
        <span className="shrink-0 rounded bg-white/20 px-1 text-[10px] font-medium" title="Partitioned table">
          {table.partitionCount} parts
        </span>
      )}
      {table.kind === 'foreign' && <span className="shrink-0 rounded bg-white/20 px-1 text-[10px]">foreign</span>}
      {showSchema && <span className="shrink-0 text-[11px] opacity-80">{table.schema}</span>}
      {change && <ChangeBadge mark={change} onDark title={notes && notes.length > 0 ? notes.join('\n') : undefined} />}
    </header>
  );
}

function Detailed({ data }: { data: TableNodeData }) {
  return (
    <>
      <Header table={data.table} color={data.color} change={data.change} width={data.width} notes={data.diff?.notes} />
      <ul className="flex flex-col">
        {data.rows.map((column) => (
          <ColumnRow
            key={column.name}
            column={column}
            highlighted={data.highlightColumn === column.name}
            change={data.columnChanges?.[column.name] ?? null}
            diff={data.diff ? (data.diff.columns[column.name] ?? NO_DETAIL) : null}
            struck={!!data.diff && data.change === 'removed'}
          />
        ))}
        {data.overflow > 0 && (
          <li className="flex items-center border-t border-zinc-100 px-3 text-[11px] text-zinc-500 italic" style={{ height: ROW_HEIGHT }}>
            +{data.overflow} more columns{data.diff ? '' : ' — open the table to see all'}
          </li>
        )}
      </ul>
    </>
  );
}

const NO_DETAIL: ColumnDiffDetail = { attributes: [], title: null };

/** Diff ERD row tints; the live ERD marks rows with the badge only. */
const DIFF_ROW: Record<ChangeMark, string> = { new: '', added: 'bg-emerald-50', changed: 'bg-amber-50', removed: 'bg-red-50' };

const ColumnRow = memo(function ColumnRow({
  column,
  highlighted,
  change,
  diff = null,
  struck = false,
}: {
  column: ErdColumn;
  highlighted: boolean;
  change: ChangeMark | null;
  /** Diff ERD only: this row's detail (empty when unmarked). */
  diff?: ColumnDiffDetail | null;
  /** The whole table is removed: every row is struck through. */
  struck?: boolean;
}) {
  const removed = struck || (diff !== null && change === 'removed');
  const tint = highlighted ? 'bg-amber-100 outline-2 -outline-offset-2 outline-amber-400' : diff && change ? DIFF_ROW[change] : struck ? 'bg-red-50/60' : '';
  const strike = removed ? 'line-through decoration-red-600' : '';
  return (
    <li
      data-column={column.name}
      data-highlighted={highlighted ? 'true' : undefined}
      data-diff={diff && change ? change : undefined}
      title={diff?.title ?? undefined}
      className={`flex items-center gap-1.5 border-t border-zinc-100 px-2 text-[12px] leading-none ${tint}`}
      style={{ height: ROW_HEIGHT }}
    >
      <KeyMarks column={column} />
      <span className={`truncate font-mono ${strike} ${removed ? 'text-red-800' : column.pk ? 'font-semibold text-zinc-900' : 'text-zinc-800'}`}>{column.name}</span>
      {column.classifications.map((c) => (
        <span key={c} className="shrink-0 rounded bg-rose-100 px-1 py-0.5 text-[9px] font-semibold text-rose-800 uppercase">
          {c}
        </span>
      ))}
      {change && <ChangeBadge mark={change} attributes={diff?.attributes} />}
      <span className={`ml-auto shrink-0 truncate pl-2 font-mono text-[11px] text-zinc-500 ${strike}`} title={column.type.trimEnd()}>
        {/* trimEnd: the diff ERD pads marked types to reserve room for their badge (diff-marks). */}
        {shortType(column.type.trimEnd())}
        {column.nullable ? <span className="text-zinc-400" title="nullable">?</span> : null}
      </span>
    </li>
  );
});

/** PK / FK / U in a fixed-width gutter so names line up. */
function KeyMarks({ column }: { column: ErdColumn }) {
  return (
    <span className="flex w-[34px] shrink-0 gap-0.5">
      {column.pk && <Mark className="bg-amber-100 text-amber-800" title="Primary key">PK</Mark>}
      {column.fk && <Mark className="bg-sky-100 text-sky-800" title="Foreign key">FK</Mark>}
      {column.unique && !column.pk && <Mark className="bg-violet-100 text-violet-800" title="Unique">U</Mark>}
    </span>
  );
}

function Mark({ className, title, children }: { className: string; title: string; children: string }) {
  return (
    <span title={title} className={`rounded px-[3px] py-[2px] text-[9px] font-bold ${className}`}>
      {children}
    </span>
  );
}

export function ChangeBadge({
  mark,
  onDark = false,
  attributes,
  title,
}: {
  mark: ChangeMark;
  onDark?: boolean;
  /** Diff ERD: what changed about a column (`type`, `nullable`…), shown after the mark. */
  attributes?: string[];
  title?: string;
}) {
  const tone =
    mark === 'new' || mark === 'added'
      ? onDark
        ? 'bg-emerald-100 text-emerald-900'
        : 'bg-emerald-100 text-emerald-800'
      : mark === 'removed'
        ? onDark
          ? 'bg-red-100 text-red-900'
          : 'bg-red-100 text-red-800'
        : onDark
          ? 'bg-amber-100 text-amber-900'
          : 'bg-amber-100 text-amber-800';
  return (
    <span data-testid="change-badge" title={title} className={`shrink-0 rounded-full px-1.5 py-0.5 text-[10px] font-semibold ${tone}`}>
      {mark}
      {attributes && attributes.length > 0 && (
        <span data-testid="diff-attributes" className="font-normal">
          {' · '}
          {attributes.join(', ')}
        </span>
      )}
    </span>
  );
}

/** Zoomed out: the same box, flat, with the name as large as the width allows. */
function Simplified({ table, color, change }: { table: ErdNode; color: SchemaColor; change: ChangeMark | null }) {
  return (
    <div
      className="flex h-full flex-col gap-1 overflow-hidden px-3 pt-2"
      style={{ background: '#fff', border: `2px solid ${color.header}`, borderTopWidth: HEADER_HEIGHT / 2 }}
    >
      <span className={`truncate text-[30px] leading-tight font-bold ${change === 'removed' ? 'line-through' : ''}`} style={{ color: color.ink }}>
        {table.name}
      </span>
      <span className="text-[20px] text-zinc-600">
        {table.columns.length} columns{change ? ` · ${change}` : ''}
      </span>
    </div>
  );
}
