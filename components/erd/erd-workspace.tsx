'use client';

import { useReactFlow } from '@xyflow/react';
import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { schemaToGraph } from '@/lib/erd/graph';
import { lookupFromMap, type ClassificationMap } from '@/lib/erd/classification-map';
import { bySchema, filterGraph, neighbourhood } from '@/lib/erd/neighbourhood';
import { findPath, pathGraph, type FoundPath } from '@/lib/erd/find-path';
import { inferRelationships } from '@/lib/erd/inferred';
import { DEFAULT_VIEW_STATE, parseViewState, serializeViewState, type ErdViewState } from '@/lib/erd/view-state';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { ErdCanvas, type Highlight } from './erd-canvas';
import { ChangesBar, LayoutProgress, LiveStatus } from './erd-status';
import { ErdToolbar, FocusControl, ToggleButton, ToolButton, type FocusState } from './erd-toolbar';
import { ExportMenu } from './export-menu';
import { NamedViews } from './named-views';
import { useNamedView } from './use-named-views';
import { FindPathControl } from './find-path-control';
import { exportViewImage } from './export-image';
import { nodeRows, nodeSize, rowCentre } from './node-geometry';
import type { Positions } from './positions-store';
import { SchemaFilter, type SchemaOption } from './schema-filter';
import { SearchBox, type SearchHit } from './search-box';
import { TablePanel } from './table-panel';
import type { SeedAvailability } from '@/components/seed/seed-availability';
import { useClusterMap } from './use-cluster-map';
import { useElkLayout } from './use-elk-layout';
import { useSeenChanges } from './use-seen-changes';

const NO_POSITIONS: Positions = {};
const NOTHING = () => {};

/**
 * The diagram and everything around it: filters, focus, search, the side panel, live
 * change marks. State lives here; the pieces render it.
 */
export function ErdWorkspace({
  env,
  model,
  updatedAt,
  problem,
  classifications,
  seed,
  environmentTools = true,
}: {
  env: string;
  /** Named views, server exports and table pages: a configured environment's (false for a fleet target's read-only diagram). */
  environmentTools?: boolean;
  model: SchemaModel;
  updatedAt: number;
  problem: string | null;
  classifications?: ClassificationMap;
  /** Whether the panel's Seed buttons work here (absent: no buttons, as in the big-schema tests). */
  seed?: SeedAvailability;
}) {
  const flow = useReactFlow();
  const container = useRef<HTMLDivElement>(null);
  // The view starts from the URL (lib/erd/view-state), so a link reproduces it.
  const searchParams = useSearchParams();
  const [fromLink] = useState(() => parseViewState(new URLSearchParams(searchParams?.toString() ?? '')));
  const start = fromLink.ok ? fromLink.state : DEFAULT_VIEW_STATE;
  const [linkProblem, setLinkProblem] = useState(fromLink.ok ? null : fromLink.problem);
  const [includeBookkeeping, setIncludeBookkeeping] = useState(start.bookkeeping);
  const [hidden, setHidden] = useState<ReadonlySet<string>>(() => new Set(start.hidden));
  const [keysOnly, setKeysOnly] = useState(start.keysOnly);
  const [showInferred, setShowInferred] = useState(start.inferred);
  const [focus, setFocus] = useState<FocusState | null>(start.focus);
  const [selectedId, setSelectedId] = useState<string | null>(start.selected);
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  const [pathEnds, setPathEnds] = useState<{ from: string; to: string } | null>(start.path);
  const [expanded, setExpanded] = useState<readonly string[]>(start.expanded);
  const pendingCenter = useRef<Highlight | null>(null);

  // `?view=<id>`: a named view (console database) — its state replaces the page's once it
  // arrives; its author's table positions are drawn while the state stays the view's.
  const viewId = searchParams?.get('view') || null;
  const named = useNamedView(env, environmentTools ? viewId : null);
  const [applied, setApplied] = useState<{ id: string; query: string; positions: Positions } | null>(null);
  useEffect(() => {
    if (named.status !== 'ready' || !viewId || applied?.id === viewId) return;
    const view = named.state;
    setHidden(new Set(view.hidden));
    setIncludeBookkeeping(view.bookkeeping);
    setFocus(view.focus);
    setPathEnds(view.path);
    setExpanded(view.expanded);
    setSelectedId(view.selected);
    setKeysOnly(view.keysOnly);
    setShowInferred(view.inferred);
    setApplied({ id: viewId, query: serializeViewState(view), positions: named.positions });
  }, [named, viewId, applied]);

  // Keyed on tables and schemas only (structural sharing keeps them identical between polls
  // that change nothing); the model's other fields, such as introspectedAt, change every poll.
  const { tables, schemas: schemaInfo } = model;
  const modelParts = useMemo(() => ({ ...model, tables, schemas: schemaInfo }), [tables, schemaInfo]); // not `model`: see above
  const classify = useMemo(() => (classifications ? lookupFromMap(classifications) : undefined), [classifications]);
  const inferred = useMemo(() => inferRelationships(modelParts), [modelParts]);
  const graph = useMemo(
    () => schemaToGraph(modelParts, { includeBookkeeping, classifications: classify, inferred: showInferred ? inferred : [] }),
    [modelParts, includeBookkeeping, classify, inferred, showInferred],
  );
  const nodeById = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);
  const graphIds = useMemo(() => new Set(nodeById.keys()), [nodeById]);
  const seen = useSeenChanges(env, model);

  const schemas = useMemo<SchemaOption[]>(() => {
    const counts = new Map<string, number>();
    for (const n of graph.nodes) counts.set(n.schema, (counts.get(n.schema) ?? 0) + 1);
    return [...counts.entries()].map(([name, count]) => ({ name, tables: count }));
  }, [graph]);
  const shownGraph = useMemo(
    () => (hidden.size === 0 ? graph : bySchema(graph, schemas.filter((s) => !hidden.has(s.name)).map((s) => s.name))),
    [graph, hidden, schemas],
  );

  // A found path: derived from its two ends (which the URL keeps), so a link finds it again.
  const { path, pathProblem } = useMemo((): { path: FoundPath | null; pathProblem: string | null } => {
    if (!pathEnds) return { path: null, pathProblem: null };
    // A partition (GitLab's ci_builds) is found as the table it belongs to, which the diagram draws.
    const unknown = [pathEnds.from, pathEnds.to].filter((id) => !nodeById.has(id) && !tables.some((t) => t.id === id && t.kind === 'partition'));
    if (unknown.length) return { path: null, pathProblem: `No table ${unknown.join(' or ')} in this diagram` };
    const found = findPath(modelParts, pathEnds.from, pathEnds.to, { inferred: showInferred ? inferred : [] });
    return { path: found, pathProblem: found ? null : `No foreign-key path between ${pathEnds.from} and ${pathEnds.to}` };
  }, [pathEnds, nodeById, tables, modelParts, inferred, showInferred]);

  // A found path, or focus on a table's neighbourhood, shows a part of the diagram laid out on its own.
  const focusGraph = useMemo(
    () => (path ? pathGraph(graph, path) : focus ? filterGraph(graph, neighbourhood(graph, focus.tableId, focus.hops)) : null),
    [graph, focus, path],
  );
  // Big schemas start as a map of clusters.
  const clusterMap = useClusterMap({
    env,
    model: modelParts,
    includeBookkeeping,
    shownGraph,
    focused: focusGraph !== null,
    expanded,
    setExpanded,
    keysOnly,
    selectedId,
  });
  const { view: clusterView, active: clusterMode, layout: clusterLayout, names: clusterNames } = clusterMap;

  const displayGraph = focusGraph ?? (clusterMode ? clusterMap.graph : shownGraph);
  const displayed = useMemo(() => new Set(displayGraph.nodes.map((n) => n.id)), [displayGraph]);

  const main = useElkLayout({ graph: clusterView ? null : graph, keysOnly, env });
  const focused = useElkLayout({ graph: focusGraph, keysOnly, env: null });
  const layout = focus || path ? focused : clusterMode
    ? { positions: clusterLayout.boxes ? clusterLayout.positions : null, routes: clusterLayout.routes, running: clusterLayout.running, error: clusterLayout.error, move: NOTHING, relayout: NOTHING }
    : main;

  useEffect(() => {
    if (focus && !nodeById.has(focus.tableId)) setFocus(null);
  }, [focus, nodeById]);

  // The view goes back into the URL (replaced, not pushed: a history entry per click would
  // bury the page the user came from).
  const viewState = useMemo<ErdViewState>(
    () => ({
      hidden: [...hidden],
      bookkeeping: includeBookkeeping,
      focus,
      path: pathEnds,
      expanded: clusterView ? expanded.filter((id) => clusterNames.has(id)) : [...expanded],
      selected: selectedId,
      keysOnly,
      inferred: showInferred,
    }),
    [hidden, includeBookkeeping, focus, pathEnds, clusterView, expanded, clusterNames, selectedId, keysOnly, showInferred],
  );
  const viewQuery = serializeViewState(viewState);
  // While the view is a named one, its link stays `?view=<id>` (which carries the layout too).
  const asNamed = applied !== null && applied.query === viewQuery ? applied : null;
  const namedLoading = named.status === 'loading';
  useEffect(() => {
    if (namedLoading) return;
    const next = asNamed ? `?view=${encodeURIComponent(asNamed.id)}` : viewQuery ? `?${viewQuery}` : '';
    if (window.location.search !== next) window.history.replaceState(window.history.state, '', `${window.location.pathname}${next}${window.location.hash}`);
  }, [viewQuery, asNamed, namedLoading]);

  const center = useCallback(
    (target: Highlight, positions: typeof layout.positions) => {
      const node = nodeById.get(target.tableId);
      const p = positions?.[target.tableId];
      if (!node || !p) return false;
      const rows = nodeRows(node, keysOnly);
      const size = nodeSize(node, keysOnly);
      const y = target.column ? rowCentre(rows, target.column) : Math.min(size.height / 2, 240);
      const zoom = Math.min(Math.max(flow.getZoom(), 0.9), 1.25);
      void flow.setCenter(p.x + size.width / 2, p.y + y, { zoom, duration: 400 });
      return true;
    },
    [flow, nodeById, keysOnly],
  );

  // Fit the view when what is shown changes (first layout, focus, schema filter, mode),
  // unless a jump is waiting: then centre on its table instead.
  const hasPositions = layout.positions !== null;
  const viewKey = path
    ? `path:${path.tables.join(',')}`
    : focus
      ? `focus:${focus.tableId}:${focus.hops}`
      : `${clusterMode ? 'clusters' : 'all'}:${[...hidden].sort().join(',')}:${includeBookkeeping}`;
  useEffect(() => {
    if (!hasPositions) return;
    const target = pendingCenter.current;
    if (target) {
      pendingCenter.current = null;
      requestAnimationFrame(() => center(target, layout.positions));
      return;
    }
    void flow.fitView({ padding: 0.12, maxZoom: 1, duration: 250 });
    // Only these: a drag (new positions) or a new callback must not re-fit the view.
  }, [viewKey, hasPositions, keysOnly]);

  // A jump to a table the layout has not placed yet (a live change, still in the ELK worker)
  // waits for its position, then centres.
  useEffect(() => {
    const target = pendingCenter.current;
    if (!target || !layout.positions?.[target.tableId]) return;
    pendingCenter.current = null;
    requestAnimationFrame(() => center(target, layout.positions));
  }, [layout.positions, center]);

  /** Makes a table visible (leaving focus or unhiding its schema if needed) and centres on it. */
  const jumpTo = useCallback(
    (target: Highlight) => {
      const node = nodeById.get(target.tableId);
      if (!node) return;
      let viewChanges = false;
      if ((focus || path) && !displayed.has(node.id)) {
        setFocus(null);
        setPathEnds(null);
        viewChanges = true;
      }
      if (hidden.has(node.schema)) {
        setHidden((h) => new Set([...h].filter((s) => s !== node.schema)));
        viewChanges = true;
      }
      // On the cluster map, a table of a collapsed cluster is shown by expanding its cluster.
      const cluster = clusterView?.clusterOf.get(node.id);
      if (cluster && (viewChanges || !focusGraph) && !clusterLayout.open.has(cluster)) {
        setExpanded((list) => (list.includes(cluster) ? list : [...list, cluster]));
        viewChanges = true;
      }
      if (viewChanges || !center(target, layout.positions)) pendingCenter.current = target;
    },
    [nodeById, focus, path, displayed, hidden, center, layout.positions, clusterView, clusterLayout.open, focusGraph],
  );

  const onPick = useCallback(
    (hit: SearchHit) => {
      setHighlight({ tableId: hit.tableId, column: hit.column });
      jumpTo({ tableId: hit.tableId, column: hit.column });
    },
    [jumpTo],
  );

  const openTable = useCallback(
    (id: string) => {
      setSelectedId(id);
      if (nodeById.has(id)) jumpTo({ tableId: id, column: null });
    },
    [jumpTo, nodeById],
  );

  const onFindPath = useCallback((from: string, to: string) => {
    setPathEnds({ from, to });
    setFocus(null);
  }, []);
  const clearPath = useCallback(() => setPathEnds(null), []);

  const onFocus = useCallback(
    (hops: 1 | 2 | 3 | null) => {
      setPathEnds(null);
      if (hops === null) return setFocus(null);
      const anchor = focus?.tableId ?? selectedId ?? highlight?.tableId;
      if (anchor && nodeById.has(anchor)) setFocus({ tableId: anchor, hops });
    },
    [focus, selectedId, highlight, nodeById],
  );

  /** Node heights change, so the layout does: stay on the table the user is looking at. */
  const toggleKeysOnly = useCallback(
    (on: boolean) => {
      const anchor = selectedId ?? highlight?.tableId ?? null;
      if (anchor) pendingCenter.current = { tableId: anchor, column: highlight?.tableId === anchor ? highlight.column : null };
      setKeysOnly(on);
    },
    [selectedId, highlight],
  );

  const closePanel = useCallback(() => setSelectedId(null), []);
  const onPaneClick = useCallback(() => setHighlight(null), []);
  const onImage = useCallback(async (format: 'png' | 'svg') => {
    if (container.current) await exportViewImage(container.current, env, format);
  }, [env]);

  // A named view's own positions win over the layout's (not on the cluster map, whose places
  // follow from which clusters are expanded).
  const override = asNamed && !clusterMode ? asNamed.positions : null;
  const shownPositions = useMemo(
    () => (override ? { ...(layout.positions ?? {}), ...override } : (layout.positions ?? NO_POSITIONS)),
    [override, layout.positions],
  );
  const problemBanner = linkProblem ?? (named.status === 'problem' ? named.problem : null);

  const selectedNode = selectedId ? nodeById.get(selectedId) : undefined;
  const empty = graph.nodes.length === 0;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <ErdToolbar
        end={
          <>
            <LiveStatus updatedAt={updatedAt} problem={problem} />
            {environmentTools && <NamedViews env={env} state={viewState} positions={shownPositions} />}
            {environmentTools && <ExportMenu env={env} onImage={onImage} />}
          </>
        }
      >
        <SearchBox graph={graph} onPick={onPick} onClear={() => setHighlight(null)} />
        <SchemaFilter
          schemas={schemas}
          hidden={hidden}
          onToggle={(s) => setHidden((h) => (h.has(s) ? new Set([...h].filter((x) => x !== s)) : new Set([...h, s])))}
          onOnly={(s) => setHidden(s === null ? new Set() : new Set(schemas.map((x) => x.name).filter((x) => x !== s)))}
          includeBookkeeping={includeBookkeeping}
          onBookkeeping={setIncludeBookkeeping}
        />
        <FindPathControl tables={graph.nodes.map((n) => n.id)} ends={pathEnds} path={path} problem={pathProblem} onFind={onFindPath} onClear={clearPath} />
        <FocusControl focus={focus} selectedLabel={(selectedNode ?? (highlight ? nodeById.get(highlight.tableId) : undefined))?.name ?? null} onFocus={onFocus} />
        {focus && (
          <span className="text-sm text-zinc-600" data-testid="focus-summary">
            on <span className="font-mono text-zinc-900">{focus.tableId}</span> · {displayGraph.nodes.length} tables
          </span>
        )}
        <ToggleButton pressed={keysOnly} onChange={toggleKeysOnly} title="Show only primary, foreign and unique key columns">
          Keys only
        </ToggleButton>
        <ToggleButton pressed={showInferred} onChange={setShowInferred} title={`Draw the ${inferred.length} relationships no key declares (dotted, amber): <x>_id columns naming a table, polymorphic <x>_type + <x>_id pairs`}>
          Inferred ({inferred.length})
        </ToggleButton>
        {clusterMode ? (
          <>
            <span className="text-sm text-zinc-600" data-testid="cluster-summary" title="Tables grouped by their foreign keys and name prefixes; each cluster is named after its most central table">
              {clusterView!.clusters.length} clusters · {shownGraph.nodes.length.toLocaleString('en-US')} tables
            </span>
            <ToolButton onClick={() => setExpanded([])} disabled={expanded.length === 0} title="Collapse every expanded cluster">
              Collapse all
            </ToolButton>
          </>
        ) : (
          <ToolButton onClick={() => layout.relayout()} disabled={layout.running !== null} title="Forget dragged positions and lay everything out again">
            Re-layout
          </ToolButton>
        )}
      </ErdToolbar>
      {problemBanner && (
        <p role="alert" data-testid="link-problem" className="flex items-center gap-3 border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-sm text-amber-900">
          {linkProblem ? `This link’s view could not be read (${linkProblem}), so the whole diagram is shown.` : problemBanner}
          {linkProblem && <button type="button" className="font-medium underline" onClick={() => setLinkProblem(null)}>Dismiss</button>}
        </p>
      )}
      {seen.changes && <ChangesBar changes={seen.changes} shown={graphIds} seenAt={seen.seenAt} onJump={openTable} onMarkSeen={seen.markSeen} />}
      <div ref={container} className="relative min-h-0 flex-1 bg-zinc-50" data-testid="erd-canvas">
        {empty ? (
          <EmptyState env={env} bookkeepingTables={model.tables.length} onBookkeeping={() => setIncludeBookkeeping(true)} />
        ) : (
          <>
            {/* Stays mounted while a layout runs (no positions yet): the viewport is kept. */}
            <ErdCanvas
              graph={displayGraph}
              positions={shownPositions}
              routes={layout.routes}
              keysOnly={keysOnly}
              marks={seen.marks}
              highlight={highlight}
              selectedId={selectedId}
              onSelect={setSelectedId}
              onMove={layout.move}
              onPaneClick={onPaneClick}
              clusters={clusterMap.layer}
            />
            {layout.running && <LayoutProgress tables={layout.running.tables} overlay={!layout.positions} />}
            {layout.error && (
              <p role="alert" className="absolute top-3 left-1/2 z-10 -translate-x-1/2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                The automatic layout failed ({layout.error}). <button type="button" className="font-medium underline" onClick={() => layout.relayout()}>Try again</button>
              </p>
            )}
          </>
        )}
        {selectedId && <TablePanel env={env} tablePage={environmentTools} seed={seed} model={model} classify={classify} tableId={selectedId} onClose={closePanel} onJump={openTable} onFocus={(id) => {
          setPathEnds(null);
          setFocus({ tableId: id, hops: focus?.hops ?? 1 });
        }} />}
      </div>
    </div>
  );
}

function EmptyState({ env, bookkeepingTables, onBookkeeping }: { env: string; bookkeepingTables: number; onBookkeeping: () => void }) {
  return (
    <div className="flex h-full items-center justify-center p-8">
      <div data-testid="erd-empty" className="max-w-md rounded-xl border border-dashed border-zinc-300 bg-white p-8 text-center">
        <h2 className="text-xl font-semibold text-zinc-900">No tables yet in {env}</h2>
        <p className="mt-2 text-sm text-zinc-600">
          Apply a change set (or create a table) and it appears here within seconds — this page checks the database every 10 seconds.
        </p>
        {bookkeepingTables > 0 && (
          <button type="button" onClick={onBookkeeping} className="mt-4 text-sm font-medium text-blue-700 hover:underline">
            Show Strata’s own bookkeeping tables ({bookkeepingTables})
          </button>
        )}
      </div>
    </div>
  );
}
