import { describe, expect, it } from 'vitest';
import {
  ERD_NODE_METRICS,
  type ElkNode,
  groupBoundsFromElk,
  layoutKey,
  nodeRows,
  nodeSize,
  portId,
  positionsFromElk,
  rowCenterY,
  schemaGroupId,
  toElkGraph,
} from './elk-graph';
import { type ErdGraph, type ErdNode, schemaToGraph } from './graph';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { col, modelOf, platformModel, tbl } from '../../test/erd/test-model';

const graph = schemaToGraph(platformModel());
const node = (id: string) => graph.nodes.find((n) => n.id === id) as ErdNode;

describe('nodeSize and nodeRows', () => {
  it('height follows the drawn rows; keys-only nodes are shorter', () => {
    const users = node('platform.users');
    const { headerHeight, rowHeight, bottomPadding } = ERD_NODE_METRICS;
    expect(nodeSize(users, false).height).toBe(headerHeight + 4 * rowHeight + bottomPadding);
    expect(nodeSize(users, true).height).toBe(headerHeight + 3 * rowHeight + bottomPadding);
  });

  it('width grows with the longest label, within bounds', () => {
    const narrow = schemaToGraph(modelOf([tbl('s', 't', [col('a', 'int')])])).nodes[0];
    const wide = schemaToGraph(modelOf([tbl('s', 't', [col('a'.repeat(30), 'character varying(255)')])])).nodes[0];
    const huge = schemaToGraph(modelOf([tbl('s', 't', [col('a'.repeat(300), 'text')])])).nodes[0];
    expect(nodeSize(narrow, false).width).toBe(ERD_NODE_METRICS.minWidth);
    expect(nodeSize(wide, false).width).toBeGreaterThan(ERD_NODE_METRICS.minWidth);
    expect(nodeSize(huge, false).width).toBe(ERD_NODE_METRICS.maxWidth);
  });

  it('caps rows, keeping key columns, and counts the rest as overflow', () => {
    const columns = Array.from({ length: 40 }, (_, i) => col(`c${i}`, 'int'));
    const wide = tbl('s', 'wide', columns, { primaryKey: { name: 'wide_pkey', columns: ['c39'] } });
    const erdNode = schemaToGraph(modelOf([wide])).nodes[0];
    const rows = nodeRows(erdNode, false);
    expect(rows.rows).toHaveLength(ERD_NODE_METRICS.maxRows - 1);
    expect(rows.overflow).toBe(40 - (ERD_NODE_METRICS.maxRows - 1));
    expect(rows.rows.map((c) => c.name)).toContain('c39');
    expect(nodeSize(erdNode, false).height).toBe(
      ERD_NODE_METRICS.headerHeight + ERD_NODE_METRICS.maxRows * ERD_NODE_METRICS.rowHeight + ERD_NODE_METRICS.bottomPadding,
    );
  });
});

describe('toElkGraph', () => {
  it('lays out left to right with every table sized as drawn', () => {
    const elk = toElkGraph(graph, { keysOnly: false, groupBySchema: false });
    expect(elk.layoutOptions).toMatchObject({ 'elk.algorithm': 'layered', 'elk.direction': 'RIGHT' });
    expect(elk.children!.map((c) => c.id)).toEqual(graph.nodes.map((n) => n.id));
    for (const child of elk.children!) expect({ width: child.width, height: child.height }).toEqual(nodeSize(node(child.id), false));
  });

  it('puts a FIXED_POS port at the row of each FK column: sources east, targets west', () => {
    const elk = toElkGraph(graph, { keysOnly: false, groupBySchema: false });
    const users = elk.children!.find((c) => c.id === 'platform.users')!;
    expect(users.layoutOptions).toEqual({ 'elk.portConstraints': 'FIXED_POS' });
    expect(users.ports).toEqual([
      { id: portId('platform.users', 's:org_id'), x: users.width, y: rowCenterY(1), width: 0, height: 0, layoutOptions: { 'elk.port.side': 'EAST' } },
      { id: portId('platform.users', 't:id'), x: 0, y: rowCenterY(0), width: 0, height: 0, layoutOptions: { 'elk.port.side': 'WEST' } },
    ]);
    const edge = elk.edges!.find((e) => e.id === 'platform.users.users_org_id_fkey')!;
    expect(edge).toEqual({
      id: 'platform.users.users_org_id_fkey',
      sources: [portId('platform.users', 's:org_id')],
      targets: [portId('platform.organizations', 't:id')],
    });
  });

  it('places ports by the keys-only rows in keys-only mode', () => {
    const elk = toElkGraph(graph, { keysOnly: true, groupBySchema: false });
    const events = elk.children!.find((c) => c.id === 'platform.usage_events')!;
    expect(events.ports).toEqual([
      expect.objectContaining({ id: portId('platform.usage_events', 's:user_id'), y: rowCenterY(0) }),
    ]);
  });

  it('groups tables per schema; edges live in their lowest common container', () => {
    const twoSchemas: ErdGraph = {
      nodes: [...graph.nodes, { ...node('platform.organizations'), id: 'audit.organizations', schema: 'audit' }],
      edges: [...graph.edges, { ...graph.edges[0], id: 'cross', source: 'platform.users', target: 'audit.organizations', sourceHandle: 's:org_id', targetHandle: 't:id' }],
    };
    const elk = toElkGraph(twoSchemas, { keysOnly: false, groupBySchema: true });
    expect(elk.children!.map((c) => c.id)).toEqual([schemaGroupId('platform'), schemaGroupId('audit')]);
    const platform = elk.children![0];
    expect(platform.labels).toEqual([{ text: 'platform' }]);
    expect(platform.children!.map((c) => c.id)).toEqual(graph.nodes.map((n) => n.id));
    expect(platform.edges!.map((e) => e.id)).toEqual(graph.edges.map((e) => e.id));
    expect(elk.edges!.map((e) => e.id)).toEqual(['cross']);
    expect(elk.layoutOptions!['elk.hierarchyHandling']).toBe('INCLUDE_CHILDREN');
  });

  it('is plain JSON (it crosses into a Web Worker) and ids never collide', () => {
    const big = schemaToGraph(syntheticModel({ tables: 300, seed: 5 }));
    const elk = toElkGraph(big, { keysOnly: false, groupBySchema: true });
    expect(JSON.parse(JSON.stringify(elk))).toEqual(elk);
    const ids: string[] = [];
    const visit = (n: ElkNode) => {
      ids.push(n.id, ...(n.ports ?? []).map((p) => p.id));
      n.children?.forEach(visit);
    };
    visit(elk);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('positionsFromElk and groupBoundsFromElk', () => {
  const laidOut: ElkNode = {
    id: 'root',
    x: 0,
    y: 0,
    children: [
      { id: 'public.a', x: 10, y: 20, width: 100, height: 50 },
      {
        id: schemaGroupId('billing'),
        x: 300,
        y: 40,
        width: 500,
        height: 400,
        children: [{ id: 'billing.b', x: 24, y: 48, width: 100, height: 50 }],
      },
    ],
  };

  it('returns absolute positions, adding group offsets', () => {
    expect(positionsFromElk(laidOut)).toEqual({ 'public.a': { x: 10, y: 20 }, 'billing.b': { x: 324, y: 88 } });
  });

  it('returns each schema group box', () => {
    expect(groupBoundsFromElk(laidOut)).toEqual({ billing: { x: 300, y: 40, width: 500, height: 400 } });
  });
});

describe('layoutKey', () => {
  it('is stable for the same structure and ignores comments, estimates and classifications', () => {
    const again = schemaToGraph(platformModel(), { classifications: () => ['PII'] });
    again.nodes[0] = { ...again.nodes[0], comment: 'changed', rowEstimate: 99 };
    expect(layoutKey(again, false)).toBe(layoutKey(graph, false));
    expect(layoutKey(graph, false)).toMatch(/^6n4e-[0-9a-f]{16}$/);
  });

  it('changes when a column, an edge, the mode or grouping changes', () => {
    const base = layoutKey(graph, false);
    const withColumn = structuredClone(graph);
    withColumn.nodes[1].columns.push({ ...withColumn.nodes[1].columns[0], name: 'extra' });
    expect(layoutKey(withColumn, false)).not.toBe(base);
    expect(layoutKey({ ...graph, edges: graph.edges.slice(1) }, false)).not.toBe(base);
    expect(layoutKey(graph, true)).not.toBe(base);
    expect(layoutKey(graph, false, true)).not.toBe(base);
  });
});
