import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';
import { cli } from '../../../test/support/cli-runner';

let db: ScratchDatabase;
let dir: string;
beforeAll(async () => {
  db = await createScratchDatabase('clibak');
  dir = writeFixtureProject([
    { name: 'people', up: 'create table public.people (id int primary key, name text, phone text);', down: 'drop table public.people;' },
    { name: 'no_phone', up: 'alter table public.people drop column phone;', down: 'alter table public.people add column phone text;' },
  ]);
});
afterAll(async () => {
  await db.drop();
});

describe('strata backup', () => {
  it('apply copies and verifies first, says where and how to undo; list, restore --dry-run, restore and prune', async () => {
    const target = ['--database-url', db.url, '--dir', dir];
    expect((await cli('apply', ...target, '--to', '0000_people')).code).toBe(0);
    await db.sql`insert into public.people select g, 'p' || g, '555-' || g from generate_series(1, 30) g`;

    const bad = await cli('apply', ...target, '--backup', 'sometimes');
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/--backup must be one of off, destructive, always \(got "sometimes"\)/) });
    expect((await cli('status', ...target)).stdout).toMatch(/pending/);
    const apply = await cli('apply', ...target);
    expect(apply, apply.stderr).toMatchObject({ code: 0 });
    const id = /into (strata_backup_\w+)/.exec(apply.stdout)?.[1];
    expect(apply.stdout).toMatch(/Backed up before 0001_no_phone, verified: public\.people \(30 rows: id, phone\)/);
    expect(apply.stdout).toMatch(/to put the data back: roll back 0001_no_phone, then restore strata_backup_/);

    const list = await cli('backup', 'list', '--database-url', db.url);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toMatch(/0001_no_phone\s+public\.people\s+30\s+\S+ kB\s+yes/);

    const early = await cli('backup', 'restore', id!, '--dry-run', '--database-url', db.url);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/✗ public\.people: column phone does not exist: roll back the change set that dropped it/);

    expect((await cli('rollback', ...target, '--backup', 'off')).code).toBe(0);
    const dry = await cli('backup', 'restore', id!, '--dry-run', '--database-url', db.url);
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout).toMatch(/would write phone on 30 rows by id/);
    expect(await db.sql`select count(phone)::int as n from public.people`).toEqual([{ n: 0 }]);

    const restore = await cli('backup', 'restore', id!, '--database-url', db.url);
    expect(restore, restore.stderr).toMatchObject({ code: 0 });
    expect(restore.stdout).toMatch(/✓ public\.people: write phone on 30 rows by id/);
    expect(await db.sql`select count(*)::int as n from public.people where phone = '555-' || id`).toEqual([{ n: 30 }]);

    const prune = await cli('backup', 'prune', '--database-url', db.url);
    expect(prune.stdout).toMatch(/Nothing to remove\.\nKept 1 \(policy: newest 10, none older than 30 days\)/);
  });
});
