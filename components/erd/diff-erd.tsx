'use client';

import '@xyflow/react/dist/style.css';
import './erd.css';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState, type ChangeEvent } from 'react';
import type { SchemaDiff } from '@/lib/diff/types';
import { schemaToGraph } from '@/lib/erd/graph';
import { filterGraph } from '@/lib/erd/neighbourhood';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { diffMarks, reserveBadgeRoom, surfaceMarkedColumns, toChangeMarks, withNeighbours, type DiffCounts, type DiffMark } from './diff-marks';
import { ErdCanvas } from './erd-canvas';
import { LayoutProgress } from './erd-status';
import { plural } from './format';
import { nodeSize } from './node-geometry';
import type { Positions } from './positions-store';
import { useElkLayout } from './use-elk-layout';

export interface DiffErdProps {
  before: SchemaModel;
  after: SchemaModel;
  diff: SchemaDiff;
  /** Height of the whole component in px (toolbar included). Default 520. */
  height?: number;
}

const NO_POSITIONS: Positions = {};
const MARKS: DiffMark[] = ['added', 'changed', 'removed'];
const noop = () => {};

/**
 * The ERD of a schema change, for dialogs and panels: the schema after the change, with added
 * tables and columns in green, changed ones in amber (columns name what changed) and removed
 * ones still drawn, red and struck through. By default only the touched tables and their
 * direct foreign-key neighbours are shown. Nothing is stored: positions live in memory, and
 * the live ERD's "seen changes" are left alone.
 *
 * Nodes and rows that carry a mark have `data-diff="added|changed|removed"`; nodes keep the
 * live ERD's `erd-node-<table id>` test ids.
 */
export function DiffErd(props: DiffErdProps) {
  return (
    <ReactFlowProvider>
      <DiffErdView {...props} />
    </ReactFlowProvider>
  );
}

function DiffErdView({ before, after, diff, height = 520 }: DiffErdProps) {
  const flow = useReactFlow();
  const marks = useMemo(() => diffMarks(before, after, diff), [before, after, diff]);
  const changeMarks = useMemo(() => toChangeMarks(marks), [marks]);
  const graph = useMemo(
    () => reserveBadgeRoom(surfaceMarkedColumns(schemaToGraph(marks.model, { includeBookkeeping: marks.includeBookkeeping }), marks), marks),
    [marks],
  );
  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const touched = useMemo(() => new Set(graph.nodes.filter((n) => marks.tables.has(n.id)).map((n) => n.id)), [graph, marks]);
  const nearby = useMemo(() => withNeighbours(graph, touched), [graph, touched]);
  // Only worth a toggle when the touched tables and their neighbours are not already everything.
  const partial = touched.size > 0 && nearby.size < graph.nodes.length;
  const [showAll, setShowAll] = useState(false);
  const all = !partial || showAll;

  const nearGraph = useMemo(() => (partial ? filterGraph(graph, nearby) : graph), [graph, nearby, partial]);
  const near = useElkLayout({ graph: nearGraph, keysOnly: false, env: null });
  // The whole schema is laid out only once asked for, then kept in memory for the toggle.
  const full = useElkLayout({ graph: partial && showAll ? graph : null, keysOnly: false, env: null });
  const shownGraph = partial && showAll ? graph : nearGraph;
  const layout = partial && showAll ? full : near;
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const hasPositions = layout.positions !== null;
  useEffect(() => {
    if (!hasPositions) return;
    void flow.fitView({ padding: 0.12, maxZoom: 1, duration: 250 });
    // Only when what is shown changes: a drag (new positions) must not re-fit the view.
  }, [all, hasPositions, shownGraph]);

  const jumpTo = useCallback(
    (id: string) => {
      const node = nodeById.get(id);
      const p = layout.positions?.[id];
      setSelectedId(id);
      if (!node || !p) return;
      const size = nodeSize(node, false);
      const zoom = Math.min(Math.max(flow.getZoom(), 0.9), 1.25);
      void flow.setCenter(p.x + size.width / 2, p.y + Math.min(size.height / 2, 200), { zoom, duration: 300 });
    },
    [flow, nodeById, layout.positions],
  );

  const targets = useMemo(() => [...touched].sort().map((id) => ({ id, mark: marks.tables.get(id)!.mark })), [touched, marks]);
  const onJump = (e: ChangeEvent<HTMLSelectElement>) => {
    if (e.target.value) jumpTo(e.target.value);
  };

  return (
    <section
      aria-label="Diagram of the change"
      data-testid="diff-erd"
      className="flex min-h-0 flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white"
      style={{ height }}
    >
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-200 px-3 py-2">
        <Legend counts={marks.counts} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          {targets.length > 0 && (
            <select
              aria-label="Go to a changed table"
              data-testid="diff-erd-jump"
              value={selectedId && touched.has(selectedId) ? selectedId : ''}
              onChange={onJump}
              className="h-9 max-w-56 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-800"
            >
              <option value="">Go to table…</option>
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.id} ({t.mark})
                </option>
              ))}
            </select>
          )}
          {partial && (
            <span data-testid="diff-erd-shown" className="text-xs text-zinc-600 tabular-nums">
              {all ? plural(graph.nodes.length, 'table') : `${nearGraph.nodes.length} of ${plural(graph.nodes.length, 'table')}`}
            </span>
          )}
          {partial && (
            <button
              type="button"
              aria-pressed={showAll}
              data-testid="diff-erd-show-all"
              title="Show every table, not only the changed ones and their direct neighbours"
              onClick={() => setShowAll((v) => !v)}
              className={`inline-flex h-9 items-center gap-2 rounded-md border px-3 text-sm font-medium ${showAll ? 'border-zinc-900 bg-zinc-900 text-white' : 'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50'}`}
            >
              <span aria-hidden="true" className={`size-3 rounded-sm border ${showAll ? 'border-white bg-white' : 'border-zinc-400'}`} />
              Show all tables
            </button>
          )}
        </div>
        {(touched.size === 0 || marks.counts.notDrawn > 0) && (
          <p data-testid="diff-erd-note" className="w-full text-xs text-zinc-600">
            {touched.size === 0 ? 'This change touches no table. ' : ''}
            {marks.counts.notDrawn > 0 ? `${plural(marks.counts.notDrawn, 'change')} (views, enums, schemas, extensions) not drawn in the diagram.` : ''}
          </p>
        )}
      </div>
      <div className="relative min-h-0 flex-1 bg-zinc-50" data-testid="diff-erd-canvas">
        {graph.nodes.length === 0 ? (
          <p className="flex h-full items-center justify-center p-6 text-sm text-zinc-600">No tables to draw.</p>
        ) : (
          <div className="absolute inset-0">
            <ErdCanvas
              graph={shownGraph}
              positions={layout.positions ?? NO_POSITIONS}
              routes={layout.routes}
              keysOnly={false}
              marks={changeMarks}
              highlight={null}
              selectedId={selectedId}
              onSelect={setSelectedId}
              onMove={layout.move}
              onPaneClick={noop}
              minimap={false}
            />
            {layout.running && <LayoutProgress tables={layout.running.tables} overlay={!layout.positions} />}
            {layout.error && (
              <p role="alert" className="absolute top-3 left-1/2 z-10 -translate-x-1/2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                The layout failed ({layout.error}).{' '}
                <button type="button" className="font-medium underline" onClick={() => layout.relayout()}>
                  Try again
                </button>
              </p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

const SWATCH: Record<DiffMark, string> = {
  added: 'border-emerald-500 bg-emerald-50',
  changed: 'border-amber-500 bg-amber-50',
  removed: 'border-red-500 bg-red-50',
};

function Legend({ counts }: { counts: DiffCounts }) {
  return (
    <ul aria-label="Legend" className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-700">
      {MARKS.map((mark) => {
        const parts = [counts.tables[mark] && plural(counts.tables[mark], 'table'), counts.columns[mark] && plural(counts.columns[mark], 'column')].filter(Boolean);
        return (
          <li key={mark} data-testid={`diff-legend-${mark}`} className="flex items-center gap-1.5">
            <span aria-hidden="true" className={`size-3 rounded-sm border-2 ${SWATCH[mark]}`} />
            <span className={`font-medium text-zinc-900 ${mark === 'removed' ? 'line-through decoration-red-600' : ''}`}>{mark}</span>
            <span className="tabular-nums">{parts.length > 0 ? parts.join(', ') : 'none'}</span>
          </li>
        );
      })}
    </ul>
  );
}
