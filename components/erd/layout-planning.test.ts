import { describe, expect, it } from 'vitest';
import { schemaToGraph, type ErdGraph, type ErdNode } from '@/lib/erd/graph';
import type { ElkNode } from '@/lib/erd/elk-graph';
import { syntheticModel } from '@/test/erd/synthetic-model';
import { elkInput, elkOutput, LAYERED_LIMIT } from '@/lib/erd/elk-layout';
import { HEADER_HEIGHT, nodeRows, ROW_HEIGHT, rowCentre } from './node-geometry';
import { placeBelow, planLayout } from './plan-layout';

const size = () => ({ width: 100, height: 50 });

function graphOf(ids: string[]): ErdGraph {
  return { nodes: ids.map((id) => ({ id, schema: id.split('.')[0]!, name: id.split('.')[1]!, columns: [] }) as unknown as ErdNode), edges: [] };
}

describe('planLayout', () => {
  it('lays everything out on a first visit', () => {
    expect(planLayout(graphOf(['a.x', 'a.y']), null, new Set(), size)).toEqual({ kind: 'all' });
  });

  it('keeps remembered positions and drops tables that no longer exist', () => {
    const stored = { key: 'k', routes: {}, positions: { 'a.x': { x: 1, y: 2 }, 'a.gone': { x: 9, y: 9 } } };
    const plan = planLayout(graphOf(['a.x']), stored, new Set(), size);
    expect(plan).toEqual({ kind: 'keep', positions: { 'a.x': { x: 1, y: 2 } } });
  });

  it('places only new tables, and grown ones that now overlap a neighbour', () => {
    const stored = { key: 'k', routes: {}, positions: { 'a.x': { x: 0, y: 0 }, 'a.y': { x: 50, y: 20 }, 'a.z': { x: 500, y: 0 } } };
    const plan = planLayout(graphOf(['a.x', 'a.y', 'a.z', 'a.new']), stored, new Set(['a.y', 'a.z']), size);
    expect(plan.kind).toBe('place');
    if (plan.kind !== 'place') return;
    expect(plan.ids.sort()).toEqual(['a.new', 'a.y']);
    expect(Object.keys(plan.kept).sort()).toEqual(['a.x', 'a.z']);
  });
});

describe('placeBelow', () => {
  it('puts new tables under everything placed, left-aligned, routes moved along', () => {
    const out = placeBelow(
      { 'a.x': { x: 10, y: 0 }, 'a.y': { x: 300, y: 100 } },
      { positions: { 'a.n': { x: 500, y: 500 } }, routes: { e: [{ x: 500, y: 520 }, { x: 600, y: 520 }] } },
      size,
      40,
    );
    expect(out.positions['a.n']).toEqual({ x: 10, y: 190 });
    expect(out.positions['a.x']).toEqual({ x: 10, y: 0 });
    expect(out.routes.e).toEqual([{ x: 10, y: 210 }, { x: 110, y: 210 }]);
  });
});

describe('rowCentre', () => {
  it('puts a drawn column on its row and a hidden one on the "+N more" row', () => {
    const model = syntheticModel({ tables: 2, seed: 1, partitionedEvery: 0 });
    const table = model.tables[0]!;
    table.columns = Array.from({ length: 300 }, (_, i) => ({ ...table.columns[1]!, name: `c${i}`, position: i + 1 }));
    const node = schemaToGraph(model).nodes.find((n) => n.id === table.id)!;
    const rows = nodeRows(node, false);
    expect(rowCentre(rows, rows.rows[2]!.name)).toBe(HEADER_HEIGHT + 2 * ROW_HEIGHT + ROW_HEIGHT / 2);
    expect(rowCentre(rows, 'c299')).toBe(HEADER_HEIGHT + rows.rows.length * ROW_HEIGHT + ROW_HEIGHT / 2);
  });
});

describe('elkInput / elkOutput', () => {
  it('packs schemas as groups and keeps each small schema layered', () => {
    const graph = schemaToGraph(syntheticModel({ tables: 60, seed: 2, tablesPerSchema: 20 }));
    const input = elkInput(graph, false);
    expect(input.layoutOptions?.['elk.algorithm']).toBe('rectpacking');
    expect(input.layoutOptions?.['elk.hierarchyHandling']).toBe('SEPARATE_CHILDREN');
    for (const group of input.children ?? []) expect(group.layoutOptions?.['elk.algorithm']).toBe('layered');
  });

  it('packs a schema bigger than LAYERED_LIMIT in rows', () => {
    const graph = schemaToGraph(syntheticModel({ tables: LAYERED_LIMIT + 1, seed: 3, tablesPerSchema: LAYERED_LIMIT + 1, partitionedEvery: 0 }));
    const [group] = elkInput(graph, false).children ?? [];
    expect(group?.layoutOptions?.['elk.algorithm']).toBe('rectpacking');
  });

  it('reads absolute positions and routes, adding the group offset', () => {
    const result = {
      id: 'root',
      children: [
        {
          id: '\u0000schema:a',
          x: 100,
          y: 50,
          children: [{ id: 'a.x', x: 10, y: 20 }],
          edges: [{ id: 'e1', sections: [{ startPoint: { x: 1, y: 2 }, endPoint: { x: 30, y: 2 }, bendPoints: [{ x: 15, y: 2 }] }] }],
        },
      ],
    } as unknown as ElkNode;
    const out = elkOutput(result);
    expect(out.positions['a.x']).toEqual({ x: 110, y: 70 });
    expect(out.routes.e1).toEqual([{ x: 101, y: 52 }, { x: 115, y: 52 }, { x: 130, y: 52 }]);
  });

});
