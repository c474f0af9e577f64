import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { applyChangeSets } from '../migrate/apply';
import { rollbackChangeSets } from '../migrate/rollback';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { withTargetLock } from '../migrate/target-lock';
import { createDriftService, driftCacheSeconds, DEFAULT_DRIFT_CACHE_SECONDS } from './drift-service';
import type { OperationTarget } from './environment-operations';
import { externalConfig } from '../../test/support/external-config';

let consoleDb: ScratchDatabase;
let db: ScratchDatabase;
let target: OperationTarget;

beforeAll(async () => {
  consoleDb = await createScratchDatabase('drift_console');
  db = await createScratchDatabase('drift_cached');
  const dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int primary key);', down: 'drop table public.a;' },
    { name: 'b', up: 'create table public.b (id int primary key);', down: 'drop table public.b;' },
  ]);
  const config: StrataConfig = externalConfig({
    projectDir: dir,
    consoleDatabaseUrl: consoleDb.url,
    shadowServerUrl: inject('pgAdminUrl'),
    environments: [{ name: 'staging', url: db.url, protection: 'guarded' }],
  });
  target = { config, environment: config.environments[0]!, project: readProject(dir) };
  await applyChangeSets(testContext(db.url), target.project, { to: '0000_a' });
});
afterAll(async () => {
  await closeConsole(target.config);
  await Promise.all([consoleDb.drop(), db.drop()]);
});

/** A clock the test moves by hand: no sleeps. */
function manualClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

const TTL = 30_000;

describe('the console drift cache', () => {
  it('checks once for many concurrent callers, serves that report for N seconds, then checks again', async () => {
    const clock = manualClock();
    const service = createDriftService({ ttlMs: TTL, now: clock.now });
    const ctx = () => testContext(db.url, { actor: 'viewer' });
    const first = await Promise.all(Array.from({ length: 6 }, () => service.check(target, ctx())));
    expect(new Set(first).size).toBe(1);
    expect(first[0]!.applied).toEqual(['0000_a']);

    clock.advance(TTL - 1);
    expect(await service.check(target, ctx())).toBe(first[0]);

    clock.advance(1);
    const later = await Promise.all(Array.from({ length: 3 }, () => service.check(target, ctx())));
    expect(new Set(later).size).toBe(1);
    expect(later[0]).not.toBe(first[0]);
    expect(Date.parse(later[0]!.checkedAt)).toBeGreaterThanOrEqual(Date.parse(first[0]!.checkedAt));
  });

  it('never serves a report of another applied set: an apply from anywhere is seen at once', async () => {
    const clock = manualClock();
    const service = createDriftService({ ttlMs: TTL, now: clock.now });
    const ctx = testContext(db.url);
    const before = await service.check(target, ctx);
    await applyChangeSets(testContext(db.url), target.project);
    try {
      const after = await service.check(target, ctx);
      expect(after.applied).toEqual(['0000_a', '0001_b']);
      expect(after.appliedSet).not.toBe(before.appliedSet);
      expect(await service.check(target, ctx)).toBe(after);
    } finally {
      await rollbackChangeSets(testContext(db.url), target.project, { steps: 1 });
    }
  });

  it('checks again after invalidate, even within N seconds', async () => {
    const service = createDriftService({ ttlMs: TTL, now: manualClock().now });
    const ctx = testContext(db.url);
    const first = await service.check(target, ctx);
    expect(await service.check(target, ctx)).toBe(first);
    service.invalidate('staging');
    expect(await service.check(target, ctx)).not.toBe(first);
  });

  it('keeps no LOCKED answer: the end of a migration shows at once', async () => {
    const service = createDriftService({ ttlMs: TTL, now: manualClock().now });
    await withTargetLock(db.url, 'migration', async () => {
      await expect(service.check(target, testContext(db.url))).rejects.toMatchObject({ code: 'LOCKED' });
    });
    expect((await service.check(target, testContext(db.url))).drifted).toBe(false);
  });

  it('reads N from STRATA_DRIFT_CACHE_SECONDS', () => {
    expect(driftCacheSeconds({})).toBe(DEFAULT_DRIFT_CACHE_SECONDS);
    expect(driftCacheSeconds({ STRATA_DRIFT_CACHE_SECONDS: '5' })).toBe(5);
    expect(driftCacheSeconds({ STRATA_DRIFT_CACHE_SECONDS: '0' })).toBe(0);
    expect(() => driftCacheSeconds({ STRATA_DRIFT_CACHE_SECONDS: 'soon' })).toThrow(/STRATA_DRIFT_CACHE_SECONDS must be a whole number/);
  });
});
