import { describe, expect, it } from 'vitest';
import { schemaToGraph } from './graph';
import { searchGraph } from './search';
import { syntheticModel } from '../../test/erd/synthetic-model';
import { col, modelOf, tbl } from '../../test/erd/test-model';

const graph = schemaToGraph(
  modelOf([
    tbl('app', 'user_roles', [col('user_id', 'int'), col('role', 'text')]),
    tbl('app', 'users', [col('id', 'int'), col('email', 'text'), col('Users_Count', 'int')]),
    tbl('billing', 'invoices', [col('id', 'int'), col('user_id', 'int')]),
    tbl('crm', 'Users', [col('id', 'int')]),
  ]),
);

describe('searchGraph', () => {
  it('ranks exact > prefix > substring, tables before columns at equal score, then graph order', () => {
    expect(searchGraph(graph, 'users').map((h) => `${h.score} ${h.label}`)).toEqual([
      '3 app.users',
      '3 crm.Users',
      '2 app.users.Users_Count',
    ]);
    expect(searchGraph(graph, 'USER').map((h) => h.label)).toEqual([
      'app.user_roles',
      'app.users',
      'crm.Users',
      'app.user_roles.user_id',
      'app.users.Users_Count',
      'billing.invoices.user_id',
    ]);
  });

  it('is case-insensitive and matches substrings of table and column names', () => {
    expect(searchGraph(graph, 'SER_').map((h) => [h.tableId, h.column, h.score])).toEqual([
      ['app.user_roles', null, 1],
      ['app.user_roles', 'user_id', 1],
      ['billing.invoices', 'user_id', 1],
    ]);
  });

  it('matches schema-qualified table names and table.column', () => {
    expect(searchGraph(graph, 'billing.inv').map((h) => [h.label, h.score])).toEqual([
      ['billing.invoices', 2],
      ['billing.invoices.id', 2],
      ['billing.invoices.user_id', 2],
    ]);
    expect(searchGraph(graph, 'users.email')).toEqual([{ tableId: 'app.users', column: 'email', label: 'app.users.email', score: 3 }]);
    expect(searchGraph(graph, 'app.users.em')[0]).toMatchObject({ tableId: 'app.users', column: 'email', score: 2 });
  });

  it('respects the limit and ignores blank queries', () => {
    expect(searchGraph(graph, 'id', 2)).toHaveLength(2);
    expect(searchGraph(graph, '   ')).toEqual([]);
    expect(searchGraph(graph, 'zzz')).toEqual([]);
  });

  it('on 2,000 tables, returns the best hits first and at most `limit`', () => {
    const big = schemaToGraph(syntheticModel({ tables: 2000, seed: 1 }));
    const hits = searchGraph(big, 'orders_0');
    expect(hits).toHaveLength(20);
    expect(hits.every((h) => h.column === null && h.score === 2)).toBe(true);
    expect(searchGraph(big, 'created_at', 5).every((h) => h.column === 'created_at' && h.score === 3)).toBe(true);
  });
});
