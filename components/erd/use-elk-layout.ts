'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { layoutKey } from '@/lib/erd/elk-graph';
import type { ErdGraph } from '@/lib/erd/graph';
import { filterGraph } from '@/lib/erd/neighbourhood';
import { nodeSize } from './node-geometry';
import { placeBelow, planLayout, type Size } from './plan-layout';
import { loadLayout, saveLayout, type LayoutMode, type Positions, type Routes, type StoredLayout } from './positions-store';
import { layoutInWorker } from './run-layout';
import { fetchServerLayout } from './server-layout';

export interface ElkLayout {
  /** Top-left corner per table id; null until the first layout is known. */
  positions: Positions | null;
  /** ELK's edge routes, drawn while both ends of an edge stay where ELK put them. */
  routes: Routes;
  /** Set while ELK runs in the worker. */
  running: { tables: number } | null;
  error: string | null;
  /** Tables the user dragged: remembered at once. */
  move: (updates: Positions) => void;
  /** Forget every remembered position and lay everything out again. */
  relayout: () => void;
}

interface Current {
  key: string | null;
  mode: LayoutMode;
  positions: Positions | null;
  routes: Routes;
}

const NO_ROUTES: Routes = {};

/**
 * Positions for a graph: the remembered ones (per environment, per mode) when they still
 * fit, ELK in a Web Worker otherwise — for everything on a first visit, only for new or
 * grown tables after a structural change. With `env` null (focus mode) nothing is stored;
 * layouts are kept in memory for the session instead.
 */
export function useElkLayout({ graph, keysOnly, env }: { graph: ErdGraph | null; keysOnly: boolean; env: string | null }): ElkLayout {
  const mode: LayoutMode = keysOnly ? 'keys' : 'full';
  const key = useMemo(() => (graph ? layoutKey(graph, keysOnly, true) : null), [graph, keysOnly]);
  const [current, setCurrent] = useState<Current>({ key: null, mode, positions: null, routes: NO_ROUTES });
  const [running, setRunning] = useState<{ tables: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nonce, setNonce] = useState(0);

  const graphRef = useRef(graph);
  graphRef.current = graph;
  const currentRef = useRef(current);
  currentRef.current = current;
  const forgetRef = useRef(false);
  const memory = useRef(new Map<LayoutMode, StoredLayout>());
  const heights = useRef(new Map<LayoutMode, Map<string, number>>());

  const load = useCallback((m: LayoutMode): StoredLayout | null => (env ? loadLayout(env, m) : (memory.current.get(m) ?? null)), [env]);
  const save = useCallback(
    (m: LayoutMode, layout: StoredLayout) => {
      if (env) saveLayout(env, m, layout);
      else memory.current.set(m, layout);
    },
    [env],
  );

  useEffect(() => {
    const g = graphRef.current;
    if (!g || key === null) return;
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const size = (id: string): Size => {
      const node = byId.get(id);
      return node ? nodeSize(node, mode === 'keys') : { width: 0, height: 0 };
    };
    const edgeIds = new Set(g.edges.map((e) => e.id));
    const commit = (positions: Positions, routes: Routes) => {
      const live: Routes = {};
      for (const [id, points] of Object.entries(routes)) if (edgeIds.has(id)) live[id] = points;
      setCurrent({ key, mode, positions, routes: live });
      save(mode, { key, positions, routes: live });
      heights.current.set(mode, new Map(g.nodes.map((n) => [n.id, size(n.id).height])));
    };

    const stored = forgetRef.current ? null : load(mode);
    forgetRef.current = false;
    const before = heights.current.get(mode);
    const grown = new Set(g.nodes.filter((n) => before?.has(n.id) && size(n.id).height > before.get(n.id)!).map((n) => n.id));
    const plan = planLayout(g, stored, grown, size);
    if (plan.kind === 'keep') {
      commit(plan.positions, stored?.routes ?? NO_ROUTES);
      return;
    }

    const subgraph = plan.kind === 'all' ? g : filterGraph(g, new Set(plan.ids));
    if (plan.kind === 'place') setCurrent({ key, mode, positions: plan.kept, routes: stored?.routes ?? NO_ROUTES });
    else if (currentRef.current.mode !== mode) setCurrent({ key, mode, positions: null, routes: NO_ROUTES });
    setRunning({ tables: subgraph.nodes.length });
    setError(null);
    let alive = true;
    // The whole main diagram comes from the server, which caches it by the schema's fingerprint.
    const run = plan.kind === 'all' && env ? fetchServerLayout(env, subgraph, mode === 'keys', key) : layoutInWorker(subgraph, mode === 'keys');
    run.result
      .then((laidOut) => {
        if (!alive) return;
        if (plan.kind === 'all') {
          commit(laidOut.positions, laidOut.routes);
        } else {
          const placed = placeBelow(plan.kept, laidOut, size);
          commit(placed.positions, { ...(stored?.routes ?? {}), ...placed.routes });
        }
      })
      .catch((e: unknown) => {
        if (alive) setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        if (alive) setRunning(null);
      });
    return () => {
      alive = false;
      run.cancel();
    };
  }, [key, mode, nonce, load, save, env]);

  const move = useCallback(
    (updates: Positions) => {
      const now = currentRef.current;
      if (!now.positions || now.key === null) return;
      const positions = { ...now.positions, ...updates };
      setCurrent({ ...now, positions });
      save(now.mode, { key: now.key, positions, routes: now.routes });
    },
    [save],
  );

  const relayout = useCallback(() => {
    forgetRef.current = true;
    setNonce((n) => n + 1);
  }, []);

  const same = current.mode === mode;
  return { positions: same ? current.positions : null, routes: same ? current.routes : NO_ROUTES, running, error, move, relayout };
}
