import { describe, expect, it } from 'vitest';
import { syntheticModel } from './synthetic-model';

describe('syntheticModel', () => {
  const model = syntheticModel({ tables: 2000, seed: 42 });

  it('is deterministic per seed', () => {
    expect(JSON.stringify(syntheticModel({ tables: 200, seed: 7 }))).toBe(JSON.stringify(syntheticModel({ tables: 200, seed: 7 })));
    expect(JSON.stringify(syntheticModel({ tables: 200, seed: 8 }))).not.toBe(JSON.stringify(syntheticModel({ tables: 200, seed: 7 })));
  });

  it('has the requested user tables plus partitions, ordered by id, across several schemas', () => {
    const userTables = model.tables.filter((t) => t.kind !== 'partition');
    expect(userTables).toHaveLength(2000);
    expect(model.tables.filter((t) => t.kind === 'partition')).toHaveLength(40 * 4);
    expect(model.tables.map((t) => t.id)).toEqual(model.tables.map((t) => t.id).sort());
    expect(model.schemas).toHaveLength(10);
  });

  it('is consistent: FKs reference existing tables and columns, positions are 1..n', () => {
    const byId = new Map(model.tables.map((t) => [t.id, t]));
    for (const table of model.tables) {
      expect(table.columns.map((c) => c.position)).toEqual(table.columns.map((_, i) => i + 1));
      const names = new Set(table.columns.map((c) => c.name));
      for (const key of table.foreignKeys) {
        expect(key.columns.every((c) => names.has(c))).toBe(true);
        const target = byId.get(key.references.table)!;
        expect(key.references.columns.every((c) => target.columns.some((tc) => tc.name === c))).toBe(true);
      }
    }
  });

  it('has every feature the ERD must cope with', () => {
    const tables = model.tables.filter((t) => t.kind !== 'partition');
    expect(tables.filter((t) => t.foreignKeys.length === 0)).toHaveLength(1); // only the very first table
    expect(Math.max(...tables.map((t) => t.foreignKeys.filter((k) => k.references.table !== t.id).length))).toBeGreaterThanOrEqual(3);
    expect(tables.some((t) => t.foreignKeys.some((k) => k.columns.length > 1))).toBe(true);
    expect(tables.some((t) => t.foreignKeys.some((k) => k.references.table === t.id))).toBe(true);
    expect(tables.some((t) => t.indexes.some((i) => i.predicate !== null))).toBe(true);
    expect(tables.some((t) => t.indexes.some((i) => i.keys.length > 1))).toBe(true);
    expect(tables.some((t) => t.indexes.some((i) => i.keys.some((k) => k.expression !== null)))).toBe(true);
    expect(tables.every((t) => t.checkConstraints.length > 0)).toBe(true);
    expect(new Set(tables.flatMap((t) => t.columns.map((c) => c.type))).size).toBeGreaterThanOrEqual(10);
    expect(model.enums.length).toBeGreaterThan(0);
    expect(model.views.length).toBeGreaterThan(0);
    expect(model.tables.filter((t) => t.kind === 'partition').every((p) => p.foreignKeys.every((k) => k.inherited))).toBe(true);
  });
});
