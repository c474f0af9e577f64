import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../testing/fixture-project';
import { testContext } from '../testing/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database';
import { applyChangeSets } from './apply';
import { readTargetStatus } from './read-status';
import { rollbackChangeSets } from './rollback';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('review');
});
afterEach(async () => {
  await db.drop();
});

const project = () =>
  readProject(
    writeFixtureProject([
      { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
      { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' },
    ]),
  );

describe('what is confirmed is what runs', () => {
  it('refuses an apply or rollback whose plan is no longer the one reviewed, changing nothing', async () => {
    const p = project();
    await expect(applyChangeSets(testContext(db.url), p, { expectPlan: ['0001_b'] })).rejects.toMatchObject({
      code: 'PLAN_CHANGED',
      message: expect.stringMatching(/would now run 0000_a, 0001_b, but the dry run showed 0001_b/),
    });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(0);
    await applyChangeSets(testContext(db.url), p, { expectPlan: ['0000_a', '0001_b'] });
    await expect(rollbackChangeSets(testContext(db.url), p, { steps: 1, expectPlan: ['0000_a'] })).rejects.toMatchObject({ code: 'PLAN_CHANGED' });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(2);
    await rollbackChangeSets(testContext(db.url), p, { steps: 1, expectPlan: ['0001_b'] });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(1);
  });

  it('waits out a short lock holder when asked to, and fails at once otherwise', async () => {
    const p = project();
    let release!: () => void;
    const held = withTargetLock(db.url, 'drift-check', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((r) => setTimeout(r, 100));
    await expect(applyChangeSets(testContext(db.url), p)).rejects.toMatchObject({ code: 'LOCKED' });
    const waiting = applyChangeSets(testContext(db.url, { lockWaitMs: 5_000 }), p);
    setTimeout(() => release(), 300);
    expect((await waiting).records.map((r) => r.tag)).toEqual(['0000_a', '0001_b']);
    await held;
  });
});
