import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from '../migrate/apply';
import { readTarget } from '../migrate/read-status';
import { rollbackChangeSets } from '../migrate/rollback';
import { withTargetLock } from '../migrate/target-lock';
import { listBackups, pruneBackups } from './backups';
import type { BackupMode } from './policy';
import { restoreBackup } from './restore';
import { backupSettingsFor, type BackupSettings } from './settings';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('bak');
});
afterEach(async () => {
  await db.drop();
});

/**
 * accounts and notes with rows; then a change set that drops a column and a table, one that
 * rewrites values with an UPDATE, and one that changes no data.
 */
const project = () =>
  readProject(
    writeFixtureProject([
      { name: 'accounts', up: 'create table public.accounts (id int generated always as identity primary key, name text not null, email text);', down: 'drop table public.accounts;' },
      { name: 'notes', up: 'create table public.notes (id serial primary key, account_id int references public.accounts (id), body text);', down: 'drop table public.notes;' },
      {
        name: 'destroy',
        up: 'alter table public.accounts drop column email;\n--> statement-breakpoint\ndrop table public.notes;',
        down: 'create table public.notes (id serial primary key, account_id int references public.accounts (id), body text);\n--> statement-breakpoint\nalter table public.accounts add column email text;',
      },
      { name: 'shout', up: "update public.accounts set name = upper(name) where name <> '';", down: 'select 1;' },
      { name: 'harmless', up: 'create index accounts_name_idx on public.accounts (name);', down: 'drop index public.accounts_name_idx;' },
    ]),
  );

const settings = (mode: BackupMode = 'destructive', extra: Partial<BackupSettings> = {}): BackupSettings => ({
  ...backupSettingsFor({ name: 'test', url: db.url, protection: 'guarded' }, null),
  ...extra,
  policy: { mode, keep: 10, maxAgeDays: 30, ...extra.policy },
});
const ctx = (s: BackupSettings = settings()) => testContext(db.url, { backup: s });

/** md5 of every row, in key order: equal only when every value of every row is equal. */
async function digest(table: string): Promise<string> {
  const [row] = await db.sql.unsafe(`select md5(string_agg(md5(t::text), ',' order by t.id)) as d, count(*)::int as n from ${table} t`);
  return `${row!.n}:${row!.d}`;
}

async function seedRows(): Promise<void> {
  await db.sql.unsafe(`
    insert into public.accounts (name, email) select 'user ' || g, 'u' || g || '@example.com' from generate_series(1, 200) g;
    insert into public.notes (account_id, body) select 1 + (g % 200), 'note ' || g from generate_series(1, 500) g;`);
}

const backupSchemas = async () => (await db.sql`select nspname from pg_namespace where nspname like 'strata_backup_%' order by 1`).map((r) => String(r.nspname));

describe('a backup before an apply that destroys data', () => {
  it('copies the key and the dropped column, and the dropped table whole, verifies them, and a restore after rollback brings back identical rows', async () => {
    const p = project();
    await applyChangeSets(ctx(), p, { to: '0001' });
    await seedRows();
    const accountsBefore = await digest('public.accounts');
    const notesBefore = await digest('public.notes');

    const result = await applyChangeSets(ctx(), p, { to: '0002' });
    expect(result.failed).toBeNull();
    expect(result.backups).toHaveLength(1);
    const [backup] = result.backups;
    expect(backup).toMatchObject({ changeSet: '0002_destroy', direction: 'up', verified: true, location: 'schema' });
    expect(backup!.tables.map((t) => [t.source, t.columns, t.rows])).toEqual([
      ['public.accounts', ['id', 'email'], 200],
      ['public.notes', null, 500],
    ]);
    const { history } = await readTarget(db.url, p);
    expect(history.find((h) => h.tag === '0002_destroy')?.backupSchema).toBe(backup!.id);

    // Before the rollback the restore can say what is missing, and changes nothing.
    const early = await withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), backup!.id, { write: false }));
    expect(early.tables.map((t) => [t.table, t.problem !== null])).toEqual([
      ['public.accounts', true],
      ['public.notes', true],
    ]);
    expect(early.tables[0]!.problem).toMatch(/column email does not exist: roll back/);
    await expect(withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), backup!.id, { write: true }))).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringMatching(/Nothing was restored: public\.accounts: column email/),
    });

    await rollbackChangeSets(ctx(), p, { steps: 1 });
    const dry = await withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), backup!.id, { write: false }));
    expect(dry.tables.map((t) => ({ table: t.table, mode: t.mode, insert: t.insert, update: t.update, problem: t.problem }))).toEqual([
      { table: 'public.accounts', mode: 'columns', insert: 0, update: 200, problem: null },
      { table: 'public.notes', mode: 'rows', insert: 500, update: 0, problem: null },
    ]);
    expect(await db.sql`select count(*)::int as n from public.notes`).toEqual([{ n: 0 }]);

    const done = await withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), backup!.id, { write: true }));
    expect(done.written).toBe(true);
    expect(await digest('public.accounts')).toBe(accountsBefore);
    expect(await digest('public.notes')).toBe(notesBefore);
    // The serial moved past the restored ids: a new note does not collide.
    await db.sql`insert into public.notes (account_id, body) values (1, 'new')`;
    // A second restore finds nothing to write.
    const again = await withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), backup!.id, { write: false }));
    expect(again.tables.map((t) => [t.insert, t.update])).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('stops the run when a copy does not verify: the change set never runs and nothing is left behind', async () => {
    const p = project();
    await applyChangeSets(ctx(), p, { to: '0001' });
    await seedRows();
    // Corrupt the copy between its creation and its verification: an event trigger deletes a
    // row from every table created by CREATE TABLE AS in a backup schema.
    await db.sql.unsafe(`
      create function public.corrupt_copies() returns event_trigger language plpgsql as $$
      declare r record;
      begin
        for r in select * from pg_event_trigger_ddl_commands() where schema_name like 'strata_backup_%' and object_type = 'table' loop
          execute format('delete from %s where ctid = (select min(ctid) from %s)', r.object_identity, r.object_identity);
        end loop;
      end $$;
      create event trigger corrupt_copies on ddl_command_end when tag in ('CREATE TABLE AS') execute function public.corrupt_copies();`);
    const before = await digest('public.accounts');

    await expect(applyChangeSets(ctx(), p, { to: '0002' })).rejects.toMatchObject({
      code: 'BACKUP_NOT_VERIFIED',
      message: expect.stringMatching(/copy of public\.accounts does not match it \(source 200 rows.*copy 199 rows.*the change set did not run/),
    });
    expect(await digest('public.accounts')).toBe(before);
    expect(await db.sql`select count(*)::int as n from public.notes`).toEqual([{ n: 500 }]);
    expect(await backupSchemas()).toEqual([]);
    const { status } = await readTarget(db.url, p);
    expect(status.changeSets.find((c) => c.changeSet.tag === '0002_destroy')?.state).toBe('pending');
  });

  it('copies the key and the columns an UPDATE sets, and restores the old values after the rollback', async () => {
    const p = project();
    await applyChangeSets(ctx(), p, { to: '0001' });
    await seedRows();
    const before = await digest('public.accounts');
    const result = await applyChangeSets(ctx(), p, { to: '0003' });
    const shout = result.backups.find((b) => b.changeSet === '0003_shout')!;
    expect(shout.tables.map((t) => [t.source, t.columns])).toEqual([['public.accounts', ['id', 'name']]]);
    await rollbackChangeSets(ctx(settings('off')), p, { steps: 2 });
    // 0002's rollback re-added email empty; restore both backups, newest first.
    for (const b of [shout, result.backups.find((x) => x.changeSet === '0002_destroy')!]) {
      await withTargetLock(db.url, 't', (c) => restoreBackup(c, settings(), b.id, { write: true }));
    }
    expect(await digest('public.accounts')).toBe(before);
  });

  it('follows the policy: off copies nothing, always copies every table the change set touches, a widening type change needs no copy', async () => {
    const p = project();
    await applyChangeSets(ctx(), p, { to: '0001' });
    await seedRows();
    expect((await applyChangeSets(ctx(settings('off')), p, { to: '0002' })).backups).toEqual([]);
    const always = await applyChangeSets(ctx(settings('always')), p, { to: '0004' });
    expect(always.backups.map((b) => [b.changeSet, b.tables.map((t) => [t.source, t.columns])])).toEqual([
      ['0003_shout', [['public.accounts', null]]],
      ['0004_harmless', [['public.accounts', null]]],
    ]);
    const types = readProject(
      writeFixtureProject([
        { name: 't', up: 'create table public.t (id int primary key, code varchar(10), note text);' },
        { name: 'widen', up: 'alter table public.t alter column code type text;' },
        { name: 'narrow', up: 'alter table public.t alter column note type varchar(5) using left(note, 5);' },
      ]),
    );
    const other = await createScratchDatabase('bak2');
    try {
      const octx = testContext(other.url);
      await applyChangeSets(octx, types, { to: '0000' });
      await other.sql`insert into public.t values (1, 'abc', 'a long note')`;
      const run = await applyChangeSets(octx, types);
      expect(run.backups.map((b) => [b.changeSet, b.tables.map((t) => t.columns)])).toEqual([['0002_narrow', [['id', 'note']]]]);
    } finally {
      await other.drop();
    }
  });

  it('copies before a destructive rollback too, and says so in the history', async () => {
    const p = project();
    await applyChangeSets(ctx(settings('off')), p, { to: '0001' });
    await seedRows();
    const run = await rollbackChangeSets(ctx(), p, { steps: 1 });
    expect(run.backups.map((b) => [b.changeSet, b.direction, b.tables.map((t) => [t.source, t.rows])])).toEqual([['0001_notes', 'down', [['public.notes', 500]]]]);
    const { history } = await readTarget(db.url, p);
    expect(history.at(-1)?.backupSchema).toBe(run.backups[0]!.id);
  });
});

describe('backups as compressed COPY files (STRATA_BACKUP_DIR)', () => {
  it('writes verified files outside the target, restores from them, and refuses a damaged file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-backups-'));
    const files = settings('destructive', { dir });
    const p = project();
    await applyChangeSets(ctx(files), p, { to: '0001' });
    await seedRows();
    const before = await digest('public.notes');
    const [backup] = (await applyChangeSets(ctx(files), p, { to: '0002' })).backups;
    expect(backup).toMatchObject({ location: 'files', verified: true });
    expect(await backupSchemas()).toEqual([]);
    const folder = path.join(dir, 'test', backup!.id);
    expect(fs.readdirSync(folder).sort()).toEqual(['manifest.json', 't1_accounts.copy.gz', 't2_notes.copy.gz']);
    expect(backup!.sizeBytes).toBeGreaterThan(0);
    await rollbackChangeSets(ctx(settings('off', { dir })), p, { steps: 1 });
    await withTargetLock(db.url, 't', (c) => restoreBackup(c, files, backup!.id, { write: true }));
    expect(await digest('public.notes')).toBe(before);

    // A file changed after it was made is never restored from.
    const gz = path.join(folder, 't2_notes.copy.gz');
    const { gzipSync, gunzipSync } = await import('node:zlib');
    const lines = gunzipSync(new Uint8Array(fs.readFileSync(gz))).toString().split('\n');
    fs.writeFileSync(gz, new Uint8Array(gzipSync(lines.slice(1).join('\n'))));
    await db.sql`delete from public.notes`;
    await expect(withTargetLock(db.url, 't', (c) => restoreBackup(c, files, backup!.id, { write: true }))).rejects.toMatchObject({ code: 'BACKUP_NOT_VERIFIED' });
    expect(await db.sql`select count(*)::int as n from public.notes`).toEqual([{ n: 0 }]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('retention', () => {
  it('keeps exactly the newest N, and none older than D days', async () => {
    const p = readProject(writeFixtureProject(Array.from({ length: 6 }, (_, i) => ({ name: `wipe${i}`, up: i === 0 ? 'create table public.t (id int primary key, v int);' : 'delete from public.t where v < 0;' }))));
    await applyChangeSets(ctx(settings('off')), p, { to: '0000' });
    await db.sql`insert into public.t values (1, 1), (2, 2)`;
    const run = await applyChangeSets(ctx(settings('destructive', { policy: { mode: 'destructive', keep: 3, maxAgeDays: 30 } })), p);
    expect(run.backups).toHaveLength(5);
    const made = run.backups.map((b) => b.id).sort();
    // The run itself pruned to its policy's 3 newest.
    expect(run.pruned.map((r) => r.id).sort()).toEqual(made.slice(0, 2));
    expect(run.pruned.every((r) => r.why === 'beyond the newest 3')).toBe(true);
    const listed = await withTargetLock(db.url, 't', (c) => listBackups(c, settings()));
    expect(listed.map((b) => b.id)).toEqual(made.slice(2).reverse());

    // Age: the oldest of the three is made 31 days old.
    await db.sql.unsafe(`update ${made[2]}._backup set created_at = now() - interval '31 days'`);
    const pruned = await withTargetLock(db.url, 't', (c) => pruneBackups(c, settings('destructive', { policy: { mode: 'destructive', keep: 10, maxAgeDays: 30 } })));
    expect(pruned.removed).toEqual([{ id: made[2], why: 'older than 30 days' }]);
    expect(pruned.kept).toEqual(made.slice(3).reverse());
    expect(await backupSchemas()).toEqual(made.slice(3));
  });
});

describe('restore refuses what is not a backup', () => {
  it('refuses a name that is not a backup (injection) and an unknown one, changing nothing', async () => {
    await withTargetLock(db.url, 't', async (c) => {
      await expect(restoreBackup(c, settings(), 'public; drop table x', { write: true })).rejects.toMatchObject({ code: 'BAD_USAGE' });
      await expect(restoreBackup(c, settings(), 'strata_backup_20260101t000000_0001_abcd', { write: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
