import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import type { SchemaModel } from '../introspect/schema-model';
import { applyChangeSets } from '../migrate/apply';
import { dryRun, type DryRunResult } from '../migrate/dry-run';
import {
  columnType,
  diffSnapshots,
  EMPTY_SNAPSHOT,
  entryOf,
  inverseEntries,
  modelTableLines,
  modelTables,
  normalDefault,
  readSnapshot,
  snapshotTableLines,
  type DrizzleSnapshot,
  type SnapshotTable,
} from '../../test/support/drizzle-snapshot-diff';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';

/*
 * "The diff names exactly what each demo change set changes." For every change set of the
 * demo project, on a database holding its predecessors, an in-transaction dry run of that
 * one change set must report exactly what drizzle-kit's snapshots say it changes (the
 * oracle in test/support/drizzle-snapshot-diff.ts, which shares no code with lib/diff), and a
 * dry run of its rollback right after applying it must report exactly the inverse. Schemas
 * are part of that comparison (drizzle's snapshots record them); extensions, which the
 * snapshots do not record, are stated per change set below.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demoDir = path.join(root, 'drizzle/demo');
const demo = readProject(demoDir);
const snapshots = demo.changeSets.map((c) => readSnapshot(demoDir, c.tag));

const entries = (result: DryRunResult) => result.diff.changes.map(entryOf).sort();

interface Exception {
  why: string;
  /** Generated with `drizzle-kit generate --custom`: its snapshot repeats the previous one. */
  custom: boolean;
  /** What the diff must report, given what the snapshots say (which is nothing for custom change sets). */
  entries: (fromSnapshots: string[]) => string[];
  /** A data change set: it must change rows (and no schema). */
  changesRows?: boolean;
  /** Rows to give the change set something to do, on the database holding its predecessors. */
  seed?: string;
  /** What else the hand-edited part must have made, on the dry run's model after it. */
  model?: (after: SchemaModel) => void;
}

/**
 * Change sets (or parts of them) drizzle's snapshots do not describe, each with what the
 * diff must report instead, stated explicitly. Every other change set is judged by the
 * snapshots alone.
 */
const NOT_IN_SNAPSHOTS: Record<string, Exception> = {
  // Hand-edited (see the file's first line): drizzle-kit cannot express partitioning, so the
  // snapshot keeps usage_events as a plain table, and the SQL makes it PARTITION BY RANGE
  // (occurred_at) with monthly partitions 2026-01 to 2027-12 and a DEFAULT partition. Each
  // partition is a table of its own, and the diff names each; the parent is judged by the
  // snapshot like any other table (the table contents check compares its columns and keys).
  '0001_platform_usage_events': {
    why: 'hand-edited partitioning',
    custom: false,
    entries: (fromSnapshots) => [
      ...fromSnapshots,
      ...[2026, 2027].flatMap((year) =>
        Array.from({ length: 12 }, (_, m) => `added table platform.usage_events_y${year}m${String(m + 1).padStart(2, '0')}`),
      ),
      'added table platform.usage_events_default',
    ],
    model: (after) => {
      const parent = after.tables.find((t) => t.id === 'platform.usage_events')!;
      expect([parent.kind, parent.partitionKey, parent.partitions.length]).toEqual(['partitioned', 'RANGE (occurred_at)', 25]);
    },
  },
  // Custom: installs three extensions, which drizzle's snapshots do not record. The
  // functions, operators and types they create belong to them, and the model leaves those
  // out: the diff names the extensions, and nothing else.
  '0006_lifegraph_extensions': {
    why: 'custom: extensions',
    custom: true,
    entries: () => ['added extension btree_gist', 'added extension pg_trgm', 'added extension pgcrypto'],
  },
  // Custom data change sets: they insert and update rows (seeded here so that they do) and
  // change no schema, so the diff is empty.
  '0013_files_default_contracts_backfill': {
    why: 'custom: data backfill',
    custom: true,
    entries: () => [],
    changesRows: true,
    seed: `insert into files.project_files (ui_name, file_path) values ('a', 'ws1/a.txt'), ('b', 'ws2/docs/b.txt')`,
  },
  '0014_files_workspace_scope_backfill': { why: 'custom: data backfill', custom: true, entries: () => [], changesRows: true },
};

/** The model's tables against the snapshot's, line by line (see snapshotTableLines). */
function tableContents(model: SchemaModel, snapshot: DrizzleSnapshot): { model: Record<string, string[]>; snapshot: Record<string, string[]> } {
  const schemas = ['public', ...Object.keys(snapshot.schemas)];
  const fromModel = Object.fromEntries([...modelTables(model, schemas)].map(([id, table]) => [id, modelTableLines(table)]));
  const fromSnapshot = Object.fromEntries(Object.entries(snapshot.tables).map(([id, table]) => [id, snapshotTableLines(table)]));
  return { model: fromModel, snapshot: fromSnapshot };
}

describe('demo change sets: the diff names exactly what each one changes', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase('demo_diff');
  });
  afterAll(async () => {
    await db.drop();
  });

  it('the demo has the 20 change sets and snapshots the oracle reads, each snapshot following the previous', () => {
    expect(demo.changeSets.map((c) => c.tag.slice(0, 4))).toEqual(Array.from({ length: 20 }, (_, i) => String(i).padStart(4, '0')));
    snapshots.forEach((snapshot, i) => expect(snapshot.prevId).toBe(i === 0 ? '00000000-0000-0000-0000-000000000000' : snapshots[i - 1]!.id));
    // The custom exceptions are exactly the change sets whose snapshot repeats the previous one.
    const repeats = demo.changeSets.filter((_, i) => i > 0 && diffSnapshots(snapshots[i - 1]!, snapshots[i]!).length === 0).map((c) => c.tag);
    const custom = Object.entries(NOT_IN_SNAPSHOTS).filter(([, e]) => e.custom).map(([tag]) => tag);
    expect(repeats).toEqual(custom);
    for (const tag of Object.keys(NOT_IN_SNAPSHOTS)) expect(demo.changeSets.map((c) => c.tag)).toContain(tag);
  });

  demo.changeSets.forEach((changeSet, i) => {
    const tag = changeSet.tag;
    const exception = NOT_IN_SNAPSHOTS[tag];
    it(`${tag}: the apply diff is the snapshots' diff${exception ? ` (${exception.why})` : ''}, the rollback diff its inverse`, async () => {
      if (exception?.seed) await db.sql.unsafe(exception.seed);
      const ctx = testContext(db.url);
      const shadowServerUrl = inject('pgAdminUrl');
      const apply = await dryRun(ctx, demo, { direction: 'apply', to: tag, mode: 'transaction' }, { shadowServerUrl });
      const applied = await applyChangeSets(ctx, demo, { to: tag });
      const rollback = await dryRun(ctx, demo, { direction: 'rollback', steps: 1, mode: 'transaction' }, { shadowServerUrl });

      expect(applied.failed).toBeNull();
      for (const run of [apply, rollback]) {
        expect(run.failed).toBeNull();
        expect(run.changeSets.map((c) => [c.tag, c.status])).toEqual([[tag, 'ok']]);
      }

      const previous = i === 0 ? EMPTY_SNAPSHOT : snapshots[i - 1]!;
      const fromSnapshots = diffSnapshots(previous, snapshots[i]!);
      if (exception?.custom) {
        // The oracle does not apply: a custom change set's snapshot is its predecessor's.
        expect(fromSnapshots).toEqual([]);
      }
      if (exception?.changesRows) {
        expect(apply.changeSets[0]!.rows).toBeGreaterThan(0);
        // A rollback that deletes the backfilled rows loses data: it is dry-run on a shadow, never on the target.
        if (rollback.mode === 'transaction') expect(rollback.changeSets[0]!.rows).toBeGreaterThan(0);
        else expect(rollback.modeReason).toMatch(/the rollback destroys rows of/);
      }
      const expected = (exception?.entries(fromSnapshots) ?? fromSnapshots).sort();
      expect(entries(apply)).toEqual(expected);
      expect(entries(rollback)).toEqual(inverseEntries(expected));

      // What an `added table` entry stands for: every table after the change set, column by
      // column and key by key, is the one drizzle's snapshot describes (partitions aside:
      // their parent carries their objects); and the rollback leaves the previous one.
      const applyContents = tableContents(apply.after, snapshots[i]!);
      expect(applyContents.model).toEqual(applyContents.snapshot);
      const rollbackContents = tableContents(rollback.after, previous);
      expect(rollbackContents.model).toEqual(rollbackContents.snapshot);
      exception?.model?.(apply.after);
    });
  });
});

describe('the snapshot oracle', () => {
  const table = (overrides: Partial<SnapshotTable> = {}): SnapshotTable => ({
    name: 't',
    schema: 'app',
    columns: {
      id: { name: 'id', type: 'uuid', primaryKey: true, notNull: true, default: 'gen_random_uuid()' },
      code: { name: 'code', type: 'varchar(50)', primaryKey: false, notNull: false },
    },
    indexes: {},
    foreignKeys: {},
    compositePrimaryKeys: {},
    uniqueConstraints: {},
    checkConstraints: {},
    ...overrides,
  });
  const snapshot = (tables: SnapshotTable[], enums: DrizzleSnapshot['enums'] = {}): DrizzleSnapshot => ({
    ...EMPTY_SNAPSHOT,
    tables: Object.fromEntries(tables.map((t) => [`${t.schema}.${t.name}`, t])),
    enums,
    schemas: { app: 'app' },
  });

  it('lists object changes of a kept table, and an added or removed table once', () => {
    const before = snapshot([table(), table({ name: 'gone' })]);
    const after = snapshot(
      [
        table({
          columns: {
            id: { name: 'id', type: 'uuid', primaryKey: true, notNull: true, default: 'gen_random_uuid()' },
            code: { name: 'code', type: 'varchar(80)', primaryKey: false, notNull: true, default: "'x'" },
            note: { name: 'note', type: 'text', primaryKey: false, notNull: false },
          },
          uniqueConstraints: { t_code_key: { name: 't_code_key', columns: ['code'] } },
          indexes: { t_code_idx: { name: 't_code_idx', columns: [{ expression: 'code', isExpression: false, asc: true }], isUnique: true, method: 'btree' } },
          checkConstraints: { t_code_check: { name: 't_code_check', value: "code <> ''" } },
        }),
        table({ name: 'fresh' }),
      ],
      { 'app.mood': { name: 'mood', schema: 'app', values: ['ok'] } },
    );
    expect(diffSnapshots(before, after)).toEqual([
      'added check app.t.t_code_check',
      'added column app.t.note',
      'added enum app.mood',
      'added index app.t.t_code_idx',
      'added table app.fresh',
      'added unique app.t.t_code_key',
      'changed column app.t.code [default,nullable,type]',
      'removed table app.gone',
    ]);
  });

  it('names a schema created or dropped, once, before its tables', () => {
    const before = snapshot([table()]);
    const after = { ...snapshot([table(), table({ schema: 'files', name: 'f' })]), schemas: { app: 'app', files: 'files' } };
    expect(diffSnapshots(before, after)).toEqual(['added schema files', 'added table files.f']);
    expect(diffSnapshots(after, before)).toEqual(['removed schema files', 'removed table files.f']);
  });

  it('names a column-level primary key as PostgreSQL does, and a renamed key as the key changed', () => {
    const composite = table({ compositePrimaryKeys: { t_pk: { name: 't_pk', columns: ['id'] } } });
    expect(diffSnapshots(snapshot([table()]), snapshot([composite]))).toEqual(['changed primary_key app.t.t_pk [name]']);
  });

  it('spells types and defaults as PostgreSQL prints them', () => {
    const type = (t: string, typeSchema?: string) => columnType({ name: 'c', type: t, typeSchema, primaryKey: false, notNull: false });
    expect(type('varchar(255)')).toBe('character varying(255)');
    expect(type('timestamp')).toBe('timestamp without time zone');
    expect(type('timestamp with time zone')).toBe('timestamp with time zone');
    expect(type('numeric(10, 4)')).toBe('numeric(10,4)');
    expect(type('text[]')).toBe('text[]');
    expect(type('commitment_state', 'lifegraph')).toBe('lifegraph.commitment_state');
    expect(normalDefault("'active'::text", 'text')).toBe(normalDefault("'active'", 'text'));
    expect(normalDefault("'pending'::character varying", 'character varying(50)')).toBe("'pending'");
    expect(normalDefault("(now() AT TIME ZONE 'utc'::text)", 'timestamp without time zone')).toBe("(now() AT TIME ZONE 'utc')");
    expect(normalDefault("'17:00'", 'time without time zone')).toBe(normalDefault("'17:00:00'::time without time zone", 'time without time zone'));
    expect(normalDefault("'{}'::text[]", 'text[]')).toBe("'{}'");
  });
});
