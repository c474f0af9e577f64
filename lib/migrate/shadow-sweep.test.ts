import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { databaseNameOf, withDatabase } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { parseShadowName, shadowName, sweepShadowDatabases, withShadowDatabase } from './shadow-database';

const adminUrl = inject('pgAdminUrl');
let admin: Sql;
const made: string[] = [];

beforeAll(() => {
  admin = connect(adminUrl, { max: 1 });
});
afterAll(async () => {
  for (const name of made) await admin.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`);
  await admin.end();
});

async function serverSeconds(): Promise<number> {
  const [row] = await admin`select floor(extract(epoch from clock_timestamp()))::bigint as now`;
  return Number(row!.now);
}

async function create(name: string): Promise<string> {
  made.push(name);
  await admin.unsafe(`create database ${quoteIdent(name)}`);
  return name;
}

async function exists(name: string): Promise<boolean> {
  return (await admin`select 1 from pg_database where datname = ${name}`).length > 0;
}

const legacyName = () => `strata_shadow_${randomBytes(5).toString('hex')}`;
const project = () => readProject(writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);' }]));

// Other test files sweep the same server at their first shadow (with the one-hour limit), so
// a shadow this file expects to outlive them is younger than an hour, and one that any sweep
// may drop is only checked to be gone.
describe('withShadowDatabase', () => {
  it('sweeps leftovers before the first shadow of the process, and names its shadow with the server\'s time', async () => {
    const before = await serverSeconds();
    const leftover = await create(shadowName(before - 2 * 3600));
    const name = await withShadowDatabase(adminUrl, project(), testContext(adminUrl).logger, async (url) => databaseNameOf(url));
    expect(await exists(leftover)).toBe(false);
    const parsed = parseShadowName(name);
    expect(parsed).not.toBeNull();
    expect(parsed).not.toBe('legacy');
    const born = (parsed as { bornAt: Date }).bornAt.getTime() / 1000;
    expect(born).toBeGreaterThanOrEqual(before);
    expect(born).toBeLessThanOrEqual(await serverSeconds());
    expect(await exists(name)).toBe(false);
  });

  it('sweeps only once per process and server', async () => {
    const leftover = await create(shadowName((await serverSeconds()) - 2 * 3600));
    const ctx = testContext(adminUrl);
    await withShadowDatabase(adminUrl, project(), ctx.logger, async () => undefined);
    expect(ctx.logLines.filter((l) => l.database === leftover)).toEqual([]);
  });
});

describe('shadow database names', () => {
  it('carry their birth time, which parses back; the old format and other names are told apart', () => {
    const name = shadowName(1_780_000_000);
    expect(name).toMatch(/^strata_shadow_[0-9a-z]{6}_[0-9a-f]{10}$/);
    expect(parseShadowName(name)).toEqual({ bornAt: new Date(1_780_000_000_000) });
    expect(parseShadowName('strata_shadow_0123456789')).toBe('legacy');
    expect(parseShadowName('strata_shadow_keep_me')).toBeNull();
    expect(parseShadowName('strata_local')).toBeNull();
  });
});

/** A new database named by `name()`, with a session open on it (made again if a concurrent sweep dropped it first). */
async function sessionOnNew(name: () => string): Promise<{ name: string; sql: ReturnType<typeof connect> }> {
  for (let attempt = 0; ; attempt++) {
    const created = await create(name());
    const sql = connect(withDatabase(adminUrl, created), { max: 1 });
    try {
      await sql`select 1`;
      return { name: created, sql };
    } catch (error) {
      await sql.end({ timeout: 1 });
      if ((error as { code?: string }).code !== '3D000' || attempt >= 5) throw error;
    }
  }
}

describe('sweepShadowDatabases', () => {
  it('drops shadows older than an hour and idle old-format ones; keeps younger shadows, busy old-format ones and every other database', async () => {
    const now = await serverSeconds();
    const old = await create(shadowName(now - 2 * 3600));
    const twentyMinutes = await create(shadowName(now - 1200));
    const young = await create(shadowName(now));
    const user = await create(`sweep_user_${randomBytes(4).toString('hex')}`);
    const foreign = await create(`strata_shadow_keep_${randomBytes(4).toString('hex')}`);
    const idleLegacy = await create(legacyName());
    // Other test files' processes sweep this server too (once each, on their first shadow), and
    // may drop an old or idle old-format shadow between its creation and the session below:
    // that is the behaviour under test as well, so the sessions are opened on what is still there.
    const busy = await sessionOnNew(legacyName);
    const busyLegacy = busy.name;
    const onBusy = busy.sql;
    // A session on the old shadow too, when it is still there: WITH (FORCE) ends it (its process is long gone).
    const onOld = connect(withDatabase(adminUrl, old), { max: 1 });
    try {
      await onOld`select 1`.catch((error: { code?: string }) => {
        if (error.code !== '3D000') throw error;
      });
      const sweep = await sweepShadowDatabases(adminUrl);
      expect(await exists(old)).toBe(false);
      expect(await exists(idleLegacy)).toBe(false);
      for (const name of [twentyMinutes, young, user, foreign, busyLegacy]) expect(await exists(name), name).toBe(true);
      expect(sweep.young).toEqual(expect.arrayContaining([twentyMinutes, young]));
      expect(sweep.inUse).toContain(busyLegacy);
      expect(sweep.failed).toEqual([]);
      const names = [...sweep.dropped.map((d) => d.name), ...sweep.young, ...sweep.inUse];
      for (const name of [user, foreign]) expect(names).not.toContain(name);
    } finally {
      await onOld.end({ timeout: 1 }).catch(() => undefined);
      await onBusy.end({ timeout: 1 });
    }
  });

  it('olderThanMs sets the age limit; the report names what it dropped and when it was born', async () => {
    const now = await serverSeconds();
    const twentyMinutes = await create(shadowName(now - 1200));
    expect((await sweepShadowDatabases(adminUrl)).young).toContain(twentyMinutes);
    const sweep = await sweepShadowDatabases(adminUrl, { olderThanMs: 10 * 60_000 });
    expect(sweep.dropped.find((d) => d.name === twentyMinutes)).toEqual({ name: twentyMinutes, bornAt: new Date((now - 1200) * 1000) });
    expect(await exists(twentyMinutes)).toBe(false);
  });

  it('throws a clear error, without the password, when the server cannot be reached', async () => {
    const error = await sweepShadowDatabases('postgres://me:s3cret@localhost:1/x').catch((e) => e);
    expect(error).toMatchObject({ code: 'CONNECTION_FAILED' });
    expect(error.message).not.toContain('s3cret');
  });
});
