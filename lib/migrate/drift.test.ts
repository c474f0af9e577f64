import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../testing/fixture-project';
import { testContext } from '../testing/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database';
import { applyChangeSets } from './apply';
import { checkDrift } from './drift';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('drift');
});
afterEach(async () => {
  await db.drop();
});

const options = () => ({ shadowServerUrl: inject('pgAdminUrl') });

describe('drift', () => {
  const p = () =>
    readProject(
      writeFixtureProject([
        { name: 'a', up: 'create table public.a (id int primary key, name varchar(50));', down: 'drop table public.a;' },
        { name: 'b', up: 'create table public.b (id int primary key);', down: 'drop table public.b;' },
      ]),
    );

  it('finds nothing on a database that only its change sets touched (pending ones do not count)', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project, { to: '0000_a' });
    const report = await checkDrift(testContext(db.url), project, options());
    expect(report.drifted).toBe(false);
    expect(report.applied).toEqual(['0000_a']);
  });

  it('detects an index created by hand and a column changed outside migrations', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    await db.sql.unsafe('create index a_name_by_hand on public.a (name); alter table public.a alter column name type varchar(80);');
    const report = await checkDrift(testContext(db.url), project, options());
    expect(report.drifted).toBe(true);
    expect(report.diff.changes.map((c) => [c.kind, c.action, c.table, c.name])).toEqual([
      ['column', 'changed', 'public.a', 'name'],
      ['index', 'added', 'public.a', 'a_name_by_hand'],
    ]);
  });

  it('takes the same lock as apply: a migration in progress is never reported as drift', async () => {
    const project = p();
    await applyChangeSets(testContext(db.url), project);
    await withTargetLock(db.url, 'migration-in-progress', async () => {
      await expect(checkDrift(testContext(db.url), project, options())).rejects.toMatchObject({ code: 'LOCKED' });
    });
  });
});
