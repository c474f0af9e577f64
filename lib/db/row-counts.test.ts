import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { lintProject } from '../lint';
import { readLiveContext } from '../lint/live-context';
import { applyChangeSets } from '../migrate/apply';
import { dryRun } from '../migrate/dry-run';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { countRows, countTablesNamed, EXACT_ROW_COUNT_LIMIT } from './row-counts';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('rows');
});
afterEach(async () => {
  await db.drop();
});

const BIG = EXACT_ROW_COUNT_LIMIT + 20_000;
const reltuples = async (table: string) => Number((await db.sql`select reltuples::float8 as n from pg_class where oid = ${table}::regclass`)[0]!.n);

describe('one row-count reader', () => {
  it('counts exactly up to the limit and takes the planner’s estimate above it, marked so', async () => {
    // No autovacuum: the statistics stay exactly as each case sets them.
    await db.sql.unsafe(`
      create table public.empty (id int) with (autovacuum_enabled = off);
      create table public.small (id int) with (autovacuum_enabled = off);
      insert into public.small select generate_series(1, 5);
      create table public.big (id int) with (autovacuum_enabled = off);
      insert into public.big select generate_series(1, ${BIG});
      analyze public.big;
      -- Statistics taken at 10 rows, then the table grew past the limit: a count finds out.
      create table public.stale (id int) with (autovacuum_enabled = off);
      insert into public.stale select generate_series(1, 10);
      analyze public.stale;
      insert into public.stale select generate_series(1, ${BIG});
      -- Never analysed: no statistics at all.
      create table public.fresh (id int) with (autovacuum_enabled = off);
      insert into public.fresh select generate_series(1, ${BIG});
      create table public.events (id int, at date) partition by range (at);
      create table public.events_2025 partition of public.events for values from ('2025-01-01') to ('2026-01-01') with (autovacuum_enabled = off);
      create table public.events_2026 partition of public.events for values from ('2026-01-01') to ('2027-01-01') with (autovacuum_enabled = off);
      insert into public.events select g, date '2025-03-01' from generate_series(1, ${BIG}) g;
      insert into public.events select g, date '2026-03-01' from generate_series(1, 300) g;
      analyze public.events_2025, public.events_2026;
      create table public.few_events (id int, at date) partition by list (at);
      create table public.few_events_1 partition of public.few_events default;
      insert into public.few_events select g, date '2025-01-01' from generate_series(1, 7) g;`);
    const tables = ['empty', 'small', 'big', 'stale', 'fresh', 'events', 'few_events'].map((name) => ({ schema: 'public', name }));
    const counts = await countRows(db.sql, tables);
    const byTable = Object.fromEntries(counts.map((c) => [c.table, c]));
    expect(byTable['public.empty']).toEqual({ table: 'public.empty', rows: 0, estimate: false });
    expect(byTable['public.small']).toEqual({ table: 'public.small', rows: 5, estimate: false });
    expect(byTable['public.few_events']).toEqual({ table: 'public.few_events', rows: 7, estimate: false });
    expect(byTable['public.big']).toEqual({ table: 'public.big', rows: Math.round(await reltuples('public.big')), estimate: true });
    // A partitioned table's statistics are its partitions'.
    expect(byTable['public.events']).toEqual({ table: 'public.events', rows: Math.round((await reltuples('public.events_2025')) + (await reltuples('public.events_2026'))), estimate: true });
    // Stale or missing statistics: the count stopped past the limit, and the planner scaled to the size on disk.
    for (const table of ['public.stale', 'public.fresh']) {
      expect(byTable[table]!.estimate, table).toBe(true);
      expect(byTable[table]!.rows, table).toBeGreaterThan(EXACT_ROW_COUNT_LIMIT);
    }
    expect(counts.map((c) => c.table)).toEqual(tables.map((t) => `${t.schema}.${t.name}`));
  });

  it('resolves names as statements write them: unqualified through the search_path, schema.* for its tables, unknown ones left out', async () => {
    await db.sql.unsafe(`
      create schema app;
      create table app.a (id int); insert into app.a values (1), (2);
      create table app.b (id int);
      create table public.c (id int); insert into public.c values (1);`);
    const counts = await countTablesNamed(db.sql, ['c', 'app.*', 'public.missing', 'nope.x']);
    expect(counts).toEqual([
      { table: 'app.a', rows: 2, estimate: false },
      { table: 'app.b', rows: 0, estimate: false },
      { table: 'public.c', rows: 1, estimate: false },
    ]);
  });

  it("a dry run's lint and the change set page's lint judge on the same numbers; a big table's are estimates, marked so", async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 'tables', up: 'create table public.small (id int);\ncreate table public.big (id int);', down: 'drop table public.small;\ndrop table public.big;' },
        { name: 'region', up: 'alter table public.small add column region text not null;\nalter table public.big add column region text not null;', down: 'alter table public.small drop column region;\nalter table public.big drop column region;' },
      ]),
    );
    await applyChangeSets(testContext(db.url), project, { to: '0000_tables' });
    await db.sql.unsafe(`insert into public.small select generate_series(1, 5); insert into public.big select generate_series(1, ${BIG}); analyze public.big`);
    const bigRows = Math.round(await reltuples('public.big')).toLocaleString('en-US');
    const region = project.changeSets[1]!;
    const messages = (findings: Array<{ ruleId: string; message: string }>) => findings.filter((f) => f.ruleId === 'add-not-null-column-without-default').map((f) => f.message);
    const expected = [
      'NOT NULL column region is added to public.small without a default: fails, public.small has 5 rows',
      `NOT NULL column region is added to public.big without a default: fails, public.big has ${bigRows} rows`,
    ];

    // The change set page: its live context for the tables the change set names.
    const tables = [...new Set((await splitStatements(region.forward)).flatMap((s) => s.tables))];
    const live = await readLiveContext(db.url, { tables });
    expect([...live.estimated]).toEqual(['public.big']);
    const page = await lintProject(project, { tags: [region.tag], serverVersion: live.serverVersion, tableRows: (t) => live.rows.get(t) ?? null });
    expect(messages(page.changeSets.flatMap((c) => c.findings))).toEqual(expected);

    // The dry run, on the target (a budget above the big table) and on a shadow (the default budget sends it there).
    const onTarget = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: inject('pgAdminUrl'), lockBudgetRows: 10 * BIG });
    expect(onTarget.mode).toBe('transaction');
    expect(messages(onTarget.changeSets[0]!.lint)).toEqual(expected);
    const onShadow = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: inject('pgAdminUrl') });
    expect(onShadow.mode).toBe('shadow');
    expect(onShadow.modeReason).toMatch(new RegExp(`ACCESS EXCLUSIVE on public\\.big \\(about ${bigRows} rows\\)`));
    expect(messages(onShadow.changeSets[0]!.lint)).toEqual(expected);

    // A rollback's backup candidates carry the same figures, the estimate marked.
    const back = await dryRun(testContext(db.url), project, { direction: 'rollback' }, { shadowServerUrl: inject('pgAdminUrl') });
    expect(back.backupTables).toEqual([
      { table: 'public.big', rows: Math.round(await reltuples('public.big')), estimate: true },
      { table: 'public.small', rows: 5, estimate: false },
    ]);
    expect(back.modeReason).toMatch(new RegExp(`destroys rows of public\\.big \\(about ${bigRows} rows\\), public\\.small \\(5 rows\\)`));
  });
});
