import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { applyChangeSets } from '../migrate/apply';
import { dryRun } from '../migrate/dry-run';
import { withTargetLock } from '../migrate/target-lock';
import { describeOperationError } from '../console/describe-error';
import { isStrataError } from '../errors';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { pgbouncerMissingReason, startPgbouncer, type Bouncer } from '../../test/support/pgbouncer';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { connect } from './client';
import { startSessionCheck } from './pooler';

let db: ScratchDatabase;
let dir: string;
let project: Project;

beforeAll(async () => {
  db = await createScratchDatabase('pooler');
  dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
    { name: 'b', up: 'create table public.b (id int);\n--> statement-breakpoint\ninsert into public.b values (1), (2);', down: 'drop table public.b;' },
  ]);
  project = readProject(dir);
});
afterAll(async () => {
  await db?.drop();
});

/** Advisory locks held on a database by any session (pooled server connections included). */
async function advisoryLocks(target: ScratchDatabase = db): Promise<number> {
  const [row] = await target.sql`
    select count(*)::int as n from pg_locks
    where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
  return row!.n;
}

/** Leaves `count` idle server connections in a pooler's pool: as many clients hold a transaction at once, then leave. */
async function warmPool(url: string, count: number): Promise<void> {
  const clients = Array.from({ length: count }, () => connect(url, { max: 1 }));
  try {
    const held = await Promise.all(clients.map((c) => c.reserve()));
    await Promise.all(held.map((c) => c.unsafe('begin; select 1').simple()));
    await Promise.all(held.map((c) => c.unsafe('rollback')));
    for (const c of held) c.release();
  } finally {
    await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
  }
}

async function targetPicture() {
  const [bookkeeping] = await db.sql`select to_regnamespace('strata') is not null as strata, to_regnamespace('drizzle') is not null as drizzle`;
  return { catalog: await catalogFingerprint(db.sql), bookkeeping };
}

describe('a direct connection', () => {
  it('keeps its backend pid while another connection holds a transaction', async () => {
    const sql = connect(db.url, { max: 1 });
    try {
      const conn = await sql.reserve();
      const check = startSessionCheck(db.url);
      const probe = await check.probe(conn).finally(() => check.close());
      conn.release();
      expect(probe.pooled).toBe(false);
      expect(new Set(probe.heldPids)).toEqual(new Set([probe.heldPids[0]]));
      expect(probe.heldPids.length).toBeGreaterThanOrEqual(3);
      expect(probe.otherPids.length).toBe(4);
      expect(probe.otherPids).not.toContain(probe.heldPids[0]);
    } finally {
      await sql.end();
    }
  });
});

const missing = pgbouncerMissingReason();

describe.skipIf(missing !== null)(`behind a real PgBouncer${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const bouncers: Bouncer[] = [];
  const through = async (mode: 'session' | 'transaction' | 'statement', poolSize?: number, roundRobin?: boolean) => {
    const bouncer = await startPgbouncer(inject('pgAdminUrl'), mode, { poolSize, roundRobin });
    bouncers.push(bouncer);
    return bouncer.urlFor(db.url);
  };
  afterAll(async () => {
    for (const b of bouncers) await b.stop();
  });

  it('pool_mode = transaction: apply and dry run are refused with POOLER_DETECTED, nothing changes, no lock is left', async () => {
    const url = await through('transaction');
    const before = await targetPicture();

    const applied = await applyChangeSets(testContext(url), project).catch((e: unknown) => e);
    expect(isStrataError(applied, 'POOLER_DETECTED'), String(applied)).toBe(true);
    const message = (applied as Error).message;
    expect(message).toMatch(/connection pooler in transaction or statement mode/);
    expect(message).toMatch(/session-level advisory lock/);
    expect(message).toMatch(/directly, or at a pool in session mode \(PgBouncer pool_mode = session\)/);
    expect(message).not.toMatch(/127\.0\.0\.1|localhost|pooler_|strata:/);
    expect(describeOperationError(applied)).toMatchObject({ status: 503, code: 'POOLER_DETECTED' });

    const planned = await dryRun(testContext(url), project, { direction: 'apply', mode: 'transaction' }, { shadowServerUrl: db.url }).catch((e: unknown) => e);
    expect(isStrataError(planned, 'POOLER_DETECTED'), String(planned)).toBe(true);

    expect(await targetPicture()).toEqual(before);
    expect(before.bookkeeping).toEqual({ strata: false, drizzle: false });
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = transaction: the CLI exits 2 naming the pooler', async () => {
    const url = await through('transaction');
    const result = await cli('apply', '--database-url', url, '--dir', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/connection pooler in transaction or statement mode/);
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = transaction with one server connection: refused without waiting on its own probe', async () => {
    const url = await through('transaction', 1);
    const refused = await withTargetLock(url, 'tester', async () => 'ran').catch((e: unknown) => e);
    expect(isStrataError(refused, 'POOLER_DETECTED'), String(refused)).toBe(true);
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = transaction, round robin, two idle server connections: refused (each client alone keeps landing on one)', async () => {
    const url = await through('transaction', 4, true);
    await warmPool(url, 2);
    const refused = await withTargetLock(url, 'tester', async () => 'ran').catch((e: unknown) => e);
    expect(isStrataError(refused, 'POOLER_DETECTED'), String(refused)).toBe(true);
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = transaction, most recently used first, warmed with 1 to 3 idle server connections: refused every time', async () => {
    // In a fresh pool the logins open server connections while the check runs; one run in
    // twenty used to slip through (a login's new server connection freed just before BEGIN).
    // That race is not forced here, so this test does not fail every time without the second
    // round: the stress loop that found it ran 40 fresh pools (2 slipped through, 0 of 100 now).
    for (const idle of [0, 1, 2, 3, 0, 1, 2, 3]) {
      const url = await through('transaction');
      await warmPool(url, idle);
      const refused = await withTargetLock(url, 'tester', async () => 'ran').catch((e: unknown) => e);
      expect(isStrataError(refused, 'POOLER_DETECTED'), `${idle} idle: ${String(refused)}`).toBe(true);
    }
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = statement: refused', async () => {
    const url = await through('statement');
    const refused = await withTargetLock(url, 'tester', async () => 'ran').catch((e: unknown) => e);
    expect(isStrataError(refused, 'POOLER_DETECTED'), String(refused)).toBe(true);
    expect(await advisoryLocks()).toBe(0);
  });

  it('pool_mode = session: apply works and releases its lock', async () => {
    const own = await createScratchDatabase('pooler_session');
    try {
      const url = (await through('session')).replace(`/${db.name}`, `/${own.name}`);
      const result = await applyChangeSets(testContext(url), project);
      expect(result.failed).toBeFalsy();
      expect(result.records.map((r) => r.tag)).toEqual(['0000_a', '0001_b']);
      const [{ n }] = (await own.sql`select count(*)::int as n from public.b`) as unknown as [{ n: number }];
      expect(n).toBe(2);
      expect(await advisoryLocks(own)).toBe(0);
    } finally {
      await own.drop();
    }
  });
});
