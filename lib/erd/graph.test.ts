import { describe, expect, it } from 'vitest';
import { handleId, parseHandleId, schemaToGraph } from './graph';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { col, fk, modelOf, platformModel, tbl } from '../../test/erd/test-model';

describe('schemaToGraph', () => {
  it('one node per user table, ordered by schema then name, bookkeeping and partitions left out', () => {
    const graph = schemaToGraph(platformModel());
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'platform.café "menu" items',
      'platform.folders',
      'platform.organizations',
      'platform.usage_events',
      'platform.user_profiles',
      'platform.users',
    ]);
  });

  it('includes bookkeeping tables (and their FKs) when asked', () => {
    const graph = schemaToGraph(platformModel(), { includeBookkeeping: true });
    expect(graph.nodes.map((n) => n.id)).toContain('strata.change_log');
    expect(graph.edges.map((e) => e.id)).toContain('strata.change_log.change_log_org_fkey');
  });

  it('folds partitions into their parent: count, summed statistics, no FK clones', () => {
    const graph = schemaToGraph(platformModel());
    const events = graph.nodes.find((n) => n.id === 'platform.usage_events')!;
    expect(events.partitionCount).toBe(2);
    expect(events.rowEstimate).toBe(2000);
    expect(events.totalBytes).toBe(200_000);
    const eventEdges = graph.edges.filter((e) => e.source === 'platform.usage_events');
    expect(eventEdges.map((e) => e.id)).toEqual(['platform.usage_events.usage_events_user_id_fkey']);
  });

  it('expands partitions, with their inherited FK clones, when asked', () => {
    const graph = schemaToGraph(platformModel(), { expandPartitions: true });
    expect(graph.nodes.map((n) => n.id)).toContain('platform.usage_events_2025_01');
    expect(graph.nodes.find((n) => n.id === 'platform.usage_events')!.partitionCount).toBe(0);
    expect(graph.edges.map((e) => e.id)).toContain('platform.usage_events_2025_01.usage_events_2025_01_user_id_fkey');
  });

  it('marks key columns: pk, fk, unique (never from a partial index), isKey', () => {
    const users = schemaToGraph(platformModel()).nodes.find((n) => n.id === 'platform.users')!;
    const flags = Object.fromEntries(users.columns.map((c) => [c.name, [c.pk, c.fk, c.unique, c.isKey]]));
    expect(flags).toEqual({
      id: [true, false, false, true],
      org_id: [false, true, false, true],
      email: [false, false, true, true],
      status: [false, false, false, false],
    });
  });

  it('describes each FK edge: handles on the first column, cardinality, optionality, label', () => {
    const edges = Object.fromEntries(schemaToGraph(platformModel()).edges.map((e) => [e.name, e]));
    expect(edges.users_org_id_fkey).toMatchObject({
      id: 'platform.users.users_org_id_fkey',
      source: 'platform.users',
      target: 'platform.organizations',
      sourceHandle: 's:org_id',
      targetHandle: 't:id',
      cardinality: 'many-to-one',
      optional: false,
      label: 'N:1',
      selfReference: false,
      multiColumn: false,
      onDelete: 'cascade',
    });
    expect(edges.user_profiles_user_id_fkey).toMatchObject({ cardinality: 'one-to-one', optional: false, label: '1:1' });
    expect(edges.usage_events_user_id_fkey).toMatchObject({ cardinality: 'many-to-one', optional: true, label: 'N:0..1' });
  });

  it('handles a self-referencing multi-column FK', () => {
    const edge = schemaToGraph(platformModel()).edges.find((e) => e.name === 'folders_parent_fkey')!;
    expect(edge).toMatchObject({
      source: 'platform.folders',
      target: 'platform.folders',
      sourceColumns: ['org_id', 'parent_id'],
      targetColumns: ['org_id', 'id'],
      sourceHandle: 's:org_id',
      targetHandle: 't:org_id',
      selfReference: true,
      multiColumn: true,
      optional: true,
      cardinality: 'many-to-one',
      label: 'N:0..1',
    });
  });

  it('calls a FK one-to-one when a unique key lies within its columns, optional when nullable', () => {
    const parent = tbl('s', 'p', [col('id', 'int', { nullable: false })], { primaryKey: { name: 'p_pkey', columns: ['id'] } });
    const child = tbl('s', 'c', [col('id', 'int', { nullable: false }), col('p_id', 'int'), col('tenant', 'int', { nullable: false })], {
      primaryKey: { name: 'c_pkey', columns: ['id'] },
      uniqueConstraints: [{ name: 'c_p_key', columns: ['p_id'], nullsNotDistinct: false, deferrable: false }],
      foreignKeys: [fk('c_p_fkey', ['p_id'], 's.p', ['id']), fk('c_pt_fkey', ['tenant', 'p_id'], 's.p', ['id', 'id'])],
    });
    const edges = schemaToGraph(modelOf([parent, child])).edges;
    expect(edges.map((e) => e.label)).toEqual(['1:0..1', '1:0..1']);
  });

  it('drops edges to tables that are not shown', () => {
    const lonely = tbl('app', 'orders', [col('customer_id', 'int')], {
      foreignKeys: [fk('orders_customer_fkey', ['customer_id'], 'crm.customers', ['id'])],
    });
    expect(schemaToGraph(modelOf([lonely])).edges).toEqual([]);
  });

  it('asks the classification lookup for every table and column', () => {
    const graph = schemaToGraph(platformModel(), {
      classifications: (table, column) => (table === 'platform.users' && column === 'email' ? ['PII'] : column ? [] : ['operational']),
    });
    const users = graph.nodes.find((n) => n.id === 'platform.users')!;
    expect(users.classifications).toEqual(['operational']);
    expect(users.columns.find((c) => c.name === 'email')!.classifications).toEqual(['PII']);
  });

  it('is deterministic whatever order the model lists tables in', () => {
    const model = platformModel();
    const reversed = { ...model, tables: [...model.tables].reverse() };
    expect(schemaToGraph(reversed)).toEqual(schemaToGraph(model));
  });

  it('handleId names one handle per column and side', () => {
    expect(handleId('org_id', 'source')).toBe('s:org_id');
    expect(handleId('a b"c', 'target')).toBe('t:a b"c');
    expect(parseHandleId(handleId('s:x', 'target'))).toEqual({ column: 's:x', side: 'target' });
  });

  it('on a 2,000-table model: every edge has both ends, its handles on existing columns, a unique id', () => {
    const graph = schemaToGraph(syntheticModel({ tables: 2000, seed: 42 }));
    expect(graph.nodes).toHaveLength(2000);
    const columns = new Map(graph.nodes.map((n) => [n.id, new Set(n.columns.map((c) => c.name))]));
    for (const edge of graph.edges) {
      expect(columns.get(edge.source)?.has(edge.sourceHandle.slice(2))).toBe(true);
      expect(columns.get(edge.target)?.has(edge.targetHandle.slice(2))).toBe(true);
    }
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  });
});
