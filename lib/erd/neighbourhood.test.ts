import { describe, expect, it } from 'vitest';
import { schemaToGraph } from './graph';
import { bySchema, filterGraph, neighbourhood } from './neighbourhood';
import { col, fk, modelOf, platformModel, tbl } from '../../test/erd/test-model';

const graph = schemaToGraph(platformModel());

describe('neighbourhood', () => {
  it('0 hops is the table itself; 1 hop follows FKs both ways', () => {
    expect([...neighbourhood(graph, 'platform.users', 0)]).toEqual(['platform.users']);
    expect([...neighbourhood(graph, 'platform.users', 1)].sort()).toEqual([
      'platform.organizations',
      'platform.usage_events',
      'platform.user_profiles',
      'platform.users',
    ]);
  });

  it('2 hops reaches tables two FKs away, in either direction', () => {
    expect([...neighbourhood(graph, 'platform.organizations', 1)].sort()).toEqual(['platform.organizations', 'platform.users']);
    expect([...neighbourhood(graph, 'platform.organizations', 2)].sort()).toEqual([
      'platform.organizations',
      'platform.usage_events',
      'platform.user_profiles',
      'platform.users',
    ]);
  });

  it('a self-reference does not leave the table; an unknown table gives nothing', () => {
    expect([...neighbourhood(graph, 'platform.folders', 3)]).toEqual(['platform.folders']);
    expect(neighbourhood(graph, 'platform.nope', 2).size).toBe(0);
  });
});

describe('filterGraph and bySchema', () => {
  it('keeps only edges whose both ends are kept, in order', () => {
    const kept = filterGraph(graph, new Set(['platform.users', 'platform.organizations', 'platform.folders']));
    expect(kept.nodes.map((n) => n.id)).toEqual(['platform.folders', 'platform.organizations', 'platform.users']);
    expect(kept.edges.map((e) => e.name)).toEqual(['folders_parent_fkey', 'users_org_id_fkey']);
  });

  it('bySchema keeps the tables of the chosen schemas and the FKs among them', () => {
    const two = schemaToGraph(
      modelOf([
        tbl('a', 'x', [col('id', 'int')]),
        tbl('b', 'y', [col('x_id', 'int')], { foreignKeys: [fk('y_x_fkey', ['x_id'], 'a.x', ['id'])] }),
      ]),
    );
    expect(bySchema(two, ['b']).nodes.map((n) => n.id)).toEqual(['b.y']);
    expect(bySchema(two, ['b']).edges).toEqual([]);
    expect(bySchema(two, ['a', 'b']).edges).toHaveLength(1);
  });
});
