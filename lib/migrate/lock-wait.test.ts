import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { runOutput } from '../cli/run-output';
import { cli } from '../../test/support/cli-runner';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { safeMessage, withSafeErrors } from '../db/safe-message';
import { lockModeName, lockWaitText, maskQueryLiterals, retryDelayMs } from './lock-wait';
import type { ProgressEvent } from './run-context';

describe('maskQueryLiterals', () => {
  it('replaces quoted strings and numbers with ?, keeping identifiers and parameters', () => {
    expect(maskQueryLiterals(`update risk.orders set note = 'O''Brien', total = 12.50 where id = 42 and t1.x > -3e2`)).toBe(
      'update risk.orders set note = ?, total = ? where id = ? and t1.x > ?',
    );
    expect(maskQueryLiterals(`select E'it\\'s', $$secret$$, $body$a 'b' 1$body$, "col 7", $1 from t2`)).toBe('select ?, ?, ?, "col 7", $1 from t2');
    expect(maskQueryLiterals(`select 'C:\\' as path, 7`)).toBe('select ? as path, ?');
  });

  it('collapses whitespace and keeps the first 80 characters', () => {
    const long = `select\n   ${'a, '.repeat(60)}b from t where secret = 'x'`;
    const masked = maskQueryLiterals(long);
    expect(masked).toHaveLength(80);
    expect(masked.startsWith('select a, a,')).toBe(true);
    expect(masked.endsWith('…')).toBe(true);
  });

  it('names lock modes as the documentation does, and doubles the pause up to 30 s', () => {
    expect(lockModeName('AccessExclusiveLock')).toBe('ACCESS EXCLUSIVE');
    expect(lockModeName('ShareRowExclusiveLock')).toBe('SHARE ROW EXCLUSIVE');
    expect([1, 2, 3, 10].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 30_000]);
    expect(lockWaitText(null)).toContain('holder was gone');
  });
});

let db: ScratchDatabase;
let holder: Sql | null = null;
beforeEach(async () => {
  db = await createScratchDatabase('lockwait');
});
afterEach(async () => {
  await holder?.end({ timeout: 1 });
  holder = null;
  await db.drop();
});

/** A table applied first, then the change set that needs ACCESS EXCLUSIVE on it. */
function projectDir(alter: string): string {
  return writeFixtureProject([
    { name: 'orders', up: 'create schema risk;\n--> statement-breakpoint\ncreate table risk.orders (id int primary key, total numeric);' },
    { name: 'note', up: alter },
  ]);
}
const project = (alter: string) => readProject(projectDir(alter));

/**
 * A session calling itself billing-worker that opens a transaction, locks risk.orders (in
 * `mode`), runs a query with literals and then sits idle in transaction; it commits after
 * `releaseAfterMs` (never, when null: afterEach ends it). Returns its pid.
 */
async function holdLock(mode: string, releaseAfterMs: number | null): Promise<number> {
  holder = connect(db.url, { max: 1, applicationName: 'billing-worker' });
  const conn = await holder.reserve();
  await conn.unsafe('begin');
  await conn.unsafe(`lock table risk.orders in ${mode} mode`);
  const [row] = await conn`select pg_backend_pid() as pid`;
  await conn.unsafe(`select count(*) from risk.orders where id = 4121 and total > 99.5`);
  if (releaseAfterMs !== null) setTimeout(() => void conn.unsafe('commit').finally(() => conn.release()), releaseAfterMs);
  return Number(row!.pid);
}

async function columns(): Promise<string[]> {
  const rows = await db.sql`select column_name from information_schema.columns where table_schema = 'risk' and table_name = 'orders' order by 1`;
  return rows.map((r) => String(r.column_name));
}

async function history(): Promise<Array<{ tag: string; status: string; error: string | null }>> {
  const rows = await db.sql`select tag, status, error_message from strata.change_log order by id`;
  return rows.map((r) => ({ tag: String(r.tag), status: String(r.status), error: r.error_message === null ? null : String(r.error_message) }));
}

describe('a runner that waits out lock holders', () => {
  it('waits out a session holding a lock for 7 s, naming it before each retry, then applies', async () => {
    const p = project('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const pid = await holdLock('access share', 7_000);
    const events: ProgressEvent[] = [];
    // 300 ms lock_timeout and pauses of 0.5, 1, 2, 4 s: the fifth attempt starts after the holder commits.
    const ctx = testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 500, onProgress: (e) => events.push(e) });
    const result = await applyChangeSets(ctx, p);

    expect(result.failed).toBeNull();
    expect(result.records.map((r) => [r.tag, r.status])).toEqual([['0001_note', 'applied']]);
    expect(await columns()).toEqual(['id', 'note', 'total']);

    const waits = events.filter((e): e is Extract<ProgressEvent, { type: 'lock-wait' }> => e.type === 'lock-wait');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.map((w) => w.attempt)).toEqual(waits.map((_, i) => i + 1));
    const seen = waits.find((w) => w.lock !== null)!;
    expect(seen.lock).toMatchObject({ mode: 'ACCESS EXCLUSIVE', object: 'risk.orders' });
    expect(seen.lock!.blockers[0]).toMatchObject({ pid, applicationName: 'billing-worker', state: 'idle in transaction' });
    expect(seen.lock!.blockers[0]!.query).toBe('select count(*) from risk.orders where id = ? and total > ?');
    expect(seen.message).toContain(`waiting for ACCESS EXCLUSIVE on risk.orders — held by pid ${pid} (billing-worker, idle in transaction for `);

    // The CLI's output says it too, before the change set's own line.
    const text = runOutput(result, 'apply').text;
    expect(text).toContain(`… 0001_note: waiting for ACCESS EXCLUSIVE on risk.orders — held by pid ${pid} (billing-worker, idle in transaction`);
    expect(text).toMatch(/retry 1 of 5 in/);
    expect((await history()).map((h) => [h.tag, h.status])).toEqual([['0000_orders', 'applied'], ['0001_note', 'applied']]);
    // What a page gets (withSafeErrors, as operations store results) hides the blocker's role.
    const [me] = await db.sql`select current_user as name`;
    const record = result.records[0]!;
    expect(record.lockWaits?.[0]?.message).toContain(`user "${me!.name}"`);
    expect(JSON.stringify(withSafeErrors(result, [db.url]))).not.toContain(`user \\"${me!.name}\\"`);
    expect(withSafeErrors(result, [db.url]).records[0]!.lockWaits?.[0]?.message).toContain('user [name hidden]');
  }, 30_000);

  it('with retries 0, fails at once naming the blocker, and changes nothing but the failure row', async () => {
    const p = project('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const pid = await holdLock('access share', null);
    const before = await catalogFingerprint(db.sql);
    const events: ProgressEvent[] = [];
    const result = await applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetries: 0, onProgress: (e) => events.push(e) }), p);

    expect(result.failed?.tag).toBe('0001_note');
    expect(events.some((e) => e.type === 'lock-wait')).toBe(false);
    const error = result.failed!.error!;
    expect(error.code).toBe('55P03');
    expect(error.message).toContain(`canceling statement due to lock timeout: waiting for ACCESS EXCLUSIVE on risk.orders — held by pid ${pid} (billing-worker, idle in transaction`);
    expect(error.message).toContain('(not retried)');
    expect(error.lockWait?.blockers.map((b) => b.pid)).toEqual([pid]);
    // The blocker's role is named in the words only, quoted, so what reaches a page hides it.
    const [me] = await db.sql`select current_user as name`;
    expect(error.message).toContain(`user "${me!.name}"`);
    expect(safeMessage(error.message)).toContain('; user [name hidden]; query: select count(*) from risk.orders where id = ? and total > ?)');
    expect(JSON.stringify(error.lockWait)).not.toContain(`"${me!.name}"`);
    expect(runOutput(result, 'apply').text).toContain(`held by pid ${pid} (billing-worker`);

    expect(await catalogFingerprint(db.sql)).toEqual(before);
    expect(await columns()).toEqual(['id', 'total']);
    const rows = await history();
    expect(rows.map((h) => [h.tag, h.status])).toEqual([['0000_orders', 'applied'], ['0001_note', 'failed']]);
    expect(rows[1]!.error).toContain(`held by pid ${pid} (billing-worker`);
  }, 30_000);

  it('in a no-transaction change set, retries the statement that timed out by itself, not the ones already committed', async () => {
    const p = project('-- strata:no-transaction\ncreate table risk.audit (id int);\n--> statement-breakpoint\nalter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const pid = await holdLock('access share', 1_500);
    const events: ProgressEvent[] = [];
    const result = await applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 300, onProgress: (e) => events.push(e) }), p);

    expect(result.failed).toBeNull();
    expect(await columns()).toEqual(['id', 'note', 'total']);
    const waits = events.filter((e): e is Extract<ProgressEvent, { type: 'lock-wait' }> => e.type === 'lock-wait');
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits.every((w) => w.statementIndex === 1)).toBe(true);
    expect(waits.some((w) => w.lock?.blockers.some((b) => b.pid === pid))).toBe(true);
    // The first statement ran once: a second CREATE TABLE would have failed.
    expect((await history()).map((h) => [h.tag, h.status])).toEqual([['0000_orders', 'applied'], ['0001_note', 'started'], ['0001_note', 'applied']]);
  }, 30_000);

  it('never retries a CONCURRENTLY statement, which can leave an invalid index behind', async () => {
    const p = project('-- strata:no-transaction\ncreate index concurrently orders_total on risk.orders (total);');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const pid = await holdLock('access exclusive', null);
    const events: ProgressEvent[] = [];
    const result = await applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 50, onProgress: (e) => events.push(e) }), p);

    expect(result.failed?.error?.code).toBe('55P03');
    expect(events.some((e) => e.type === 'lock-wait')).toBe(false);
    expect(result.failed!.error!.message).toContain(`held by pid ${pid} (billing-worker`);
    expect(result.failed!.error!.message).toContain('not retried: a statement PostgreSQL runs in several transactions of its own may have left part of its work behind');
  }, 30_000);

  it("never retries a statement inside a no-transaction file's own BEGIN, whose transaction the timeout aborted", async () => {
    const p = project('-- strata:no-transaction\nbegin;\n--> statement-breakpoint\nalter table risk.orders add column note text;\n--> statement-breakpoint\ncommit;');
    await applyChangeSets(testContext(db.url), p, { to: '0000_orders' });
    const pid = await holdLock('access share', null);
    const events: ProgressEvent[] = [];
    const result = await applyChangeSets(testContext(db.url, { lockTimeoutMs: 300, lockRetryDelayMs: 50, onProgress: (e) => events.push(e) }), p);

    expect(result.failed?.error?.code).toBe('55P03');
    expect(events.some((e) => e.type === 'lock-wait')).toBe(false);
    expect(result.failed!.error!.message).toContain(`held by pid ${pid} (billing-worker`);
    expect(result.failed!.error!.message).toContain("not retried: it runs in the file's own transaction (BEGIN), which the timeout aborted");
    expect(await columns()).toEqual(['id', 'total']);
  }, 30_000);

  it('strata apply --lock-retries: 0 fails at once, N gives up after N retries, both naming the blocker', async () => {
    const dir = projectDir('alter table risk.orders add column note text;');
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0000_orders' });
    const pid = await holdLock('access share', null);
    const run = (retries: string) => cli('apply', '--database-url', db.url, '--dir', dir, '--lock-timeout', '300ms', '--lock-retries', retries);

    const once = await run('0');
    expect(once.code).toBe(1);
    expect(once.stdout).toContain(`✗ 0001_note failed`);
    expect(once.stdout).toContain(`held by pid ${pid} (billing-worker, idle in transaction`);
    expect(once.stdout).toContain('(not retried)');
    expect(once.stdout).not.toContain('… 0001_note: waiting');

    // Like any failure, it blocks the next run until resolved (nothing of it is in place: retry).
    expect((await cli('resolve', '0001_note', '--as', 'retry', '--reason', 'billing-worker held the lock', '--database-url', db.url, '--dir', dir)).code).toBe(0);
    const twice = await run('2');
    expect(twice.code).toBe(1);
    expect(twice.stdout).toContain(`… 0001_note: waiting for ACCESS EXCLUSIVE on risk.orders — held by pid ${pid}`);
    expect(twice.stdout).toMatch(/retry 2 of 2 in/);
    expect(twice.stdout).toContain('(gave up after 2 retries)');
    expect(await columns()).toEqual(['id', 'total']);

    expect((await run('lots')).code).toBe(2);
  }, 30_000);
});
