import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { outOfOrderTarget, tableChangeSet } from '../../test/support/out-of-order-target';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { planRollback, type RollbackOptions } from './plan';
import { rollbackChangeSets } from './rollback';
import { readTargetStatus } from './read-status';
import { rollbackChoices } from './rollback-choices';
import { undone, type UndoSelection } from './rollback-order';

const scratch: ScratchDatabase[] = [];
const database = async () => {
  const db = await createScratchDatabase('choices');
  scratch.push(db);
  return db;
};
let db: ScratchDatabase;
beforeEach(async () => {
  db = await database();
});
afterEach(async () => {
  await Promise.all(scratch.splice(0).map((d) => d.drop()));
});

const tags = (changeSets: Array<{ tag: string }>) => changeSets.map((c) => c.tag);

describe('rollbackChoices', () => {
  it('after an out-of-order apply, every rollback button names exactly what its rollback undoes', async () => {
    const project = await outOfOrderTarget(db.url);
    const choices = rollbackChoices(project, await readTargetStatus(db.url, project));
    expect(tags(choices.undoOrder)).toEqual(['0001_b', '0003_d', '0002_c', '0000_a']);
    expect(choices.newestInJournal).toBe('0003_d');
    // "to 0003_d" would undo nothing, so it is not offered.
    expect(tags(choices.floors)).toEqual(['0000_a', '0001_b', '0002_c']);

    const expected: Record<string, string[]> = {
      last: ['0001_b'],
      '0000_a': ['0001_b', '0003_d', '0002_c'],
      '0001_b': ['0003_d', '0002_c'],
      '0002_c': ['0003_d'],
    };
    const buttons: Array<{ name: string; options: RollbackOptions; selection: UndoSelection }> = [
      { name: 'last', options: { steps: 1 }, selection: { steps: 1 } },
      ...choices.floors.map((f) => ({ name: f.tag, options: { to: f.tag }, selection: { toVersion: f.version } })),
    ];
    for (const { name, options, selection } of buttons) {
      const named = tags(undone(choices.undoOrder, selection));
      expect(named, name).toEqual(expected[name]);
      // What the button names is what the rollback undoes, each on its own copy of the target.
      const copy = await database();
      const result = await rollbackChangeSets(testContext(copy.url), await outOfOrderTarget(copy.url), options);
      expect(tags(result.records), name).toEqual(named);
    }
  });

  it('in journal order, the last applied is the newest, and there is nothing to note', async () => {
    const project = readProject(writeFixtureProject(['a', 'b'].map((n) => tableChangeSet(n))));
    await applyChangeSets(testContext(db.url), project);
    const choices = rollbackChoices(project, await readTargetStatus(db.url, project));
    expect(choices).toEqual({
      undoOrder: [
        { tag: '0001_b', version: 1, hasRollback: true },
        { tag: '0000_a', version: 0, hasRollback: true },
      ],
      newestInJournal: '0001_b',
      floors: [{ tag: '0000_a', version: 0 }],
    });
  });

  it('marks the change sets without a rollback file: the ones planRollback refuses', async () => {
    const project = await outOfOrderTarget(db.url, [tableChangeSet('a'), tableChangeSet('b'), tableChangeSet('c', false), tableChangeSet('d')]);
    const status = await readTargetStatus(db.url, project);
    const choices = rollbackChoices(project, status);
    const floor = choices.floors.find((f) => f.tag === '0001_b')!;
    const missing = tags(undone(choices.undoOrder, { toVersion: floor.version }).filter((c) => !c.hasRollback));
    expect(missing).toEqual(['0002_c']);
    expect(() => planRollback(project, status, { to: '0001_b' })).toThrow(expect.objectContaining({ code: 'NO_ROLLBACK', details: { tags: missing } }));
    expect(undone(choices.undoOrder, { steps: 1 }).every((c) => c.hasRollback)).toBe(true);
  });

  it('offers nothing on an empty target', async () => {
    const project = readProject(writeFixtureProject([tableChangeSet('a')]));
    expect(rollbackChoices(project, await readTargetStatus(db.url, project))).toEqual({ undoOrder: [], newestInJournal: null, floors: [] });
  });
});
