import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { syntheticSchemaSql } from '../../test/synthetic/schema-sql';
import { isStrataError } from '../errors';
import { introspect } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { layoutClusterInside, overviewKey } from './cluster-layout';
import { clusterOverviewElk, COLLAPSED_CLUSTER, expandedSize, shownClusters, tooFarFromScreen } from './cluster-view';
import { CLUSTER_THRESHOLD, clusterSchema } from './clusters';
import { layoutKey, type ElkNode } from './elk-graph';
import { elkInput, elkOutput } from './elk-layout';
import { schemaToGraph, type ErdGraph } from './graph';
import { inferRelationships } from './inferred';
import { bySchema, filterGraph } from './neighbourhood';
import { nodeSize } from './node-geometry';
import { LayoutCache, layoutParamsKey, runElkHere, type LayoutOptions, type RunElk } from './server-layout';

/*
 * The cluster map's layouts from the server cache (view `clusters` and `cluster`), on a real
 * 220-table synthetic schema introspected from PostgreSQL: built as the browser builds them,
 * deterministic, cached, one ELK run for concurrent callers, unknown clusters named.
 */

const OVERVIEW = { kind: 'clusters' } as const;
const FULL: LayoutOptions = { keysOnly: false, includeBookkeeping: false, inferred: true };

let db: ScratchDatabase;
let model: SchemaModel;

beforeAll(async () => {
  db = await createScratchDatabase('clusterlayout');
  await db.sql.unsafe(syntheticSchemaSql({ tables: 220, seed: 15 }));
  model = await introspect(db.sql);
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

/** The cluster map exactly as components/erd/erd-workspace.tsx builds it (no schema hidden unless asked). */
function browserMap(options: LayoutOptions, hiddenSchemas: string[] = []) {
  const graph = schemaToGraph(model, { includeBookkeeping: options.includeBookkeeping, inferred: options.inferred ? inferRelationships(model) : [] });
  const shownGraph = hiddenSchemas.length ? bySchema(graph, [...new Set(graph.nodes.map((n) => n.schema))].filter((s) => !hiddenSchemas.includes(s))) : graph;
  const clusters = clusterSchema(model, CLUSTER_THRESHOLD, { includeBookkeeping: options.includeBookkeeping })!;
  const view = shownClusters(shownGraph, clusters);
  return { graph: shownGraph, view, overview: clusterOverviewElk(view, shownGraph) };
}

/** The real ELK, counted. */
function countedElk(): { run: RunElk; calls: () => number } {
  let calls = 0;
  return {
    run: (graph: ElkNode) => {
      calls++;
      return runElkHere(graph);
    },
    calls: () => calls,
  };
}

const subgraph = (graph: ErdGraph, tables: string[]) => filterGraph(graph, new Set(tables));

describe('server layout of the cluster map', () => {
  it('names the views in their parameter key: the overview without mode, a cluster by its id, percent-encoded for an ETag', () => {
    expect(layoutParamsKey(OVERVIEW, FULL)).toBe('clusters-b0-i1');
    expect(layoutParamsKey({ kind: 'cluster', id: 'cluster:app."odd" näme' }, { ...FULL, keysOnly: true })).toBe('cluster-keys-b0-i1-cluster%3Aapp.%22odd%22%20n%C3%A4me');
    expect(layoutParamsKey({ kind: 'cluster', id: 'cluster:\u0000other' }, FULL)).toMatch(/^[\x21-\x7e]+$/);
  });

  it('answers with the keys the browser computes from its own input, and other keys when it shows something else', async () => {
    const cache = new LayoutCache({ runElk: runElkHere });
    const browser = browserMap(FULL);
    expect(browser.graph.nodes.length).toBeGreaterThan(CLUSTER_THRESHOLD);
    expect(browser.view.clusters.length).toBeGreaterThan(3);
    const overview = await cache.layout(model, OVERVIEW, FULL);
    expect(overview.layout.key).toBe(overviewKey(browser.overview));
    expect(overview.layout.tables).toBe(browser.graph.nodes.length);
    const cluster = browser.view.clusters[0]!;
    for (const keysOnly of [false, true]) {
      const inside = await cache.layout(model, { kind: 'cluster', id: cluster.id }, { ...FULL, keysOnly });
      expect(inside.layout.key).toBe(layoutKey(subgraph(browser.graph, cluster.tables), keysOnly, true));
    }
    // Other display options: the server builds the map with them, as the page does.
    expect((await cache.layout(model, OVERVIEW, { ...FULL, inferred: false })).layout.key).toBe(overviewKey(browserMap({ ...FULL, inferred: false }).overview));
    expect((await cache.layout(model, OVERVIEW, { ...FULL, includeBookkeeping: true })).layout.key).toBe(overviewKey(browserMap({ ...FULL, includeBookkeeping: true }).overview));
  });

  it('places every cluster of the overview in whole pixels, one key per input, the same from a fresh cache', async () => {
    const a = await new LayoutCache({ runElk: runElkHere }).layout(model, OVERVIEW, FULL);
    const b = await new LayoutCache({ runElk: runElkHere }).layout(structuredClone(model), OVERVIEW, FULL);
    const { view } = browserMap(FULL);
    expect(Object.keys(a.layout.positions).sort()).toEqual(view.clusters.map((c) => c.id).sort());
    for (const p of Object.values(a.layout.positions)) expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
    // Boxes never overlap (they are all COLLAPSED_CLUSTER sized).
    const boxes = Object.values(a.layout.positions);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [p, q] = [boxes[i]!, boxes[j]!];
        expect(Math.abs(p.x - q.x) >= COLLAPSED_CLUSTER.width || Math.abs(p.y - q.y) >= COLLAPSED_CLUSTER.height).toBe(true);
      }
    expect(a.layout.routes).toEqual({});
    expect(b.layout).toEqual(a.layout);
    expect([a.source, b.source]).toEqual(['computed', 'computed']);
  });

  it("lays out a cluster's inside as the browser's worker does (one shared implementation), deterministically", async () => {
    const { graph, view } = browserMap(FULL);
    const biggest = [...view.clusters].sort((x, y) => y.tables.length - x.tables.length)[0]!;
    const served = await new LayoutCache({ runElk: runElkHere }).layout(model, { kind: 'cluster', id: biggest.id }, FULL);
    const again = await new LayoutCache({ runElk: runElkHere }).layout(structuredClone(model), { kind: 'cluster', id: biggest.id }, FULL);
    expect(again.layout).toEqual(served.layout);
    expect(Object.keys(served.layout.positions).sort()).toEqual([...biggest.tables].sort());
    // What the worker computes from the page's own subgraph, rounded as the server stores it.
    const worker = await layoutClusterInside(subgraph(graph, biggest.tables), false, runElkHere);
    const rounded = Object.fromEntries(Object.entries(worker.positions).map(([id, p]) => [id, { x: Math.round(p.x), y: Math.round(p.y) }]));
    expect(served.layout.positions).toEqual(rounded);
    expect(served.layout.routes).toEqual(worker.routes);
  });

  it('a second request of either view is answered from the cache; two concurrent ones share one ELK run', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run });
    const id = browserMap(FULL).view.clusters[1]!.id;
    const CLUSTER = { kind: 'cluster', id } as const;

    const [o1, o2] = await Promise.all([cache.layout(model, OVERVIEW, FULL), cache.layout(structuredClone(model), OVERVIEW, FULL)]);
    expect([o1.source, o2.source].sort()).toEqual(['cached', 'computed']);
    expect(o2.layout).toEqual(o1.layout);
    expect(elk.calls()).toBe(1);
    expect((await cache.layout(model, OVERVIEW, FULL)).source).toBe('cached');
    // The overview's boxes do not depend on the mode: keys-only is the same entry.
    expect(layoutParamsKey(OVERVIEW, { ...FULL, keysOnly: true })).toBe(layoutParamsKey(OVERVIEW, FULL));
    expect((await cache.layout(model, OVERVIEW, { ...FULL, keysOnly: true })).source).toBe('cached');
    expect(elk.calls()).toBe(1);

    const [c1, c2] = await Promise.all([cache.layout(model, CLUSTER, FULL), cache.layout(model, CLUSTER, FULL)]);
    expect([c1.source, c2.source].sort()).toEqual(['cached', 'computed']);
    expect(c2.layout).toEqual(c1.layout);
    const afterCluster = elk.calls();
    expect(afterCluster === 2 || afterCluster === 3).toBe(true); // layered, and packed when that is a tower
    const c3 = await cache.layout(structuredClone(model), CLUSTER, FULL);
    expect(c3.source).toBe('cached');
    expect(c3.layout).toEqual(c1.layout);
    expect(cache.elkRuns).toBe(2);
    expect(elk.calls()).toBe(afterCluster);

    // Keys-only is another layout of the cluster (shorter nodes).
    expect((await cache.layout(model, CLUSTER, { ...FULL, keysOnly: true })).source).toBe('computed');
    expect(cache.elkRuns).toBe(3);
  });

  it('an unknown cluster, or a cluster map of a small schema, is NOT_FOUND and named; nothing is kept for it', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run });
    const unknown = 'cluster:synthetic.no_such_table';
    const error = await cache.layout(model, { kind: 'cluster', id: unknown }, FULL).catch((e: unknown) => e);
    expect(isStrataError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain(unknown);
    // A table that exists but does not name a cluster is no cluster either.
    const member = browserMap(FULL).view.clusters.find((c) => c.tables.length > 1)!;
    const notNamed = `cluster:${member.tables.find((t) => `cluster:${t}` !== member.id)!}`;
    await expect(cache.layout(model, { kind: 'cluster', id: notNamed }, FULL)).rejects.toThrow(notNamed);
    expect(elk.calls()).toBe(0);

    const small = { ...model, tables: model.tables.slice(0, 40) };
    const refused = await cache.layout(small, OVERVIEW, FULL).catch((e: unknown) => e);
    expect(isStrataError(refused, 'NOT_FOUND')).toBe(true);
    expect((refused as Error).message).toMatch(/40 tables.*above 150/);
    expect(elk.calls()).toBe(0);
    expect(cache.elkRuns).toBe(0);
  });

  it('a page hiding a schema, or holding a changed model, computes other keys: it lays out its own', async () => {
    const sql = db.sql;
    await sql.unsafe('create schema side; create table side.extra (id bigint primary key)');
    try {
      const withSide = await introspect(sql);
      const served = await new LayoutCache({ runElk: runElkHere }).layout(withSide, OVERVIEW, FULL);
      // The page of before the change (no `side`) and a page hiding `side` both see another overview.
      expect(overviewKey(browserMap(FULL).overview)).not.toBe(served.layout.key);
      const saved = model;
      model = withSide;
      try {
        expect(overviewKey(browserMap(FULL, ['side']).overview)).not.toBe(served.layout.key);
        expect(overviewKey(browserMap(FULL).overview)).toBe(served.layout.key);
      } finally {
        model = saved;
      }
    } finally {
      await sql.unsafe('drop schema side cascade');
    }
  });

  it('packs a cluster whose layered layout is a tower: a hub with the tables pointing at it', async () => {
    const { graph } = browserMap(FULL);
    const referenced = new Map<string, Set<string>>();
    for (const e of graph.edges) if (e.source !== e.target) referenced.set(e.target, (referenced.get(e.target) ?? new Set()).add(e.source));
    const [hubId, spokes] = [...referenced.entries()].sort((a, b) => b[1].size - a[1].size)[0]!;
    const hub = subgraph(graph, [hubId, ...spokes]);
    expect(hub.nodes.length).toBeGreaterThan(20);
    const size = (id: string) => nodeSize(hub.nodes.find((n) => n.id === id)!, false);
    const shape = (positions: Record<string, { x: number; y: number }>) => expandedSize(Object.entries(positions).map(([id, p]) => ({ ...p, ...size(id) })));
    const layered = elkOutput(await runElkHere(elkInput(hub, false)));
    expect(tooFarFromScreen(shape(layered.positions).width, shape(layered.positions).height)).toBe(true);
    const laid = await layoutClusterInside(hub, false, runElkHere);
    expect(Object.keys(laid.positions).sort()).toEqual(hub.nodes.map((n) => n.id).sort());
    expect(tooFarFromScreen(shape(laid.positions).width, shape(laid.positions).height)).toBe(false);
    expect(laid.routes).toEqual({});
  });
});
