import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readProject } from '../changesets/project';
import type { Sql } from '../db/client';
import { catalogFingerprint } from '../testing/catalog-fingerprint';
import { writeFixtureProject } from '../testing/fixture-project';
import { testContext } from '../testing/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database';
import { applyChangeSets } from './apply';
import { dryRun } from './dry-run';
import type { DryRunRequest } from './dry-run-types';
import { withTargetLock } from './target-lock';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const demo = readProject(path.join(root, 'drizzle/demo'));
const shadowServerUrl = () => inject('pgAdminUrl');

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('dry');
});
afterEach(async () => {
  await db.drop();
});

/** Everything a dry run must leave as it was: catalog, every row, history, sequences, locks. */
async function trace(sql: Sql): Promise<Record<string, unknown>> {
  const tables = await sql`
    select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'
    order by 1, 2`;
  const rows: Record<string, unknown> = {};
  for (const t of tables) {
    const [r] = await sql.unsafe(`select count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from "${t.nspname}"."${t.relname}" x`);
    rows[`${t.nspname}.${t.relname}`] = r;
  }
  const sequences = await sql`select schemaname || '.' || sequencename as s, last_value::text from pg_sequences order by 1`;
  return { catalog: await catalogFingerprint(sql), rows, sequences };
}

async function locksHeldByOthers(sql: Sql): Promise<number> {
  const [r] = await sql`
    select count(*)::int as n from pg_locks l
    where l.pid <> pg_backend_pid() and l.database = (select oid from pg_database where datname = current_database())`;
  return Number(r!.n);
}

/** The demo up to 0012 with rows in the tables later change sets touch. */
async function demoWithData(): Promise<void> {
  const applied = await applyChangeSets(testContext(db.url), demo, { to: '0012_files_boundary_columns' });
  expect(applied.failed).toBeNull();
  await db.sql.unsafe(`
    insert into lifegraph.documents (title, source, storage_uri) values ('a', 'upload', 's3://a'), ('b', 'upload', 's3://b');
    insert into files.project_files (ui_name, file_path) select 'f' || g, '/f/' || g from generate_series(1, 5) g;`);
}

describe('dry run', () => {
  for (const mode of ['transaction', 'shadow'] as const) {
    for (const direction of ['apply', 'rollback'] as const) {
      it(`${mode} ${direction}: leaves no trace (catalog, rows, history, sequences, locks)`, async () => {
        await demoWithData();
        const before = await trace(db.sql);
        const request: DryRunRequest = direction === 'apply' ? { direction, mode } : { direction, mode, steps: 3 };
        const result = await dryRun(testContext(db.url), demo, request, { shadowServerUrl: shadowServerUrl() });
        expect(result.failed).toBeNull();
        expect(result.changeSets.length).toBe(direction === 'apply' ? demo.changeSets.length - 13 : 3);
        expect(result.diff.changes.length).toBeGreaterThan(0);
        expect(await trace(db.sql)).toEqual(before);
        expect(await locksHeldByOthers(db.sql)).toBe(0);
      });
    }
  }

  it('reports what each statement locked, and how long the real run would hold it', async () => {
    const dir = writeFixtureProject([
      {
        name: 't',
        up: 'create table public.t (id int primary key, note text);\ninsert into public.t select g, null from generate_series(1, 100) g;\ncreate table public.u (note text);',
        down: 'drop table public.t, public.u;',
      },
      { name: 'alter', up: 'alter table public.t alter column id type bigint;\n--> statement-breakpoint\ncreate index u_note on public.u (note);', down: 'drop index public.u_note;\nalter table public.t alter column id type int;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    const result = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
    const [alter, index] = result.changeSets[0]!.statements;
    expect(alter!.locks).toContainEqual(expect.objectContaining({ mode: 'AccessExclusiveLock', relation: 'public.t' }));
    expect(alter!.locks.find((l) => l.mode === 'AccessExclusiveLock')!.heldMs).toBeGreaterThanOrEqual(alter!.durationMs);
    expect(index!.locks).toContainEqual(expect.objectContaining({ mode: 'ShareLock', relation: 'public.u' }));
    expect(result.risks.map((r) => r.kind)).toEqual(expect.arrayContaining(['access_exclusive_lock', 'table_rewrite']));
  });

  it('reports a change set that would fail with PostgreSQL’s message, and changes nothing (demo 0008 on a table with rows)', async () => {
    const applied = await applyChangeSets(testContext(db.url), demo, { to: '0007_lifegraph_core' });
    expect(applied.failed).toBeNull();
    await db.sql`insert into lifegraph.documents (title) values ('existing document')`;
    const before = await trace(db.sql);
    for (const mode of ['transaction', 'shadow'] as const) {
      const result = await dryRun(testContext(db.url), demo, { direction: 'apply', mode }, { shadowServerUrl: shadowServerUrl() });
      if (mode === 'transaction') {
        expect(result.failed?.tag).toBe('0008_lifegraph_enhance_documents');
        expect(result.failed?.error?.message).toMatch(/column "source" of relation "documents" contains null values/);
        expect(result.failed?.error?.code).toBe('23502');
        expect(result.changeSets.slice(1).every((c) => c.status === 'not_run')).toBe(true);
        expect(result.diff.changes).toEqual([]);
      } else {
        // The shadow has no rows, so the statement succeeds there; the target's rows raise the risk instead.
        expect(result.risks).toContainEqual(expect.objectContaining({ kind: 'not_null_on_rows', severity: 'high', table: 'lifegraph.documents' }));
      }
    }
    expect(await trace(db.sql)).toEqual(before);
  });

  it('runs CREATE INDEX CONCURRENTLY without CONCURRENTLY, labelled, and skips VACUUM', async () => {
    const dir = writeFixtureProject([
      { name: 't', up: 'create table public.t (id int primary key, note text);', down: 'drop table public.t;' },
      { name: 'idx', up: '-- strata:no-transaction\ncreate index concurrently t_note on public.t (note);\n--> statement-breakpoint\nvacuum public.t;', down: 'drop index concurrently public.t_note;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    const result = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
    expect(result.failed).toBeNull();
    const [create, vacuum] = result.changeSets[0]!.statements;
    expect(create!.label).toMatch(/without CONCURRENTLY/);
    expect(create!.skipped).toBe(false);
    expect(vacuum!.skipped).toBe(true);
    expect(vacuum!.label).toMatch(/VACUUM cannot run inside a transaction/);
    expect(result.diff.changes).toContainEqual(expect.objectContaining({ kind: 'index', action: 'added', name: 't_note' }));
    await applyChangeSets(testContext(db.url), project);
    const back = await dryRun(testContext(db.url), project, { direction: 'rollback' }, { shadowServerUrl: shadowServerUrl() });
    expect(back.changeSets[0]!.statements[0]!.label).toMatch(/without CONCURRENTLY/);
    expect(back.diff.changes).toContainEqual(expect.objectContaining({ kind: 'index', action: 'removed', name: 't_note' }));
  });

  it('puts back sequences that a dry run advanced', async () => {
    const dir = writeFixtureProject([
      { name: 't', up: 'create table public.t (id serial primary key, note text);', down: 'drop table public.t;' },
      { name: 'fill', up: "insert into public.t (note) select 'n' from generate_series(1, 10);", down: 'delete from public.t;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
    const [{ id }] = await db.sql`insert into public.t (note) values ('real') returning id`;
    expect(id).toBe(1);
  });

  it('refuses while another runner holds the target, and on an edited applied change set', async () => {
    const dir = writeFixtureProject([{ name: 't', up: 'create table public.t (id int);', down: 'drop table public.t;' }, { name: 'u', up: 'create table public.u (id int);', down: 'drop table public.u;' }]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    await withTargetLock(db.url, 'someone-else', async () => {
      await expect(dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() })).rejects.toMatchObject({ code: 'LOCKED' });
    });
    const edited = { ...project, changeSets: project.changeSets.map((c, i) => (i === 0 ? { ...c, forward: { ...c.forward, checksum: 'edited' } } : c)) };
    for (const mode of ['transaction', 'shadow'] as const) {
      await expect(dryRun(testContext(db.url), edited, { direction: 'apply', mode }, { shadowServerUrl: shadowServerUrl() })).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
    }
  });
});
