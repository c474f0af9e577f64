'use client';

import { useEffect, useMemo, useRef, useState } from 'react';
import { clusterOverviewElk, EXPANDED_PADDING, expandedSize, placeClusters, type Box, type ClusterView } from '@/lib/erd/cluster-view';
import { overviewKey as overviewKeyOf } from '@/lib/erd/cluster-layout';
import { layoutKey } from '@/lib/erd/elk-graph';
import type { ErdGraph } from '@/lib/erd/graph';
import { filterGraph } from '@/lib/erd/neighbourhood';
import { nodeSize } from './node-geometry';
import type { Positions, Routes } from './positions-store';
import { fetchClusterInside, fetchClusterOverview } from './server-layout';

export interface ClusterLayout {
  /** Every shown cluster's box (absolute); null until the overview is laid out. */
  boxes: Record<string, Box> | null;
  /** Absolute positions of the tables of expanded clusters whose inside is laid out. */
  positions: Positions;
  routes: Routes;
  /** Expanded clusters whose inside is laid out (the others are drawn collapsed meanwhile). */
  open: ReadonlySet<string>;
  /** Clusters whose inside is being laid out. */
  busy: ReadonlySet<string>;
  running: { tables: number } | null;
  error: string | null;
}

interface Inside {
  key: string;
  positions: Positions;
  routes: Routes;
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Where clusters and their tables sit: the overview (one box per cluster) laid out once per
 * set of clusters, the inside of each expanded cluster laid out once per cluster and mode
 * (lib/erd/cluster-layout.ts), then combined by lib/erd/cluster-view's placeClusters so
 * expanding grows a cluster where it stands and pushes the rest of the map aside.
 *
 * Both layouts come from the server's cache when it has the page's schema (a reload or a
 * second visitor runs no ELK), else from the worker: components/erd/server-layout.ts.
 */
export function useClusterLayout({ env, view, graph, expanded, keysOnly }: { env: string; view: ClusterView | null; graph: ErdGraph; expanded: readonly string[]; keysOnly: boolean }): ClusterLayout {
  const overview = useMemo(() => (view ? clusterOverviewElk(view, graph) : null), [view, graph]);
  // The same key the server answers with: the overview is laid out again when its input changes.
  const overviewKey = overview ? overviewKeyOf(overview) : null;
  const graphRef = useRef(graph);
  graphRef.current = graph;
  const [base, setBase] = useState<{ key: string; positions: Positions } | null>(null);
  const [insides, setInsides] = useState<ReadonlyMap<string, Inside>>(new Map());
  const [busy, setBusy] = useState<ReadonlySet<string>>(NONE);
  const [error, setError] = useState<string | null>(null);
  const overviewRef = useRef(overview);
  overviewRef.current = overview;

  useEffect(() => {
    const input = overviewRef.current;
    if (!input || overviewKey === null) return;
    let alive = true;
    const run = fetchClusterOverview(env, graphRef.current, input);
    run.result
      .then(({ positions }) => alive && setBase({ key: overviewKey, positions }))
      .catch((e: unknown) => alive && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      alive = false;
      run.cancel();
    };
  }, [overviewKey, env]);

  // The subgraph (and its layout key) of every expanded cluster.
  const wanted = useMemo(() => {
    const out = new Map<string, { graph: ErdGraph; key: string }>();
    if (!view) return out;
    const byId = new Map(view.clusters.map((c) => [c.id, c]));
    for (const id of expanded) {
      const cluster = byId.get(id);
      if (!cluster) continue;
      const sub = filterGraph(graph, new Set(cluster.tables));
      out.set(id, { graph: sub, key: layoutKey(sub, keysOnly, true) });
    }
    return out;
  }, [view, graph, expanded, keysOnly]);

  const insidesRef = useRef(insides);
  insidesRef.current = insides;
  useEffect(() => {
    const missing = [...wanted.entries()].filter(([id, w]) => insidesRef.current.get(id)?.key !== w.key);
    if (missing.length === 0) return;
    let alive = true;
    setBusy(new Set(missing.map(([id]) => id)));
    setError(null);
    const runs = missing.map(([id, w]) => {
      const run = fetchClusterInside(env, graphRef.current, id, w.graph, keysOnly, w.key);
      run.result
        .then((laidOut) => {
          if (!alive) return;
          setInsides((before) => new Map(before).set(id, { key: w.key, ...laidOut }));
          setBusy((before) => new Set([...before].filter((b) => b !== id)));
        })
        .catch((e: unknown) => {
          if (!alive) return;
          setError(e instanceof Error ? e.message : String(e));
          setBusy((before) => new Set([...before].filter((b) => b !== id)));
        });
      return run;
    });
    return () => {
      alive = false;
      for (const run of runs) run.cancel();
      setBusy(NONE);
    };
  }, [wanted, keysOnly, env]);

  return useMemo(() => {
    const empty = { positions: {}, routes: {}, open: NONE, busy, error };
    if (!view || !base || base.key !== overviewKey) return { ...empty, boxes: null, running: { tables: view?.clusters.reduce((n, c) => n + c.tables.length, 0) ?? 0 } };
    const byNode = new Map(graph.nodes.map((n) => [n.id, n]));
    const grown = new Map<string, { width: number; height: number }>();
    const origins = new Map<string, { x: number; y: number }>();
    const open = new Set<string>();
    for (const [id, w] of wanted) {
      const inside = insides.get(id);
      if (!inside || inside.key !== w.key) continue;
      const tables = Object.entries(inside.positions).map(([table, p]) => ({ ...p, ...nodeSize(byNode.get(table)!, keysOnly) }));
      const size = expandedSize(tables);
      grown.set(id, size);
      origins.set(id, size.origin);
      open.add(id);
    }
    const boxes = placeClusters(base.positions, grown);
    const positions: Positions = {};
    const routes: Routes = {};
    for (const id of open) {
      const inside = insides.get(id)!;
      const box = boxes[id]!;
      const origin = origins.get(id)!;
      const dx = box.x + EXPANDED_PADDING.side - origin.x;
      const dy = box.y + EXPANDED_PADDING.top - origin.y;
      for (const [table, p] of Object.entries(inside.positions)) positions[table] = { x: p.x + dx, y: p.y + dy };
      for (const [edge, points] of Object.entries(inside.routes)) routes[edge] = points.map((p) => ({ x: p.x + dx, y: p.y + dy }));
    }
    const runningTables = [...busy].reduce((n, id) => n + (wanted.get(id)?.graph.nodes.length ?? 0), 0);
    return { boxes, positions, routes, open, busy, running: runningTables ? { tables: runningTables } : null, error };
  }, [view, base, overviewKey, graph, wanted, insides, keysOnly, busy, error]);
}
