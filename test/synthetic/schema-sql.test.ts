import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspect } from '../../lib/introspect/introspect';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-database';
import { syntheticDropStatements, syntheticSchemaSql, syntheticTableName } from './schema-sql';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('synthetic');
});
afterAll(async () => {
  await db.drop();
});

describe('synthetic schema DDL', () => {
  it('creates the advertised shape: tables, FKs (composite, self), partial indexes, checks, enums, views; and drops it', async () => {
    expect(syntheticSchemaSql({ tables: 60 })).toBe(syntheticSchemaSql({ tables: 60 }));
    await db.sql.unsafe(syntheticSchemaSql({ tables: 60 }));
    const model = await introspect(db.sql);
    const tables = model.tables.filter((t) => t.schema === 'synthetic');
    expect(tables).toHaveLength(60);
    expect(tables[42]!.name).toBe(syntheticTableName(42));
    const fks = tables.flatMap((t) => t.foreignKeys);
    expect(fks.length).toBeGreaterThanOrEqual(59);
    expect(fks.some((f) => f.columns.length === 2)).toBe(true);
    expect(tables.some((t) => t.foreignKeys.some((f) => f.references.table === t.id))).toBe(true);
    expect(tables.every((t) => t.indexes.some((i) => i.predicate !== null))).toBe(true);
    expect(tables.every((t) => t.checkConstraints.length === 1)).toBe(true);
    expect(model.enums.filter((e) => e.schema === 'synthetic')).toHaveLength(3);
    expect(model.views.filter((v) => v.schema === 'synthetic')).toHaveLength(3);
    for (const statement of syntheticDropStatements(60)) await db.sql.unsafe(statement);
    expect((await introspect(db.sql)).tables.filter((t) => t.schema === 'synthetic')).toEqual([]);
  });
});
