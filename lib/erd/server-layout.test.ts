import { describe, expect, it } from 'vitest';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { layoutKey, type ElkNode } from './elk-graph';
import { schemaToGraph } from './graph';
import { inferRelationships } from './inferred';
import { graphFor, LayoutCache, layoutParamsKey, runElkHere, runElkInThread, type LayoutOptions, type RunElk } from './server-layout';

const ALL = { kind: 'all' } as const;
const FULL: LayoutOptions = { keysOnly: false, includeBookkeeping: false, inferred: true };

/** The real ELK, counted, and held until `release` when asked: for single-flight checks. */
function countedElk(): { run: RunElk; calls: () => number } {
  let calls = 0;
  return {
    run: (graph: ElkNode) => {
      calls++;
      return runElkInThread(graph);
    },
    calls: () => calls,
  };
}

describe('graphFor', () => {
  it('builds the graph the browser builds: same tables, edges and layoutKey', () => {
    const model = syntheticModel({ tables: 40, seed: 5, tablesPerSchema: 20 });
    const browser = schemaToGraph(model, { includeBookkeeping: false, inferred: inferRelationships(model) });
    const server = graphFor(model, ALL, FULL);
    expect(layoutKey(server, false, true)).toBe(layoutKey(browser, false, true));
    const withoutInferred = graphFor(model, ALL, { ...FULL, inferred: false });
    expect(layoutKey(withoutInferred, false, true)).toBe(layoutKey(schemaToGraph(model), false, true));
  });

  it('names view and options in its parameter key', () => {
    expect(layoutParamsKey(ALL, FULL)).toBe('all-full-b0-i1');
    expect(layoutParamsKey(ALL, { keysOnly: true, includeBookkeeping: true, inferred: false })).toBe('all-keys-b1-i0');
  });
});

describe('LayoutCache', () => {
  it('lays out on a thread exactly as in this process', async () => {
    const model = syntheticModel({ tables: 30, seed: 6 });
    const cache = (runElk: RunElk) => new LayoutCache({ runElk }).layout(model, ALL, FULL);
    expect((await cache(runElkInThread)).layout).toEqual((await cache(runElkHere)).layout);
  });

  it('places every table, deterministically', async () => {
    const model = syntheticModel({ tables: 60, seed: 7, tablesPerSchema: 30 });
    const a = await new LayoutCache().layout(model, ALL, FULL);
    const b = await new LayoutCache().layout(structuredClone(model), ALL, FULL);
    const ids = graphFor(model, ALL, FULL).nodes.map((n) => n.id);
    expect(Object.keys(a.layout.positions).sort()).toEqual([...ids].sort());
    for (const p of Object.values(a.layout.positions)) expect(Number.isInteger(p.x) && Number.isInteger(p.y)).toBe(true);
    expect(Object.keys(a.layout.routes).length).toBeGreaterThan(0);
    expect(b.layout).toEqual(a.layout);
    expect(a.source).toBe('computed');
  });

  it('answers a second request from the cache without running ELK', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run });
    const model = syntheticModel({ tables: 30, seed: 8 });
    const first = await cache.layout(model, ALL, FULL);
    const second = await cache.layout(model, ALL, FULL);
    // A fresh read of the same schema (another object, same fingerprint) is a hit too.
    const reread = await cache.layout(structuredClone(model), ALL, FULL);
    expect([first.source, second.source, reread.source]).toEqual(['computed', 'cached', 'cached']);
    expect(second.layout).toEqual(first.layout);
    expect(elk.calls()).toBe(1);
    expect(cache.elkRuns).toBe(1);
  });

  it('runs ELK once for two concurrent requests of one key', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run });
    const model = syntheticModel({ tables: 30, seed: 9 });
    const [a, b] = await Promise.all([cache.layout(model, ALL, FULL), cache.layout(model, ALL, FULL)]);
    expect(a.layout).toEqual(b.layout);
    expect(elk.calls()).toBe(1);
  });

  it('misses for a changed schema and for other options; reuses the layout when only non-structural figures changed', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run });
    const model = syntheticModel({ tables: 30, seed: 10 });
    const first = await cache.layout(model, ALL, FULL);

    const grown = structuredClone(model);
    grown.tables[0]!.columns.push({ ...grown.tables[0]!.columns[0]!, name: 'added_later', position: 99 });
    const changed = await cache.layout(grown, ALL, FULL);
    expect(changed.source).toBe('computed');
    expect(changed.layout.fingerprint).not.toBe(first.layout.fingerprint);
    expect(changed.layout.key).not.toBe(first.layout.key);
    expect(elk.calls()).toBe(2);

    await cache.layout(model, ALL, { ...FULL, keysOnly: true });
    expect(elk.calls()).toBe(3);

    // A new row estimate changes the fingerprint (the ERD shows it) but not one node's size.
    const estimated = structuredClone(model);
    estimated.tables[0]!.rowEstimate = 123_456;
    const same = await cache.layout(estimated, ALL, FULL);
    expect(same.layout.fingerprint).not.toBe(first.layout.fingerprint);
    expect(same.layout.positions).toEqual(first.layout.positions);
    expect(elk.calls()).toBe(3);
  });

  it('keeps at most `capacity` layouts, least recently used out first', async () => {
    const elk = countedElk();
    const cache = new LayoutCache({ runElk: elk.run, capacity: 2 });
    const models = [11, 12, 13].map((seed) => syntheticModel({ tables: 8, seed }));
    await cache.layout(models[0]!, ALL, FULL);
    await cache.layout(models[1]!, ALL, FULL);
    await cache.layout(models[0]!, ALL, FULL); // 0 is now the most recent
    await cache.layout(models[2]!, ALL, FULL); // 1 falls out
    expect(elk.calls()).toBe(3);
    expect((await cache.layout(models[0]!, ALL, FULL)).source).toBe('cached');
    expect((await cache.layout(models[1]!, ALL, FULL)).source).toBe('computed');
    expect(elk.calls()).toBe(4);
  });

  it('does not keep a failed run: the next request tries again', async () => {
    let fail = true;
    const cache = new LayoutCache({ runElk: (graph) => (fail ? Promise.reject(new Error('elk broke')) : runElkHere(graph)) });
    const model = syntheticModel({ tables: 8, seed: 14 });
    await expect(cache.layout(model, ALL, FULL)).rejects.toThrow('elk broke');
    fail = false;
    expect((await cache.layout(model, ALL, FULL)).source).toBe('computed');
  });
});

describe('runElkInThread', () => {
  it('one thread answers many layouts, each with its own result, and a failed one leaves it working', async () => {
    const box = (id: string, w: number): ElkNode => ({ id: 'root', layoutOptions: { 'elk.algorithm': 'layered' }, children: [{ id, width: w, height: 10 }], edges: [] });
    const results = await Promise.all([box('a', 11), box('b', 22), box('c', 33)].map((g) => runElkInThread(g)));
    expect(results.map((r) => [r.children![0]!.id, r.children![0]!.width])).toEqual([
      ['a', 11],
      ['b', 22],
      ['c', 33],
    ]);
    const broken: ElkNode = { id: 'root', children: [{ id: 'x', width: 1, height: 1 }], edges: [{ id: 'e', sources: ['x'], targets: ['nowhere'] }] };
    await expect(runElkInThread(broken)).rejects.toThrow(/nowhere|shape|exist/i);
    expect((await runElkInThread(box('d', 44))).children![0]!.width).toBe(44);
  });
});
