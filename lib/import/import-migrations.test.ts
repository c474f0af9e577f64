import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { rollbackChangeSets } from '../migrate/rollback';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { importMigrations } from './import-migrations';
import { importOutDir, importSource } from '../../test/support/import-source';


async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!isStrataError(error, 'BAD_USAGE')) throw new Error(`expected BAD_USAGE, got ${String(error)}`);
  return error.message;
}

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('import');
});
afterAll(async () => {
  await db?.drop();
});

const tables = async () => (await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`).map((r) => String(r.tablename));

describe('importMigrations', () => {
  it('golang-migrate: order by version, names kept, up/down pairs; the result applies and rolls back with Strata', async () => {
    const src = importSource({
      '10_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
      '10_orders.down.sql': 'DROP TABLE orders;',
      '2_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);',
      '2_users.down.sql': 'DROP TABLE users;',
      'README.md': '# notes',
    });
    const out = importOutDir();
    const report = await importMigrations({ format: 'golang-migrate', src, out });
    expect(report.changeSets.map((c) => [c.tag, c.source, c.hasRollback])).toEqual([
      ['0000_users', '2_users.up.sql', true],
      ['0001_orders', '10_orders.up.sql', true],
    ]);
    expect(report.skipped).toEqual(['README.md']);
    expect(report.flagged).toEqual([]);
    const project = readProject(out);
    expect(project.changeSets[1]!.forward.text).toBe('-- Imported from golang-migrate: 10_orders.up.sql\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n');
    // Unqualified names land in public, never in Strata's schema (the test role is called strata).
    expect((await applyChangeSets(testContext(db.url), project)).failed).toBeNull();
    expect(await tables()).toEqual(['orders', 'users']);
    expect((await rollbackChangeSets(testContext(db.url), project, { all: true })).failed).toBeNull();
    expect(await tables()).toEqual([]);
  });

  it('dbmate: up and down sections, transaction:false becomes -- strata:no-transaction', async () => {
    const src = importSource({
      'db/migrations/20240101120000_create_items.sql': '-- migrate:up\nCREATE TABLE items (id bigint PRIMARY KEY, name text);\n\n-- migrate:down\nDROP TABLE items;\n',
      'db/migrations/20240102120000_index_items.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY ix_items_name ON items (name);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY ix_items_name;\n',
    });
    const out = importOutDir();
    // SRC may be the project folder: dbmate's default db/migrations is found inside it.
    const report = await importMigrations({ format: 'dbmate', src, out });
    expect(report.changeSets.map((c) => c.source)).toEqual(['db/migrations/20240101120000_create_items.sql (migrate:up)', 'db/migrations/20240102120000_index_items.sql (migrate:up)']);
    expect(report.changeSets.map((c) => [c.tag, c.noTransaction, c.when])).toEqual([
      ['0000_create_items', false, Date.UTC(2024, 0, 1, 12)],
      ['0001_index_items', true, Date.UTC(2024, 0, 2, 12)],
    ]);
    expect(report.flagged).toEqual([]);
    const project = readProject(out);
    expect(project.changeSets[1]!.forward.noTransaction).toBe(true);
    expect(project.changeSets[1]!.rollback!.noTransaction).toBe(true);
    const scratch = await createScratchDatabase('import_dbmate');
    try {
      expect((await applyChangeSets(testContext(scratch.url), project)).failed).toBeNull();
      expect((await rollbackChangeSets(testContext(scratch.url), project, { all: true })).failed).toBeNull();
    } finally {
      await scratch.drop();
    }
  });

  it('diesel: folders in version order (dashes removed, as text), metadata.toml run_in_transaction = false', async () => {
    const src = importSource({
      '00000000000000_diesel_initial_setup/up.sql': 'CREATE FUNCTION noop() RETURNS void LANGUAGE sql AS $$ SELECT $$;',
      '00000000000000_diesel_initial_setup/down.sql': 'DROP FUNCTION noop();',
      '2024-10-25-112826_second/up.sql': 'CREATE TABLE b (id int);',
      '2024-10-25-112826_second/down.sql': 'DROP TABLE b;',
      '20170708133715_first/up.sql': 'CREATE TABLE a (id int);',
      '20170708133715_first/down.sql': 'DROP TABLE a;',
      '2025-11-19-091444-0000_third/up.sql': 'CREATE INDEX CONCURRENTLY ix_a_id ON a (id);',
      '2025-11-19-091444-0000_third/down.sql': 'DROP INDEX CONCURRENTLY ix_a_id;',
      '2025-11-19-091444-0000_third/metadata.toml': 'run_in_transaction = false # CONCURRENTLY\n',
      'data_fix.sql': 'UPDATE a SET id = 1;',
    });
    const out = importOutDir();
    const report = await importMigrations({ format: 'diesel', src, out });
    expect(report.changeSets.map((c) => [c.tag, c.noTransaction])).toEqual([
      ['0000_diesel_initial_setup', false],
      ['0001_first', false],
      ['0002_second', false],
      ['0003_third', true],
    ]);
    expect(report.changeSets.map((c) => c.when)).toEqual([1, Date.UTC(2017, 6, 8, 13, 37, 15), Date.UTC(2024, 9, 25, 11, 28, 26), Date.UTC(2025, 10, 19, 9, 14, 44)]);
    expect(report.skipped).toEqual(['data_fix.sql']);
    expect(report.flagged).toEqual([]);
    const project = readProject(out);
    expect(project.changeSets[3]!.forward.text).toBe('-- strata:no-transaction\n-- Imported from diesel: 2025-11-19-091444-0000_third/up.sql\nCREATE INDEX CONCURRENTLY ix_a_id ON a (id);\n');
    expect([project.changeSets[3]!.forward.noTransaction, project.changeSets[3]!.rollback!.noTransaction]).toEqual([true, true]);
    // CONCURRENTLY only runs because the directive keeps it out of a transaction.
    const scratch = await createScratchDatabase('import_diesel');
    try {
      expect((await applyChangeSets(testContext(scratch.url), project)).failed).toBeNull();
      const indexes = await scratch.sql`select indexname from pg_indexes where schemaname = 'public'`;
      expect(indexes.map((r) => r.indexname)).toEqual(['ix_a_id']);
      expect((await rollbackChangeSets(testContext(scratch.url), project, { all: true })).failed).toBeNull();
      expect((await scratch.sql`select count(*)::int as n from pg_class where relname in ('a', 'b', 'ix_a_id')`)[0]!.n).toBe(0);
    } finally {
      await scratch.drop();
    }
  });

  it('dbmate: files dbmate refuses are reported and not imported; problems name the source file and its own line numbers', async () => {
    const src = importSource({
      '20240101120000_ok.sql': '-- a comment before the marker is fine\n-- migrate:up\nCREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY ix_t ON t (id);\n-- migrate:down\n',
      '20240101120000_again.sql': '-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 1;\n',
      '20240102120000_before.sql': 'CREATE TABLE early (id int);\n-- migrate:up\nSELECT 1;\n-- migrate:down\n',
      '20240103120000_swapped.sql': '-- migrate:down\nSELECT 1;\n-- migrate:up\nSELECT 1;\n',
      '20240104120000_none.sql': 'SELECT 1;\n',
      'schema.sql': 'CREATE TABLE t (id int);',
    });
    const report = await importMigrations({ format: 'dbmate', src, out: importOutDir() });
    expect(report.changeSets.map((c) => c.source)).toEqual(['20240101120000_again.sql (migrate:up)', '20240101120000_ok.sql (migrate:up)']);
    expect(report.skipped).toEqual(['schema.sql']);
    expect(report.flagged.map((f) => `${f.source}: ${f.problem}`)).toEqual([
      '20240102120000_before.sql: statements before "-- migrate:up": dbmate refuses this file, so it is not imported',
      '20240103120000_swapped.sql: "-- migrate:down" comes before "-- migrate:up": dbmate refuses this file, so it is not imported',
      '20240104120000_none.sql: no "-- migrate:up" block: dbmate refuses this file, so it is not imported',
      '20240101120000_ok.sql (migrate:up): version 20240101120000 is also used by 20240101120000_again.sql (migrate:up)',
      expect.stringMatching(/^20240101120000_ok\.sql \(migrate:up\): its timestamp 2024-01-01T12:00:00\.000Z is not after the previous migration's/),
      '20240101120000_ok.sql (migrate:up): line 4: CREATE INDEX CONCURRENTLY ix_t ON t (id) cannot run inside a transaction, and the source runs this file in one: it will fail',
      '20240101120000_ok.sql (migrate:up): no down migration: the change set cannot be rolled back',
    ]);
  });

  it('plain numbered SQL: rollbacks only where a down file exists; what did not convert is flagged, not hidden', async () => {
    const src = importSource({
      '001_init.sql': 'CREATE TABLE t (id int);',
      '001_init.down.sql': 'DROP TABLE t;',
      '003_add_col.sql': 'ALTER TABLE t ADD COLUMN c int;',
      '004_index.sql': 'CREATE INDEX CONCURRENTLY ix_t_c ON t (c);',
      'down/004_index.sql': 'DROP INDEX ix_t_c;',
      '005_broken.sql': 'ALTER TABLE t ADD COLUMN d int\nALTER TABLE t ADD COLUMN e int;',
      '006_tx.sql': 'BEGIN;\nUPDATE t SET c = 1;\nCOMMIT;',
      'down/009_gone.sql': 'DROP TABLE gone;',
      'notes.txt': 'not a migration',
    });
    const report = await importMigrations({ format: 'sql', src, out: importOutDir() });
    expect(report.changeSets.map((c) => [c.tag, c.hasRollback])).toEqual([
      ['0000_init', true],
      ['0001_add_col', false],
      ['0002_index', true],
      ['0003_broken', false],
      ['0004_tx', false],
    ]);
    // Line numbers are the source file's, not the written file's (which has a header line more).
    expect(report.flagged.map((f) => `${f.source}: ${f.problem}`)).toEqual([
      'down/009_gone.sql: a down file without its up file: not imported',
      '003_add_col.sql: no down migration: the change set cannot be rolled back',
      '004_index.sql: line 1: CREATE INDEX CONCURRENTLY ix_t_c ON t (c) cannot run inside a transaction, and the source runs this file in one: it will fail',
      '005_broken.sql: does not parse (line 2): syntax error at or near "ALTER"',
      '005_broken.sql: no down migration: the change set cannot be rolled back',
      '006_tx.sql: line 1: BEGIN controls the transaction Strata runs the change set in',
      '006_tx.sql: line 3: COMMIT controls the transaction Strata runs the change set in',
      '006_tx.sql: no down migration: the change set cannot be rolled back',
    ]);
    expect(report.skipped).toEqual(['notes.txt']);
    // Kept as it is (the import changes no SQL), and the loader still reads the folder.
    const project = readProject(report.out);
    expect(project.changeSets[3]!.forward.text).toBe('-- Imported from sql: 005_broken.sql\nALTER TABLE t ADD COLUMN d int\nALTER TABLE t ADD COLUMN e int;\n');
    expect(project.changeSets.map((c) => c.rollback !== null)).toEqual([true, false, true, false, false]);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const src = importSource({ '1_a.up.sql': 'SELECT 1;' });
    const out = importOutDir();
    expect(await refusal(importMigrations({ format: 'flyway', src, out }))).toMatch(/--from must be one of sql, golang-migrate, dbmate, diesel \(got "flyway"\)/);
    expect(await refusal(importMigrations({ format: 'diesel', src: '/tmp/no-such-strata-source', out }))).toMatch(/not a folder/);
    expect(await refusal(importMigrations({ format: 'diesel', src, out }))).toMatch(/no diesel migrations in .* \(found only: 1_a\.up\.sql\)/);
    expect(fs.existsSync(out)).toBe(false);
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'keep.txt'), 'mine');
    expect(await refusal(importMigrations({ format: 'golang-migrate', src, out }))).toMatch(/exists and is not empty.*--force/);
    expect(fs.readdirSync(out)).toEqual(['keep.txt']);
    // --force replaces migrations/ and rollback/ only.
    await importMigrations({ format: 'golang-migrate', src, out, force: true });
    expect(fs.readdirSync(out).sort()).toEqual(['keep.txt', 'migrations', 'rollback']);
    expect(fs.readdirSync(path.dirname(out)).filter((f) => f.includes('strata-import'))).toEqual([]);
    const file = path.join(path.dirname(out), 'a-file');
    fs.writeFileSync(file, 'x');
    expect(await refusal(importMigrations({ format: 'golang-migrate', src, out: file }))).toMatch(/is a file, not a folder/);
    expect(await refusal(importMigrations({ format: 'golang-migrate', src, out: path.join(src, 'project') }))).toMatch(/must not be inside the source folder/);
    const host = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-import-host-'));
    fs.mkdirSync(path.join(host, 'migrations'));
    fs.writeFileSync(path.join(host, 'migrations', '1_a.up.sql'), 'SELECT 1;');
    expect(await refusal(importMigrations({ format: 'golang-migrate', src: path.join(host, 'migrations'), out: host, force: true }))).toMatch(/which the import replaces/);
    expect(fs.readdirSync(path.join(host, 'migrations'))).toEqual(['1_a.up.sql']);
    expect(fs.readdirSync(src)).toEqual(['1_a.up.sql']);
  });

  it('keeps journal times strictly increasing when the source\'s collide, and says so', async () => {
    const src = importSource({
      '20240101120000_a.up.sql': 'SELECT 1;',
      '20240101120000_a.down.sql': 'SELECT 1;',
      '20240101120000_b.up.sql': 'SELECT 2;',
      '20240101120000_b.down.sql': 'SELECT 2;',
    });
    const report = await importMigrations({ format: 'golang-migrate', src, out: importOutDir() });
    expect(report.changeSets.map((c) => c.when)).toEqual([Date.UTC(2024, 0, 1, 12), Date.UTC(2024, 0, 1, 12) + 1]);
    expect(report.flagged.map((f) => f.problem)).toEqual(expect.arrayContaining([expect.stringMatching(/version 20240101120000 is also used by/), expect.stringMatching(/not after the previous migration's/)]));
  });
});
