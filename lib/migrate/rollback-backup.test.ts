import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { readTarget } from './read-status';
import { rollbackChangeSets } from './rollback';
import { listBackups, restoreBackup } from './table-backup';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('bak');
});
afterEach(async () => {
  await db.drop();
});

const project = () =>
  readProject(
    writeFixtureProject([
      { name: 'accounts', up: 'create table public.accounts (id int generated always as identity primary key, name text not null);', down: 'drop table public.accounts;' },
      { name: 'notes', up: 'create table public.notes (id int primary key, account_id int references public.accounts (id), body text);', down: 'drop table public.notes;' },
      { name: 'nickname', up: 'alter table public.accounts add column nickname text;', down: 'alter table public.accounts drop column nickname;' },
      { name: 'empty', up: 'create table public.empty_one (id int);', down: 'drop table public.empty_one;' },
    ]),
  );

describe('backup before a destructive rollback', () => {
  it('copies the tables whose rows the rollback destroys, records where, and restores them after re-apply', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p);
    await db.sql.unsafe(`
      insert into public.accounts (name, nickname) values ('ada', 'a'), ('grace', 'g');
      insert into public.notes values (1, 1, 'first'), (2, 2, 'second');`);

    const result = await rollbackChangeSets(testContext(db.url), p, { steps: 3 });
    expect(result.failed).toBeNull();
    // notes is dropped, accounts loses a column; empty_one has no rows, so it is not copied.
    expect(result.backup?.tables.map((t) => [t.source, t.rows])).toEqual([
      ['public.accounts', 2],
      ['public.notes', 2],
    ]);
    const schema = result.backup!.schema;
    expect(schema).toMatch(/^strata_backup_\d{8}t\d{6}_0003_[0-9a-f]{4}$/);
    const { history } = await readTarget(db.url, p);
    expect(history.filter((h) => h.operation === 'rollback').map((h) => h.backupSchema)).toEqual([schema, schema, schema]);

    await expect(withTargetLock(db.url, 't', (c) => restoreBackup(c, schema))).rejects.toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/public\.notes.*does not exist/) });

    await applyChangeSets(testContext(db.url), p);
    const restored = await withTargetLock(db.url, 't', (c) => restoreBackup(c, schema));
    expect(restored).toEqual([
      { table: 'public.accounts', rows: 2 },
      { table: 'public.notes', rows: 2 },
    ]);
    expect(await db.sql`select id, name, nickname from public.accounts order by id`).toEqual([
      { id: 1, name: 'ada', nickname: 'a' },
      { id: 2, name: 'grace', nickname: 'g' },
    ]);
    expect(await db.sql`select id, body from public.notes order by id`).toEqual([
      { id: 1, body: 'first' },
      { id: 2, body: 'second' },
    ]);
    // Restoring twice changes nothing more: the same rows get the same values.
    await withTargetLock(db.url, 't', (c) => restoreBackup(c, schema));
    expect(await db.sql`select count(*)::int as n from public.accounts`).toEqual([{ n: 2 }]);
    expect((await withTargetLock(db.url, 't', (c) => listBackups(c))).map((b) => b.schema)).toEqual([schema]);
  });

  it('makes no backup when nothing with rows is destroyed, or when told not to', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p);
    expect((await rollbackChangeSets(testContext(db.url), p)).backup).toBeNull();
    await db.sql`insert into public.accounts (name) values ('ada')`;
    expect((await rollbackChangeSets(testContext(db.url), p, { backup: false })).backup).toBeNull();
    const [{ n }] = await db.sql`select count(*)::int as n from pg_namespace where nspname like 'strata_backup_%'`;
    expect(n).toBe(0);
  });

  it('refuses a schema name that is not a backup (injection) and an unknown one', async () => {
    await withTargetLock(db.url, 't', async (c) => {
      await expect(restoreBackup(c, 'public; drop table x')).rejects.toMatchObject({ code: 'BAD_USAGE' });
      await expect(restoreBackup(c, 'strata_backup_20260101t000000_0001_abcd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
