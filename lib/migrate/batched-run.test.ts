import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { connect } from '../db/client';
import { cli } from '../../test/support/cli-runner';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { inject } from 'vitest';
import { dryRunText } from '../cli/dry-run-text';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { dryRun } from './dry-run';
import { loadHistory } from './history-store';
import { readTarget } from './read-status';
import type { ProgressEvent } from './run-context';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('batch');
});
afterEach(async () => {
  await db.drop();
});

const NO_TX = '-- strata:no-transaction\n';
const BREAK = '\n--> statement-breakpoint\n';

/** A project whose only change set runs `statements` without a transaction. */
function project(...statements: string[]): string {
  return writeFixtureProject([{ name: 'backfill', up: `${NO_TX}${statements.join(BREAK)}` }]);
}

async function counts(table: string): Promise<Record<string, number>> {
  const rows = await db.sql.unsafe(`select n, count(*)::int as c from ${table} group by n order by n`);
  return Object.fromEntries(rows.map((r) => [String(r.n), Number(r.c)]));
}

type BatchEvent = Extract<ProgressEvent, { type: 'batch' }>;

describe('a batched UPDATE', () => {
  it('runs in key-ordered batches, each with its checkpoint, keeping its own WHERE, and reports progress', async () => {
    await db.sql.unsafe(`create table public.t (id int primary key, n int not null default 0, skip boolean not null default false);
      insert into public.t (id, skip) select g, g % 10 = 0 from generate_series(1, 5000) g`);
    const dir = project('-- strata:batched size=1000\nupdate public.t set n = n + 1 where not skip');
    const events: ProgressEvent[] = [];
    const result = await applyChangeSets(testContext(db.url, { onProgress: (e) => events.push(e) }), readProject(dir));
    expect(result.failed).toBeNull();
    expect(result.records[0]!.rowsAffected).toBe(4500);
    expect(await counts('public.t')).toEqual({ 0: 500, 1: 4500 });
    const checkpoints = await db.sql`select batch, rows_done, last_key, finished from strata.batch_checkpoint order by id`;
    expect(checkpoints.map((c) => [c.batch, c.rows_done, c.last_key, c.finished])).toEqual([
      [1, 900, ['1000'], false],
      [2, 1800, ['2000'], false],
      [3, 2700, ['3000'], false],
      [4, 3600, ['4000'], false],
      // The last batch: no key follows its last one.
      [5, 4500, ['5000'], true],
    ]);
    const batches = events.filter((e): e is BatchEvent => e.type === 'batch');
    expect(batches.map((e) => e.batches)).toEqual([1, 2, 3, 4, 5]);
    expect(batches.at(-1)).toMatchObject({ rowsDone: 4500, etaMs: 0, resumedAtBatch: null, throttle: null });
    expect(batches[0]!.totalRows).toBeGreaterThan(0);
  });

  it('works through a composite key with row comparisons, and an alias', async () => {
    await db.sql.unsafe(`create table public.c (a int, b text, n int not null default 0, primary key (a, b));
      insert into public.c (a, b) select g % 7, 'k' || g from generate_series(1, 3000) g`);
    const dir = project('-- strata:batched size=250\nupdate public.c as x set n = x.n + 1 where x.a >= 0');
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.failed).toBeNull();
    expect(await counts('public.c')).toEqual({ 1: 3000 });
    const [last] = await db.sql`select batch, last_key from strata.batch_checkpoint order by id desc limit 1`;
    expect(last!.batch).toBe(12);
    expect(last!.last_key).toHaveLength(2);
  });

  it('works on a table partitioned by range, keyed by (uuid, timestamptz) like the demo\'s platform.usage_events', async () => {
    await db.sql.unsafe(`create schema platform;
      create table platform.usage_events (id uuid not null default gen_random_uuid(), at timestamptz not null, n int not null default 0, primary key (id, at)) partition by range (at);
      create table platform.usage_events_2025 partition of platform.usage_events for values from ('2025-01-01') to ('2026-01-01');
      create table platform.usage_events_2026 partition of platform.usage_events for values from ('2026-01-01') to ('2027-01-01');
      insert into platform.usage_events (at) select timestamptz '2025-06-01' + (g * interval '1 hour') from generate_series(1, 12000) g`);
    const dir = project('-- strata:batched size=1000\nupdate platform.usage_events set n = n + 1');
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.failed).toBeNull();
    expect(await counts('platform.usage_events')).toEqual({ 1: 12000 });
    expect((await db.sql`select count(distinct tableoid)::int as n from platform.usage_events`)[0]!.n).toBe(2);
  });

  it('a batched DELETE and INSERT … SELECT (keyed on the SELECT\'s table)', async () => {
    await db.sql.unsafe(`create table public.src (id int primary key, v int);
      insert into public.src select g, g from generate_series(1, 2500) g;
      create table public.dst (id int primary key, v int)`);
    const dir = project(
      '-- strata:batched size=400\ninsert into public.dst (id, v) select s.id, s.v * 2 from public.src s where s.v > 100 on conflict do nothing',
      '-- strata:batched size=300\ndelete from public.src where v % 2 = 0',
    );
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.failed).toBeNull();
    expect((await db.sql`select count(*)::int as n, min(v)::int as lo from public.dst`)[0]).toEqual({ n: 2400, lo: 202 });
    expect((await db.sql`select count(*)::int as n from public.src`)[0]!.n).toBe(1250);
  });

  it('a rollback file\'s batched statement runs the same way, with checkpoints of its own direction', async () => {
    await db.sql.unsafe(`create table public.r (id int primary key, n int not null default 0);
      insert into public.r select g from generate_series(1, 2500) g`);
    const dir = writeFixtureProject([
      { name: 'backfill', up: `${NO_TX}-- strata:batched size=1000\nupdate public.r set n = n + 1`, down: `${NO_TX}-- strata:batched size=700\nupdate public.r set n = n - 1` },
    ]);
    expect((await applyChangeSets(testContext(db.url), readProject(dir))).failed).toBeNull();
    expect(await counts('public.r')).toEqual({ 1: 2500 });
    expect((await rollbackChangeSets(testContext(db.url), readProject(dir))).failed).toBeNull();
    expect(await counts('public.r')).toEqual({ 0: 2500 });
    const byDirection = await db.sql`select direction, max(batch)::int as batches from strata.batch_checkpoint group by direction order by direction`;
    expect(byDirection.map((r) => [r.direction, r.batches])).toEqual([['down', 4], ['up', 3]]);
  });

  it('refuses a table without a primary key before anything runs, naming the table', async () => {
    await db.sql.unsafe(`create table public.nokey (id int, n int not null default 0); insert into public.nokey select g from generate_series(1, 10) g`);
    // Refused before the plan's first change set runs, as well as before the batched statement's own.
    const dir = writeFixtureProject([
      { name: 'first', up: 'create table public.first_one (id int)' },
      { name: 'backfill', up: `${NO_TX}create table public.before_it (id int)${BREAK}-- strata:batched size=5\nupdate public.nokey set n = n + 1` },
    ]);
    const error = await applyChangeSets(testContext(db.url), readProject(dir)).catch((e) => e);
    expect(error).toMatchObject({ code: 'INVALID_STATE' });
    expect(error.message).toMatch(/migrations\/0001_backfill\.sql:5: strata:batched: table nokey has no primary key, so it cannot be cut into key-ordered batches; add one, or run the statement unbatched\. Nothing was run\./);
    expect((await db.sql`select to_regclass('public.first_one') as t`)[0]!.t).toBeNull();
    expect(await counts('public.nokey')).toEqual({ 0: 10 });
    expect((await db.sql`select to_regclass('public.before_it') as t`)[0]!.t).toBeNull();
    expect(await loadHistory(db.sql)).toEqual([]);
  });

  it('a failing batch leaves the earlier batches committed; after resolve --as retry the rerun continues after them', async () => {
    await db.sql.unsafe(`create table public.f (id int primary key, n int not null default 0, d int not null default 1);
      insert into public.f (id) select g from generate_series(1, 3000) g;
      update public.f set d = 0 where id = 2345`);
    const dir = project('-- strata:batched size=500\nupdate public.f set n = n + 1 + 0 / d');
    const first = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(first.failed?.error).toMatchObject({ code: '22012', statementIndex: 0 });
    expect(await counts('public.f')).toEqual({ 0: 1000, 1: 2000 });

    await db.sql`update public.f set d = 1 where id = 2345`;
    expect((await cli('resolve', '0000_backfill', '--database-url', db.url, '--dir', dir, '--as', 'retry', '--reason', 'fixed row 2345'))).toMatchObject({ code: 0 });
    const second = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(second.failed).toBeNull();
    expect(second.records[0]!.rowsAffected).toBe(1000);
    expect(await counts('public.f')).toEqual({ 1: 3000 });
    const history = await loadHistory(db.sql);
    expect(history.at(-1)).toMatchObject({ status: 'applied', notes: 'statement 1 (line 3): resumed at batch 5 of 6, 2,000 rows already done' });
  });

  it('a batch that times out on a row lock is retried from its checkpoint, and every row counts once', async () => {
    await db.sql.unsafe(`create table public.l (id int primary key, n int not null default 0);
      insert into public.l select g from generate_series(1, 3000) g`);
    const holder = connect(db.url, { max: 1, applicationName: 'row-holder' });
    const held = await holder.reserve();
    try {
      await held`begin`;
      await held`select 1 from public.l where id = 1500 for update`;
      const dir = project('-- strata:batched size=1000\nupdate public.l set n = n + 1');
      const events: ProgressEvent[] = [];
      const running = applyChangeSets(testContext(db.url, { lockTimeoutMs: 200, lockRetryDelayMs: 300, onProgress: (e) => events.push(e) }), readProject(dir));
      await waitFor(async () => events.some((e) => e.type === 'lock-wait'), 'the batch to time out on row 1500');
      await held`commit`;
      const result = await running;
      expect(result.failed).toBeNull();
      expect(result.records[0]!.rowsAffected).toBe(3000);
      expect(result.records[0]!.lockWaits?.[0]?.message).toMatch(/waiting for SHARE on a row .*held by pid \d+ \(row-holder, idle in transaction/);
    } finally {
      held.release();
      await holder.end();
    }
    expect(await counts('public.l')).toEqual({ 1: 3000 });
    expect((await loadHistory(db.sql)).at(-1)!.notes).toBeNull();
  });

  it('backs off while another session waits on the row locks of a batch', async () => {
    // Row 500's update sleeps, so batch 1 holds its row locks long enough for a writer to queue behind them.
    await db.sql.unsafe(`create table public.w (id int primary key, n int not null default 0);
      insert into public.w select g from generate_series(1, 2000) g;
      create function public.slow_row() returns trigger language plpgsql as $$ begin if new.id = 500 then perform pg_sleep(3); end if; return new; end $$;
      create trigger slow_row before update on public.w for each row execute function public.slow_row()`);
    const dir = project('-- strata:batched size=1000\nupdate public.w set n = n + 1');
    const events: ProgressEvent[] = [];
    const running = applyChangeSets(testContext(db.url, { onProgress: (e) => events.push(e) }), readProject(dir));
    const writer = connect(db.url, { max: 1, applicationName: 'writer' });
    try {
      // Row 10 is locked by batch 1 once a NOWAIT lock on it fails.
      await waitFor(async () => {
        try {
          await writer.begin((tx) => tx`select 1 from public.w where id = 10 for update nowait`);
          return false;
        } catch {
          return true;
        }
      }, 'batch 1 to lock row 10');
      const blocked = writer`update public.w set n = n where id = 10`.execute();
      expect((await running).failed).toBeNull();
      await blocked;
    } finally {
      await writer.end();
    }
    const throttled = events.filter((e): e is BatchEvent => e.type === 'batch' && e.throttle !== null);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]).toMatchObject({ batches: 1, throttle: { reason: 'lock-waiters', waitMs: 100, message: expect.stringMatching(/^1 session waited on this batch's row locks; backing off 100 ms$/) } });
    expect(await counts('public.w')).toEqual({ 1: 2000 });
  });
});

describe('the dry run of a batched statement', () => {
  it('runs it whole, rolled back, and estimates its batches and time', async () => {
    await db.sql.unsafe(`create table public.d (id int primary key, n int not null default 0);
      insert into public.d select g from generate_series(1, 10000) g; analyze public.d`);
    const dir = project('-- strata:batched size=1000 pause=50ms\nupdate public.d set n = n + 1');
    const result = await dryRun(testContext(db.url), readProject(dir), { direction: 'apply', mode: 'transaction' }, { shadowServerUrl: inject('pgAdminUrl') });
    expect(result.failed).toBeNull();
    const [statement] = result.changeSets[0]!.statements;
    expect(statement!.batches).toMatchObject({ size: 1000, pauseMs: 50, rows: 10000, batches: 10 });
    expect(statement!.batches!.estimatedMs).toBeGreaterThanOrEqual(9 * 50);
    expect(dryRunText(result)).toMatch(/statement 1 \(line 3\): batched: about 10 batches of 1,000 rows \(10,000 rows\), about \d+ (ms|s) with pauses of 50 ms/);
    expect(await counts('public.d')).toEqual({ 0: 10000 });
  });
});
