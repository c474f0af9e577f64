import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { outOfOrderTarget, tableChangeSet } from '../../test/support/out-of-order-target';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { readTargetStatus } from './read-status';
import { rollbackChoices } from './rollback-choices';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('choices');
});
afterEach(async () => {
  await db.drop();
});

const rolledBack = async (project: Project, options: { steps: 1 } | { to: string }) =>
  (await rollbackChangeSets(testContext(db.url), project, options)).records.map((r) => r.tag);

describe('rollbackChoices', () => {
  it('after an out-of-order apply, names for each button exactly the change sets its rollback undoes', async () => {
    const project = await outOfOrderTarget(db.url);
    const choices = rollbackChoices(project, await readTargetStatus(db.url, project));
    expect(choices.last).toEqual({ undoes: ['0001_b'], refusal: null });
    expect(choices.newestInJournal).toBe('0003_d');
    // "to d" would undo nothing, so it is not offered.
    expect(choices.backTo).toEqual([
      { to: '0000_a', undoes: ['0001_b', '0003_d', '0002_c'], refusal: null },
      { to: '0001_b', undoes: ['0003_d', '0002_c'], refusal: null },
      { to: '0002_c', undoes: ['0003_d'], refusal: null },
    ]);

    // What the buttons name is what the rollbacks undo.
    expect(await rolledBack(project, { steps: 1 })).toEqual(choices.last!.undoes);
    await applyChangeSets(testContext(db.url), project, { includeOutOfOrder: true });
    expect(await rolledBack(project, { to: '0001_b' })).toEqual(choices.backTo[1]!.undoes);
  });

  it('in journal order, last is the newest change set', async () => {
    const project = readProject(writeFixtureProject(['a', 'b'].map((n) => tableChangeSet(n))));
    await applyChangeSets(testContext(db.url), project);
    const choices = rollbackChoices(project, await readTargetStatus(db.url, project));
    expect(choices).toEqual({ last: { undoes: ['0001_b'], refusal: null }, newestInJournal: '0001_b', backTo: [{ to: '0000_a', undoes: ['0001_b'], refusal: null }] });
  });

  it('carries the refusal of a rollback that would reach a change set without a rollback file', async () => {
    const project = await outOfOrderTarget(db.url, [tableChangeSet('a'), tableChangeSet('b'), tableChangeSet('c', false), tableChangeSet('d')]);
    const choices = rollbackChoices(project, await readTargetStatus(db.url, project));
    expect(choices.last).toEqual({ undoes: ['0001_b'], refusal: null });
    expect(choices.backTo.find((c) => c.to === '0001_b')).toEqual({
      to: '0001_b',
      undoes: ['0003_d', '0002_c'],
      refusal: expect.stringMatching(/no rollback file for 0002_c \(expected rollback\/0002_c\.sql\)/),
    });
    expect(choices.backTo.find((c) => c.to === '0002_c')).toEqual({ to: '0002_c', undoes: ['0003_d'], refusal: null });
  });

  it('offers nothing on an empty target', async () => {
    const project = readProject(writeFixtureProject([tableChangeSet('a')]));
    expect(rollbackChoices(project, await readTargetStatus(db.url, project))).toEqual({ last: null, newestInJournal: null, backTo: [] });
  });
});
