import { describe, expect, it } from 'vitest';
import { col, fk, modelOf, tbl } from '../../test/erd/test-model';
import type { Table } from '../introspect/schema-model';
import { clusterSchema } from './clusters';
import { clusterLinks, clusterOrder, COLLAPSED_CLUSTER, expandedSize, OTHER_CLUSTER, placeClusters, shownClusters, tooFarFromScreen, walkOrder, type Box } from './cluster-view';
import { schemaToGraph } from './graph';
import { bySchema } from './neighbourhood';

const t = (schema: string, name: string, targets: string[] = []): Table =>
  tbl(schema, name, [col('id', 'bigint'), ...targets.map((target) => col(`${target.replace('.', '_')}_id`, 'bigint'))], {
    foreignKeys: targets.map((target) => fk(`${name}_${target.replace('.', '_')}_fkey`, [`${target.replace('.', '_')}_id`], target, ['id'])),
  });

/** CI tables and issue tables in `app`, billing in its own schema pointing at issues. */
const model = modelOf([
  t('app', 'ci_pipelines', ['app.ci_runners']),
  t('app', 'ci_builds', ['app.ci_pipelines', 'app.ci_runners']),
  t('app', 'ci_stages', ['app.ci_pipelines']),
  t('app', 'ci_runners'),
  t('app', 'issues', ['app.labels', 'app.ci_pipelines']),
  t('app', 'issue_links', ['app.issues', 'app.labels']),
  t('app', 'labels'),
  t('app', 'label_links', ['app.labels', 'app.issues']),
  t('billing', 'customers'),
  t('billing', 'invoices', ['billing.customers', 'app.issues']),
  t('billing', 'invoice_lines', ['billing.invoices', 'billing.customers']),
]);
const graph = schemaToGraph(model);
const clusters = clusterSchema(model, 0)!;
const view = shownClusters(graph, clusters);
const clusterOfTable = (id: string) => view.clusterOf.get(id)!;

describe('the cluster map', () => {
  it('every shown table sits in exactly one shown cluster, named after one of its tables, with its inner keys counted', () => {
    const members = view.clusters.flatMap((c) => c.tables);
    expect(members.sort()).toEqual(graph.nodes.map((n) => n.id).sort());
    for (const c of view.clusters) {
      expect(c.tables).toContain(c.name);
      expect(c.leading[0]).toBe(c.name);
      expect(c.leading.length).toBeLessThanOrEqual(4);
    }
    const inner = view.clusters.reduce((n, c) => n + c.innerKeys, 0);
    const crossing = graph.edges.filter((e) => clusterOfTable(e.source) !== clusterOfTable(e.target)).length;
    expect(inner + crossing).toBe(graph.edges.length);
  });

  it('the schema filter drops hidden tables and empty clusters; a table the clustering never saw is not lost', () => {
    const appOnly = shownClusters(bySchema(graph, ['app']), clusters);
    expect(appOnly.clusters.flatMap((c) => c.tables).every((id) => id.startsWith('app.'))).toBe(true);
    expect(appOnly.clusters.length).toBeLessThan(view.clusters.length);
    const extra = schemaToGraph(modelOf([...model.tables, t('zzz', 'late')]));
    const withStray = shownClusters(extra, clusters);
    expect(withStray.clusterOf.get('zzz.late')).toBe(OTHER_CLUSTER);
  });

  it('collapsed clusters: one weighted line per pair of clusters; keys inside a cluster draw nothing', () => {
    const { links, tableEdges, tableEnds } = clusterLinks(graph, view.clusterOf, new Set());
    expect(tableEdges).toEqual([]);
    expect(tableEnds).toEqual([]);
    expect(links.reduce((n, l) => n + l.count, 0)).toBe(graph.edges.filter((e) => clusterOfTable(e.source) !== clusterOfTable(e.target)).length);
    for (const link of links) {
      expect(link.source.startsWith('cluster:') && link.target.startsWith('cluster:')).toBe(true);
      expect(link.sourceHandle).toBeNull();
    }
    expect(new Set(links.map((l) => l.id)).size).toBe(links.length);
  });

  it('an expanded cluster: its keys drawn table to table, its keys to collapsed clusters end on them from the column row', () => {
    const billing = clusterOfTable('billing.invoices');
    const { links, tableEdges, tableEnds } = clusterLinks(graph, view.clusterOf, new Set([billing]));
    expect(tableEdges.every((e) => clusterOfTable(e.source) === billing && clusterOfTable(e.target) === billing)).toBe(true);
    expect(tableEdges.map((e) => e.source).sort()).toEqual(['billing.invoice_lines', 'billing.invoice_lines', 'billing.invoices']);
    const out = links.find((l) => l.source === 'billing.invoices')!;
    expect(out).toMatchObject({ target: clusterOfTable('app.issues'), sourceHandle: 's:app_issues_id', targetHandle: null, count: 1 });
    expect(tableEnds.map((e) => e.id)).toContain(`billing.invoices.invoices_app_issues_fkey`);
    // Both ends expanded: the plain foreign key, as in the table view.
    const both = clusterLinks(graph, view.clusterOf, new Set([billing, clusterOfTable('app.issues')]));
    expect(both.tableEdges.map((e) => e.id)).toContain('billing.invoices.invoices_app_issues_fkey');
  });

  it('inferred relationships get lines of their own', () => {
    const inferredGraph = { ...graph, edges: [...graph.edges, { ...graph.edges.find((e) => e.source === 'billing.invoices' && e.target === 'app.issues')!, id: 'x.inferred', inferred: 'naming' }] };
    const { links } = clusterLinks(inferredGraph, view.clusterOf, new Set());
    const pair = links.filter((l) => l.source === clusterOfTable('billing.invoices') && l.target === clusterOfTable('app.issues'));
    expect(pair.map((l) => [l.inferred, l.count])).toEqual([
      [false, 1],
      [true, 1],
    ]);
  });

  it('expanding grows a cluster in place and pushes the rest aside: nothing overlaps, the map keeps its order, collapsing restores it', () => {
    // A 4 × 3 grid of collapsed boxes.
    const base: Record<string, { x: number; y: number }> = {};
    for (let i = 0; i < 12; i++) base[`c${i}`] = { x: (i % 4) * (COLLAPSED_CLUSTER.width + 40), y: Math.floor(i / 4) * (COLLAPSED_CLUSTER.height + 40) };
    const overlaps = (boxes: Record<string, Box>) => {
      const list = Object.entries(boxes);
      const hits: string[] = [];
      for (let i = 0; i < list.length; i++)
        for (let j = i + 1; j < list.length; j++) {
          const [, a] = list[i]!;
          const [, b] = list[j]!;
          if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) hits.push(`${list[i]![0]}/${list[j]![0]}`);
        }
      return hits;
    };
    const grown = new Map([
      ['c5', { width: 1400, height: 900 }],
      ['c2', { width: 500, height: 2000 }],
      ['c8', { width: 300, height: 700 }],
    ]);
    const boxes = placeClusters(base, grown);
    expect(overlaps(boxes)).toEqual([]);
    expect(boxes.c5).toMatchObject({ width: 1400, height: 900 });
    // Alone, an expanding cluster keeps its corner: it grows where it stands.
    expect(placeClusters(base, new Map([['c5', { width: 1400, height: 900 }]])).c5).toEqual({ ...base.c5, width: 1400, height: 900 });
    // Left of / right of and above / below are kept for every pair.
    for (const a of Object.keys(base))
      for (const b of Object.keys(base)) {
        if (base[a]!.x < base[b]!.x) expect(boxes[a]!.x).toBeLessThan(boxes[b]!.x);
        if (base[a]!.y < base[b]!.y) expect(boxes[a]!.y).toBeLessThan(boxes[b]!.y);
      }
    expect(placeClusters(base, new Map())).toEqual(Object.fromEntries(Object.entries(base).map(([id, p]) => [id, { ...p, ...COLLAPSED_CLUSTER }])));
    // One function of the set: the order in which clusters were expanded does not matter.
    expect(placeClusters(base, new Map([...grown].reverse()))).toEqual(boxes);
  });

  it('an expanded cluster is as big as its tables plus room for its header, never smaller than collapsed', () => {
    expect(expandedSize([{ x: 100, y: 50, width: 200, height: 300 }, { x: 400, y: 50, width: 200, height: 100 }])).toEqual({ width: 556, height: 392, origin: { x: 100, y: 50 } });
    expect(expandedSize([{ x: 0, y: 0, width: 10, height: 10 }])).toMatchObject(COLLAPSED_CLUSTER);
    expect(tooFarFromScreen(300, 3000)).toBe(true);
    expect(tooFarFromScreen(1600, 900)).toBe(false);
  });

  it('the overview packs clusters in a walk of the key graph: deterministic, every cluster once, neighbours next to each other', () => {
    const order = clusterOrder(view, graph);
    expect([...order].sort()).toEqual(view.clusters.map((c) => c.id).sort());
    expect(clusterOrder(shownClusters(schemaToGraph(modelOf([...model.tables].reverse())), clusters), graph)).toEqual(order);
    expect(walkOrder([{ id: 'a', size: 1 }, { id: 'b', size: 1 }, { id: 'c', size: 1 }, { id: 'd', size: 9 }], [['a', 'c'], ['a', 'c'], ['c', 'b']])).toEqual(['c', 'a', 'b', 'd']);
  });
});
