import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('verifycli');
});
afterAll(async () => {
  await db?.drop();
});

const table = { name: 'accounts', up: 'CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);', down: 'DROP TABLE public.accounts;' };

describe('strata verify', () => {
  it('exits 0 when every change set round-trips, and never touches the target', async () => {
    const dir = writeFixtureProject([table, { name: 'index', up: 'CREATE INDEX ix_accounts_name ON public.accounts (name);', down: 'DROP INDEX public.ix_accounts_name;' }]);
    const run = await cli('verify', '--database-url', db.url, '--dir', dir);
    expect(run, run.stderr).toMatchObject({ code: 0 });
    expect(run.stdout).toMatch(/^✓ 0000_accounts$/m);
    expect(run.stdout).toMatch(/2 of 2 change sets round-trip/);
    expect(await db.sql`select count(*)::int as n from pg_tables where schemaname in ('public', 'strata', 'drizzle')`).toEqual([{ n: 0 }]);
  });

  it('exits 1 naming what a rollback left behind; --json carries the report', async () => {
    const dir = writeFixtureProject([table, { name: 'column', up: 'ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS region text;', down: 'SELECT 1;' }]);
    const run = await cli('verify', '--database-url', db.url, '--dir', dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ 0001_column  rollback-mismatch$/m);
    expect(run.stdout).toContain('compare-before: column public.accounts.region is still there after the rollback');
    expect(run.stdout).toMatch(/1 of 2 change sets round-trip .*; 1 rollback-mismatch/);
    const json = JSON.parse((await cli('verify', '--database-url', db.url, '--dir', dir, '--json')).stdout);
    expect(json).toMatchObject({ ok: false, counts: { ok: 1, 'rollback-mismatch': 1 } });
  });

  it('exits 1 for a change set without a rollback file, and marks what a failed apply left unverified', async () => {
    const dir = writeFixtureProject([
      table,
      { name: 'no_down', up: 'CREATE TABLE public.c (id int);' },
      { name: 'broken', up: 'ALTER TABLE public.nope ADD COLUMN x int;', down: 'SELECT 1;' },
      { name: 'after', up: 'SELECT 1;', down: 'SELECT 1;' },
    ]);
    const run = await cli('verify', '--database-url', db.url, '--dir', dir);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ 0001_no_down  no-rollback$/m);
    expect(run.stdout).toMatch(/^✗ 0002_broken  apply-failed\n {4}apply: relation "public.nope" does not exist$/m);
    expect(run.stdout).toMatch(/^· 0003_after  not-run\n {4}not run: 0002_broken failed to apply/m);
    expect(run.stdout).toMatch(/1 of 4 change sets round-trip .*; 1 apply-failed, 1 no-rollback, 1 not-run/);
  });

  it('a malformed project is a clear error before anything runs', async () => {
    const run = await cli('verify', '--database-url', db.url, '--dir', '/tmp/no-such-strata-project');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/MALFORMED_PROJECT.*Project folder not found/);
  });
});
