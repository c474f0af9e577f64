import { afterEach, beforeEach, expect, it } from 'vitest';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { loadHistory } from './history-store';

/**
 * The exactly-once promise of batched statements, with the real CLI killed (SIGKILL) in the
 * middle of a 400,000-row backfill: the batch that was running vanishes with its checkpoint,
 * and the rerun continues after the last batch that committed.
 */

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('batchkill');
});
afterEach(async () => {
  await db.drop();
});

const ROWS = 400_000;

it('a batched backfill killed with SIGKILL resumes after its last checkpoint: every row is processed exactly once, and the history says so', { timeout: 240_000 }, async () => {
  await db.sql.unsafe(`create table public.marks (id serial primary key);
    create table public.events (id bigint primary key, n int not null default 0);
    insert into public.events (id) select g from generate_series(1, ${ROWS}) g; analyze public.events`);
  const dir = writeFixtureProject([
    // The insert above the backfill is not idempotent: the resume must not run it again.
    { name: 'backfill', up: '-- strata:no-transaction\ninsert into public.marks default values;\n--> statement-breakpoint\n-- strata:batched size=1000\nupdate public.events set n = n + 1' },
  ]);
  const batchesDone = async () => Number((await db.sql`select coalesce(max(batch), 0)::int as b from strata.batch_checkpoint`.catch(() => [{ b: 0 }]))[0]!.b);

  const child = spawnCli(['apply', '--database-url', db.url, '--dir', dir, '--actor', 'doomed']);
  await waitFor(async () => (await batchesDone()) >= 40, 'forty batches to commit', 120_000);
  child.kill('SIGKILL');
  const killed = await child.output;
  expect(killed.signal).toBe('SIGKILL');
  // Its live progress, on stderr while it ran.
  expect(killed.stderr).toMatch(/… 0000_backfill: statement 2: batch \d+ of 400 · [\d,]+ of 400,000 rows · [\d,]+ rows\/s · ETA \d+ (ms|s|min)\n/);
  // The killed backend's open transaction (a batch and its checkpoint) is rolled back when PostgreSQL notices.
  await waitFor(async () => (await db.sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'strata:%'`)[0]!.n === 0, 'the killed run to leave');

  const done = await batchesDone();
  expect(done).toBeGreaterThanOrEqual(40);
  expect(done).toBeLessThan(ROWS / 1000);
  // Exactly the committed batches' rows were processed, once each.
  expect((await db.sql`select n, count(*)::int as c from public.events group by n order by n`).map((r) => [r.n, r.c])).toEqual([
    [0, ROWS - done * 1000],
    [1, done * 1000],
  ]);

  // Status says how far it got, and that a retry resumes there.
  const status = await cli('status', '--database-url', db.url, '--dir', dir);
  expect(status.stdout + status.stderr).toContain(
    `its batched statement 2 had committed ${done.toLocaleString('en')} of about 400 batches, ${(done * 1000).toLocaleString('en')} rows: a retry resumes after them and does not run the statements above it again`,
  );
  expect(await cli('resolve', '0000_backfill', '--database-url', db.url, '--dir', dir, '--as', 'retry', '--reason', 'resume the backfill')).toMatchObject({ code: 0 });
  const rerun = await cli('apply', '--database-url', db.url, '--dir', dir);
  expect(rerun.code).toBe(0);
  expect(rerun.stdout).toMatch(/✓ 0000_backfill applied in \d+ms \(2 statements, [\d]+ rows\)\n  statement 1 not run again: the interrupted run had committed it; statement 2 \(line 5\): resumed at batch \d+ of 400/);
  expect((await db.sql`select n, count(*)::int as c from public.events group by n`).map((r) => [r.n, r.c])).toEqual([[1, ROWS]]);
  expect((await db.sql`select count(*)::int as c from public.marks`)[0]!.c).toBe(1);

  const resumed = `statement 1 not run again: the interrupted run had committed it; statement 2 (line 5): resumed at batch ${done + 1} of 400, ${(done * 1000).toLocaleString('en')} rows already done`;
  const history = await loadHistory(db.sql);
  expect(history.map((h) => [h.operation, h.status])).toEqual([
    ['apply', 'started'],
    ['resolve', 'rolled_back'],
    ['apply', 'started'],
    ['apply', 'applied'],
  ]);
  expect(history.at(-1)).toMatchObject({ notes: resumed, rowsAffected: ROWS - done * 1000 });
  const historyText = await cli('history', '--database-url', db.url, '--dir', dir);
  expect(historyText.stdout).toContain(resumed);
});
