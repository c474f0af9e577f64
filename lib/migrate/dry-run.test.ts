import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
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

/**
 * Everything a dry run must leave as it was: catalog, every row, history, locks. Sequences
 * are not set back (see sequence-guard.ts): `sequences` reads them for the checks that they
 * only ever move forward and that every move is reported.
 */
async function sequences(sql: Sql): Promise<Map<string, bigint>> {
  const rows = await sql`select schemaname || '.' || sequencename as s, coalesce(last_value, 0)::text as v from pg_sequences`;
  return new Map(rows.map((r) => [String(r.s), BigInt(r.v)]));
}

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
  return { catalog: await catalogFingerprint(sql), rows };
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
      it(`${mode} ${direction}: leaves no trace (catalog, rows, history, locks); sequences only move forward, reported`, async () => {
        await demoWithData();
        const before = await trace(db.sql);
        const sequencesBefore = await sequences(db.sql);
        const request: DryRunRequest = direction === 'apply' ? { direction, mode } : { direction, mode, steps: 3 };
        const result = await dryRun(testContext(db.url), demo, request, { shadowServerUrl: shadowServerUrl() });
        expect(result.failed).toBeNull();
        expect(result.changeSets.length).toBe(direction === 'apply' ? demo.changeSets.length - 13 : 3);
        expect(result.diff.changes.length).toBeGreaterThan(0);
        expect(await trace(db.sql)).toEqual(before);
        expect(await locksHeldByOthers(db.sql)).toBe(0);
        const sequencesAfter = await sequences(db.sql);
        for (const [name, value] of sequencesBefore) expect(sequencesAfter.get(name)! >= value, name).toBe(true);
        const moved = [...sequencesAfter].filter(([name, value]) => value !== sequencesBefore.get(name)).map(([name]) => name).sort();
        expect(result.sequenceGaps.map((g) => g.sequence)).toEqual(moved);
        if (direction === 'rollback' && mode === 'transaction') {
          // 0010's rollback drops files.project_files, which has rows: never dry-run on the target.
          expect(result.mode).toBe('shadow');
          expect(result.modeReason).toMatch(/the rollback destroys rows of files\.project_files \(5 rows\)/);
        } else {
          expect(result.mode).toBe(mode);
          expect(result.modeReason).toBeNull();
        }
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

  it('never sets a sequence back: a value taken meanwhile cannot collide; the gap is reported', async () => {
    const dir = writeFixtureProject([
      { name: 't', up: 'create table public.t (id serial primary key, note text);', down: 'drop table public.t;' },
      { name: 'fill', up: "insert into public.t (note) select 'n' from generate_series(1, 10);", down: 'delete from public.t;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    // The live application takes a value while the dry run runs (right after its insert).
    const live = connect(db.url, { max: 1 });
    let taken: number | null = null;
    const result = await dryRun(
      testContext(db.url, {
        onProgress: (event) => {
          if (event.type === 'changeset-done') void live`insert into public.t (note) values ('live') returning id`.then(([row]) => (taken = Number(row!.id)));
        },
      }),
      project,
      { direction: 'apply' },
      { shadowServerUrl: shadowServerUrl() },
    );
    await vi.waitFor(() => expect(taken).not.toBeNull());
    await live.end();
    expect(result.sequenceGaps).toEqual([{ sequence: 'public.t_id_seq', before: null, after: expect.stringMatching(/^1[01]$/) }]);
    // Never moved back: the values the dry run used stay used (the old guard set it back to 1 here).
    const [seq] = await db.sql`select last_value::int as v, is_called from public.t_id_seq`;
    expect(seq).toMatchObject({ is_called: true, v: expect.any(Number) });
    expect(seq!.v).toBeGreaterThanOrEqual(10);
    // Later inserts never collide with the one taken meanwhile.
    const [{ id }] = (await db.sql`insert into public.t (note) values ('later') returning id`) as unknown as [{ id: number }];
    expect(id).toBeGreaterThan(taken!);
    expect((await db.sql`select count(*)::int as n from public.t`)[0]!.n).toBe(2);
  });

  it('on the target: 2 s lock timeout and 60 s statement timeout; a lock held elsewhere fails the dry run fast instead of queueing', async () => {
    const dir = writeFixtureProject([
      { name: 't', up: 'create table public.t (id int primary key);', down: 'drop table public.t;' },
      { name: 'alter', up: 'alter table public.t add column note text;', down: 'alter table public.t drop column note;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    const free = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
    expect(free.limits).toEqual({ lockTimeoutMs: 2_000, statementTimeoutMs: 60_000 });
    const holder = await db.sql.reserve();
    try {
      await holder`begin`;
      await holder`lock table public.t in access share mode`;
      const blocked = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
      expect(blocked.failed?.error?.message).toMatch(/lock timeout/);
      await holder`rollback`;
    } finally {
      holder.release();
    }
    // The real run keeps its own (longer) limits.
    const shadow = await dryRun(testContext(db.url), project, { direction: 'apply', mode: 'shadow' }, { shadowServerUrl: shadowServerUrl() });
    expect(shadow.limits).toEqual({ lockTimeoutMs: 5_000, statementTimeoutMs: 600_000 });
  });

  it('a plan that takes ACCESS EXCLUSIVE on a table with more rows than the budget runs on a shadow, changing nothing on the target', async () => {
    const dir = writeFixtureProject([
      { name: 't', up: 'create table public.big (id int primary key, note text);\ninsert into public.big select g, null from generate_series(1, 300) g;\ncreate table public.small (id int);', down: 'drop table public.big, public.small;' },
      { name: 'retype', up: 'alter table public.big alter column note type varchar(20);\n--> statement-breakpoint\nalter table public.small add column x int;', down: 'alter table public.big alter column note type text;\n--> statement-breakpoint\nalter table public.small drop column x;' },
      { name: 'index', up: 'create index small_x on public.small (x);', down: 'drop index concurrently public.small_x;' },
    ]);
    const project = readProject(dir);
    await applyChangeSets(testContext(db.url), project, { to: '0000_t' });
    const before = await trace(db.sql);
    const over = await dryRun(testContext(db.url), project, { direction: 'apply', to: '0001_retype' }, { shadowServerUrl: shadowServerUrl(), lockBudgetRows: 100 });
    expect(over.mode).toBe('shadow');
    expect(over.modeReason).toMatch(/ACCESS EXCLUSIVE on public\.big \(300 rows\), more than 100 rows/);
    expect(over.diff.changes.length).toBeGreaterThan(0);
    expect(await trace(db.sql)).toEqual(before);
    // Within the budget (or only small tables locked), it stays on the target.
    const within = await dryRun(testContext(db.url), project, { direction: 'apply', to: '0001_retype' }, { shadowServerUrl: shadowServerUrl(), lockBudgetRows: 1_000 });
    expect(within.mode).toBe('transaction');
    // DROP INDEX (even CONCURRENTLY, which a dry run must run without) locks its table: counted too.
    await applyChangeSets(testContext(db.url), project);
    await db.sql`insert into public.small select g from generate_series(1, 50) g`;
    const drop = await dryRun(testContext(db.url), project, { direction: 'rollback', steps: 1 }, { shadowServerUrl: shadowServerUrl(), lockBudgetRows: 10 });
    expect(drop.modeReason).toMatch(/ACCESS EXCLUSIVE on public\.small \(50 rows\)/);
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
