import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject, type ChangeSet } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import fs from 'node:fs';
import path from 'node:path';
import { applyChangeSets } from './apply';
import { planItems } from './plan';
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

describe('what is reviewed is what runs', () => {
  it('refuses an apply or rollback whose plan is no longer the one reviewed, changing nothing', async () => {
    const p = project();
    const [a, b] = p.changeSets as [ChangeSet, ChangeSet];
    await expect(applyChangeSets(testContext(db.url), p, { expectPlan: planItems([b], 'apply') })).rejects.toMatchObject({
      code: 'PLAN_CHANGED',
      message: expect.stringMatching(/0000_a was added to the plan.*would now apply 0000_a, 0001_b/),
    });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(0);
    await applyChangeSets(testContext(db.url), p, { expectPlan: planItems([a, b], 'apply') });
    await expect(rollbackChangeSets(testContext(db.url), p, { steps: 1, expectPlan: planItems([a], 'rollback') })).rejects.toMatchObject({ code: 'PLAN_CHANGED' });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(2);
    await rollbackChangeSets(testContext(db.url), p, { steps: 1, expectPlan: planItems([b], 'rollback') });
    expect((await readTargetStatus(db.url, p)).counts.applied).toBe(1);
  });

  it('refuses a pending file edited after the review (same tags, other SQL), and a rollback file edited likewise', async () => {
    const reviewed = project();
    const reviewedPlan = planItems(reviewed.changeSets, 'apply');
    // Between the dry run and the confirmation someone edits the pending file.
    const forward = path.join(reviewed.dir, reviewed.changeSets[1]!.forward.file);
    fs.writeFileSync(forward, 'create table public.b (id int); create table public.sneaky (id int);');
    const edited = readProject(reviewed.dir);
    await expect(applyChangeSets(testContext(db.url), edited, { expectPlan: reviewedPlan })).rejects.toMatchObject({
      code: 'PLAN_CHANGED',
      message: expect.stringMatching(/0001_b's file changed/),
    });
    expect((await readTargetStatus(db.url, edited)).counts.applied).toBe(0);
    const [{ n }] = (await db.sql`select count(*)::int as n from pg_tables where schemaname = 'public'`) as unknown as [{ n: number }];
    expect(n).toBe(0);

    await applyChangeSets(testContext(db.url), edited, { expectPlan: planItems(edited.changeSets, 'apply') });
    const rollbackPlan = planItems([edited.changeSets[1]!], 'rollback');
    fs.writeFileSync(path.join(edited.dir, edited.changeSets[1]!.rollback!.file), 'drop table public.b; drop table public.a;');
    const again = readProject(edited.dir);
    await expect(rollbackChangeSets(testContext(db.url), again, { steps: 1, expectPlan: rollbackPlan })).rejects.toMatchObject({ code: 'PLAN_CHANGED' });
    expect((await readTargetStatus(db.url, again)).counts.applied).toBe(2);
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
