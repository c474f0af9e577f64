import { describe, expect, it } from 'vitest';
import type { DiffChange } from '@/lib/diff/types';
import { groupChangesByTable, touchedTables } from './group-changes';

function change(table: string | null, name: string, action: DiffChange['action'] = 'added', kind: DiffChange['kind'] = 'column'): DiffChange {
  return { kind, action, table, name, attributes: [], before: null, after: null, risks: [] };
}

describe('groupChangesByTable', () => {
  it('groups by table in order of first appearance, keeping the order of changes', () => {
    const groups = groupChangesByTable([
      change('app.a', 'x'),
      change('app.a', 'y', 'removed'),
      change('app.b', 'z', 'changed'),
      change('app.a', 'w', 'changed'),
    ]);
    expect(groups.map((g) => g.table)).toEqual(['app.a', 'app.b']);
    expect(groups[0].changes.map((c) => c.name)).toEqual(['x', 'y', 'w']);
    expect(groups[0].counts).toEqual({ added: 1, removed: 1, changed: 1 });
    expect(groups[1].counts).toEqual({ added: 0, removed: 0, changed: 1 });
  });

  it('puts changes without a table last', () => {
    const groups = groupChangesByTable([change(null, 'mood', 'added', 'enum'), change('app.a', 'x')]);
    expect(groups.map((g) => g.table)).toEqual(['app.a', null]);
    expect(groups.map((g) => g.heading)).toEqual(['app.a', 'Other objects']);
  });

  it('puts schema and extension changes first, in one group of their own', () => {
    const groups = groupChangesByTable([
      change(null, 'files', 'added', 'schema'),
      change(null, 'pg_trgm', 'removed', 'extension'),
      change('files.a', 'x'),
      change(null, 'mood', 'added', 'enum'),
      change('Schemas and extensions', 'y'),
    ]);
    expect(groups.map((g) => [g.table, g.heading, g.changes.map((c) => c.name)])).toEqual([
      [null, 'Schemas and extensions', ['files', 'pg_trgm']],
      ['files.a', 'files.a', ['x']],
      ['Schemas and extensions', 'Schemas and extensions', ['y']],
      [null, 'Other objects', ['mood']],
    ]);
    expect(groups[0].counts).toEqual({ added: 1, removed: 1, changed: 0 });
  });

  it('returns nothing for no changes', () => {
    expect(groupChangesByTable([])).toEqual([]);
  });
});

describe('touchedTables', () => {
  it('lists each table once, without nulls', () => {
    expect(touchedTables({ changes: [change('app.a', 'x'), change(null, 'e'), change('app.b', 'y'), change('app.a', 'z')] })).toEqual(['app.a', 'app.b']);
  });
});
