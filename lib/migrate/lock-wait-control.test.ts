import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { isStrataError } from '../errors';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { cancelWaitingRunner, terminateBlocker } from './lock-wait-control';
import type { ProgressEvent } from './run-context';

// Cancel and terminate from outside the run, as the console does them: the run only learns of a
// cancel through `cancelRequested` (the console reads it from the operation's record) and
// pg_cancel_backend of its own backend; terminate acts on a pid only when the target vouches
// that it blocks the run.

let db: ScratchDatabase;
const sessions: Sql[] = [];
beforeEach(async () => {
  db = await createScratchDatabase('lockctl');
});
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.end({ timeout: 1 }).catch(() => undefined);
  await db.drop();
});

const project = (alter: string) =>
  readProject(
    writeFixtureProject([
      { name: 'orders', up: 'create schema risk;\n--> statement-breakpoint\ncreate table risk.orders (id int primary key, total numeric);' },
      { name: 'note', up: alter },
    ]),
  );

/** A billing-worker session idle in transaction holding `mode` on risk.orders (of `url`), until the test ends or it is terminated. */
async function holdLock(url: string, mode = 'access share'): Promise<number> {
  const holder = connect(url, { max: 1, applicationName: 'billing-worker' });
  sessions.push(holder);
  const conn = await holder.reserve();
  await conn.unsafe('begin');
  await conn.unsafe(`lock table risk.orders in ${mode} mode`);
  const [row] = await conn`select pg_backend_pid() as pid`;
  await conn.unsafe(`select count(*) from risk.orders where id = 4121`);
  return Number(row!.pid);
}

/** An idle session on `url` that blocks nothing. */
async function bystander(url: string): Promise<number> {
  const s = connect(url, { max: 1, applicationName: 'bystander' });
  sessions.push(s);
  const [row] = await s`select pg_backend_pid() as pid`;
  return Number(row!.pid);
}

const lockWaits = (events: ProgressEvent[]) => events.filter((e): e is Extract<ProgressEvent, { type: 'lock-wait' }> => e.type === 'lock-wait');

async function columns(): Promise<string[]> {
  const rows = await db.sql`select column_name from information_schema.columns where table_schema = 'risk' and table_name = 'orders' order by 1`;
  return rows.map((r) => String(r.column_name));
}

async function history(): Promise<string[][]> {
  const rows = await db.sql`select tag, status from strata.change_log order by id`;
  return rows.map((r) => [String(r.tag), String(r.status)]);
}

describe('cancelling a run that waits for a lock', () => {
  it('cancels the waiting statement itself: no retry, failed "cancelled by …" naming the blocker, nothing changed', async () => {
    const p = project('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const blocker = await holdLock(db.url);
    const before = await catalogFingerprint(db.sql);
    let cancelledBy: string | null = null;
    const events: ProgressEvent[] = [];
    // A lock_timeout far longer than the test: only the cancel can end this wait.
    const running = applyChangeSets(testContext(db.url, { lockTimeoutMs: 120_000, onProgress: (e) => events.push(e), cancelRequested: async () => cancelledBy }), p);

    // The runner waits, and its watch has looked at least once (its connection is idle again after a look).
    const [runner] = await waitForRows(db.sql, `select pid from pg_stat_activity where datname = current_database() and application_name like 'strata:%' and wait_event_type = 'Lock'`);
    await waitForRows(db.sql, `select 1 from pg_stat_activity where datname = current_database() and application_name = 'strata:lock-watch' and state = 'idle' and query like '%pg_blocking_pids%'`);
    // A pid that is not the target's runner is never cancelled: not the blocker, not another session queued for the table.
    const queued = connect(db.url, { max: 1, applicationName: 'reader' });
    sessions.push(queued);
    const reading = queued.unsafe('select count(*) from risk.orders').catch((error: unknown) => error);
    const [waiter] = await waitForRows(db.sql, `select pid from pg_stat_activity where datname = current_database() and application_name = 'reader' and wait_event_type = 'Lock'`);
    expect(await cancelWaitingRunner(db.url, blocker)).toBe(false);
    expect(await cancelWaitingRunner(db.url, Number(waiter!.pid))).toBe(false);
    cancelledBy = 'olga';
    expect(await cancelWaitingRunner(db.url, Number(runner!.pid))).toBe(true);
    const result = await running;
    // The reader queued behind us was not cancelled: it reads once our lock request is gone.
    expect(await reading).toEqual([{ count: 0 }]);

    const error = result.failed!.error!;
    expect(error.code).toBe('57014');
    expect(error.message).toMatch(new RegExp(`^cancelled by olga while waiting for ACCESS EXCLUSIVE on risk\\.orders — held by pid ${blocker} \\(billing-worker, idle in transaction`));
    expect(error.lockWait?.blockers.map((b) => b.pid)).toEqual([blocker]);
    expect(lockWaits(events)).toEqual([]);
    expect(await columns()).toEqual(['id', 'total']);
    expect(await catalogFingerprint(db.sql)).toEqual(before);
    expect(await history()).toEqual([['0000_orders', 'applied'], ['0001_note', 'failed']]);
  }, 30_000);

  it('stops during the pause before a retry: one wait reported, no second attempt', async () => {
    const p = project('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const blocker = await holdLock(db.url);
    let cancelledBy: string | null = null;
    const events: ProgressEvent[] = [];
    const running = applyChangeSets(
      testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 30_000, onProgress: (e) => events.push(e), cancelRequested: async () => cancelledBy }),
      p,
    );
    await waitFor(async () => lockWaits(events).length === 1, 'the first lock wait');
    const [wait] = lockWaits(events);
    // The event names our backend: what the console's Cancel stops. Paused, it waits for nothing: nothing to cancel.
    expect(wait!.runnerPid).toEqual(expect.any(Number));
    expect(await cancelWaitingRunner(db.url, wait!.runnerPid!)).toBe(false);
    cancelledBy = 'olga';
    const result = await running;

    expect(result.failed!.error!.message).toContain(`cancelled by olga while waiting for ACCESS EXCLUSIVE on risk.orders — held by pid ${blocker}`);
    expect(lockWaits(events)).toHaveLength(1);
    expect(await columns()).toEqual(['id', 'total']);
  }, 30_000);

  it('in a no-transaction change set, keeps what committed before and stops at the waiting statement', async () => {
    const p = project('-- strata:no-transaction\ncreate table risk.audit (id int);\n--> statement-breakpoint\nalter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    await holdLock(db.url);
    let cancelledBy: string | null = null;
    const events: ProgressEvent[] = [];
    const running = applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 200, onProgress: (e) => events.push(e), cancelRequested: async () => cancelledBy }), p);
    await waitFor(async () => lockWaits(events).length === 1, 'the first lock wait');
    cancelledBy = 'olga';
    const result = await running;

    expect(result.failed!.error!.message).toMatch(/^cancelled by olga while waiting for ACCESS EXCLUSIVE on risk\.orders/);
    expect(result.failed!.error!.statementIndex).toBe(1);
    expect(await columns()).toEqual(['id', 'total']);
    expect(await history()).toEqual([['0000_orders', 'applied'], ['0001_note', 'started'], ['0001_note', 'failed']]);
  }, 30_000);
});

describe('Ctrl-C in the CLI while it waits', () => {
  it('ends the run: its session leaves the server, its transaction is rolled back, nothing is recorded applied', async () => {
    const dir = writeFixtureProject([
      { name: 'orders', up: 'create schema risk;\n--> statement-breakpoint\ncreate table risk.orders (id int primary key, total numeric);' },
      { name: 'note', up: 'alter table risk.orders add column note text;' },
    ]);
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0000_orders' });
    await holdLock(db.url);
    const before = await catalogFingerprint(db.sql);
    const run = spawnCli(['apply', '--database-url', db.url, '--dir', dir, '--lock-timeout', '60s']);
    await waitForRows(db.sql, `select pid from pg_stat_activity where datname = current_database() and application_name like 'strata:%' and wait_event_type = 'Lock'`);
    run.kill('SIGINT');
    const exited = await run.output;
    expect(exited.code !== 0 || exited.signal !== null).toBe(true);
    // PostgreSQL ends the waiting session (the client is gone), and with it the runner's lock.
    await waitFor(async () => (await db.sql`select 1 from pg_stat_activity where datname = current_database() and application_name like 'strata:%'`).length === 0, 'the runner session to end');
    expect(await catalogFingerprint(db.sql)).toEqual(before);
    expect(await history()).toEqual([['0000_orders', 'applied']]);
  }, 60_000);
});

describe('terminating the blocker', () => {
  it('terminates only a pid that blocks the run on this database, and the run then goes on', async () => {
    const p = project('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const blocker = await holdLock(db.url);
    const idle = await bystander(db.url);
    const other = await createScratchDatabase('lockctlother');
    try {
      const elsewhere = await bystander(other.url);
      const events: ProgressEvent[] = [];
      const running = applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 200, lockRetries: 100, onProgress: (e) => events.push(e) }), p);
      await waitFor(async () => lockWaits(events).some((w) => w.lock?.blockers.length), 'a lock wait naming its blocker');
      const wait = lockWaits(events).find((w) => w.lock?.blockers.length)!;
      const runner = wait.runnerPid!;
      const reported = { relation: wait.lock!.object, blockers: wait.lock!.blockers.map((b) => b.pid) };
      const refusal = async (pid: number, runnerPid = runner) => {
        try {
          await terminateBlocker(db.url, runnerPid, pid, reported);
          return 'terminated';
        } catch (error) {
          return isStrataError(error, 'INVALID_STATE') ? error.message : String(error);
        }
      };

      expect(await refusal(runner)).toContain(`pid ${runner} is this operation's own session, not a blocker`);
      expect(await refusal(idle)).toContain(`pid ${idle} is not blocking this operation's lock`);
      expect(await refusal(elsewhere)).toContain(`pid ${elsewhere} is a session of another database`);
      expect(await refusal(2_000_000_000)).toContain('No session with pid 2000000000');
      // A "runner" that holds no runner lock is not one: its blockers are nobody's business.
      expect(await refusal(blocker, idle)).toContain('is no longer running on its target');
      // Every refusal left its session alive.
      const alive = await db.sql`select count(*)::int as n from pg_stat_activity where pid in (${blocker}, ${idle})`;
      expect(alive[0]!.n).toBe(2);
      expect((await other.sql`select count(*)::int as n from pg_stat_activity where pid = ${elsewhere}`)[0]!.n).toBe(1);

      const terminated = await terminateBlocker(db.url, runner, blocker, reported);
      expect(terminated).toEqual({ pid: blocker, applicationName: 'billing-worker', state: 'idle in transaction', query: 'select count(*) from risk.orders where id = ?' });
      const result = await running;
      expect(result.failed).toBeNull();
      expect(await columns()).toEqual(['id', 'note', 'total']);
    } finally {
      for (const s of sessions.splice(0)) await s.end({ timeout: 1 }).catch(() => undefined);
      await other.drop();
    }
  }, 30_000);
});

/** Polls `query` on `sql` until it returns a row; returns the rows. */
async function waitForRows(sql: Sql, query: string): Promise<Array<Record<string, unknown>>> {
  let rows: Array<Record<string, unknown>> = [];
  await waitFor(async () => {
    rows = [...(await sql.unsafe(query))];
    return rows.length > 0;
  }, query);
  return rows;
}
