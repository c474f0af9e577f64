import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { applyChangeSets } from '../migrate/apply';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { introspect, introspectUrl } from './introspect';
import { inferRelationships } from '../erd/inferred';
import type { SchemaModel } from './schema-model';

const demoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'drizzle', 'demo');

let db: ScratchDatabase;
let model: SchemaModel;

beforeAll(async () => {
  db = await createScratchDatabase('introspect_demo');
  const applied = await applyChangeSets(testContext(db.url), readProject(demoDir));
  expect(applied.failed).toBeNull();
  model = await introspectUrl(db.url);
});
afterAll(async () => {
  await db?.drop();
});

describe('introspect: the demo project, fully migrated', () => {
  it('lists the five demo schemas, public, and the bookkeeping schemas marked as such', () => {
    expect(model.schemas.map((s) => [s.name, s.bookkeeping])).toEqual([
      ['dataservice', false],
      ['drizzle', true],
      ['files', false],
      ['lifegraph', false],
      ['platform', false],
      ['public', false],
      ['risk', false],
      ['strata', true],
    ]);
    expect(model.inaccessibleSchemas).toEqual([]);
  });

  it('leaves the bookkeeping tables out unless asked', async () => {
    const schemasOfTables = new Set(model.tables.map((t) => t.schema));
    expect([...schemasOfTables].sort()).toEqual(['dataservice', 'files', 'lifegraph', 'platform', 'risk']);
    expect(model.views.filter((v) => v.schema === 'strata' || v.schema === 'drizzle')).toEqual([]);
    const full = await introspect(db.sql, { includeBookkeeping: true });
    expect(full.tables.map((t) => t.id)).toEqual(expect.arrayContaining(['strata.change_log', 'drizzle.__drizzle_migrations']));
  });

  it('platform.usage_events is range-partitioned into 25 partitions', () => {
    const events = model.tables.find((t) => t.id === 'platform.usage_events')!;
    expect(events).toMatchObject({ kind: 'partitioned', partitionKey: 'RANGE (occurred_at)' });
    expect(events.partitions).toHaveLength(25);
    expect(events.partitions).toContain('platform.usage_events_default');
    for (const id of events.partitions) {
      expect(model.tables.find((t) => t.id === id)).toMatchObject({ kind: 'partition', partitionOf: 'platform.usage_events' });
    }
    // The parent's FKs are cloned onto every partition.
    const declared = events.foreignKeys.filter((fk) => !fk.inherited).length;
    expect(declared).toBeGreaterThan(0);
    const y2026m01 = model.tables.find((t) => t.id === 'platform.usage_events_y2026m01')!;
    expect(y2026m01.foreignKeys.filter((fk) => fk.inherited)).toHaveLength(declared);
  });

  it('every foreign key points at a table of the model, at columns that exist there', () => {
    const byId = new Map(model.tables.map((t) => [t.id, t]));
    const fks = model.tables.flatMap((t) => t.foreignKeys.map((fk) => ({ from: t.id, fk })));
    expect(fks.length).toBeGreaterThan(20);
    const dangling = fks.filter(({ fk }) => {
      const target = byId.get(fk.references.table);
      return !target || fk.references.columns.some((c) => !target.columns.some((col) => col.name === c));
    });
    expect(dangling).toEqual([]);
    for (const { fk } of fks) expect(fk.columns).toHaveLength(fk.references.columns.length);
  });

  it('infers the relationships lifegraph means but does not declare: its polymorphic entity and actor pairs', () => {
    const lifegraph = inferRelationships(model).filter((r) => r.table.startsWith('lifegraph.'));
    const polymorphic = lifegraph.filter((r) => r.kind === 'polymorphic').map((r) => [r.table, r.columns]);
    expect(polymorphic).toEqual(
      expect.arrayContaining([
        ['lifegraph.document_links', ['entity_type', 'entity_id']],
        ['lifegraph.interactions', ['actor_type', 'actor_id']],
        ['lifegraph.interactions', ['primary_entity_type', 'primary_entity_id']],
      ]),
    );
    // document_links.document_id has a declared key: never inferred.
    expect(lifegraph.some((r) => r.id === 'lifegraph.document_links.document_id')).toBe(false);
  });

  it('has the extensions the demo installs', () => {
    expect(model.extensions.map((e) => e.name)).toEqual(['btree_gist', 'pg_trgm', 'pgcrypto', 'plpgsql']);
  });
});
