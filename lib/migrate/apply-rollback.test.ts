import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { isStrataError } from '../errors';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { baselineChangeSets, resolveChangeSet } from './bookkeeping-ops';
import { readTarget } from './read-status';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('apply');
});
afterEach(async () => {
  await db.drop();
});

const threeStep = () =>
  writeFixtureProject([
    { name: 'users', up: 'create table public.users (id int primary key, email text not null);', down: 'drop table public.users;' },
    {
      name: 'orders',
      up: 'create table public.orders (id int primary key, user_id int references public.users(id));\n--> statement-breakpoint\ncreate index orders_user_idx on public.orders (user_id);',
      down: 'drop index public.orders_user_idx;\n--> statement-breakpoint\ndrop table public.orders;',
    },
    { name: 'seed', up: "insert into public.users values (1, 'a'), (2, 'b');", down: 'delete from public.users where id in (1, 2);' },
  ]);

async function tables(): Promise<string[]> {
  const rows = await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`;
  return rows.map((r) => String(r.tablename));
}

describe('apply', () => {
  it('applies every pending change set, records history, drizzle rows and one log line each', async () => {
    const project = readProject(threeStep());
    const ctx = testContext(db.url);
    const result = await applyChangeSets(ctx, project);
    expect(result.failed).toBeNull();
    expect(result.records.map((r) => [r.tag, r.status, r.statements, r.rowsAffected])).toEqual([
      ['0000_users', 'applied', 1, 0],
      ['0001_orders', 'applied', 2, 0],
      ['0002_seed', 'applied', 1, 2],
    ]);
    expect(await tables()).toEqual(['orders', 'users']);
    const { status, history } = await readTarget(db.url, project);
    expect(status.schemaVersion).toBe('0002_seed');
    expect(status.counts.pending).toBe(0);
    expect(history.map((h) => [h.tag, h.operation, h.status, h.actor, h.environment])).toEqual([
      ['0000_users', 'apply', 'applied', 'tester', 'test'],
      ['0001_orders', 'apply', 'applied', 'tester', 'test'],
      ['0002_seed', 'apply', 'applied', 'tester', 'test'],
    ]);
    expect(history[1]!.tablesTouched).toEqual(['public.orders', 'public.users']);
    const drizzle = await db.sql`select hash, created_at from drizzle.__drizzle_migrations order by created_at`;
    expect(drizzle.map((r) => r.hash)).toEqual(project.changeSets.map((c) => c.forward.checksum));
    const lines = ctx.logLines.filter((l) => l.msg === 'change set applied');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ env: 'test', version: 2, tag: '0002_seed', direction: 'up', status: 'applied', statements: 1, rows: 2, actor: 'tester', tables: ['public.users'] });
    expect(typeof lines[2]!.duration_ms).toBe('number');
  });

  it('applies up to --to and no further; a second apply has nothing to do', async () => {
    const project = readProject(threeStep());
    await applyChangeSets(testContext(db.url), project, { to: '0001_orders' });
    expect((await readTarget(db.url, project)).status.schemaVersion).toBe('0001_orders');
    const again = await applyChangeSets(testContext(db.url), project, { to: '0001_orders' });
    expect(again.records).toEqual([]);
  });

  it('stops at a failing statement: that change set is undone, nothing after it runs, history says so', async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
        { name: 'b', up: 'create table public.b (id int);\n--> statement-breakpoint\ninsert into public.b values (1);\n--> statement-breakpoint\nalter table public.b add column x int not null;\n--> statement-breakpoint\nselect no_such_column from public.b;', down: 'drop table public.b;' },
        { name: 'c', up: 'create table public.c (id int);', down: 'drop table public.c;' },
      ]),
    );
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.failed?.tag).toBe('0001_b');
    expect(result.failed?.error).toMatchObject({ statementIndex: 2, file: 'migrations/0001_b.sql', line: 5, code: '23502', noTransaction: false });
    expect(result.failed?.error?.message).toMatch(/column "x" of relation "b" contains null values/);
    expect(result.records.map((r) => r.tag)).toEqual(['0000_a', '0001_b']);
    expect(await tables()).toEqual(['a']);
    const { status, history } = await readTarget(db.url, project);
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'failed', 'pending']);
    expect(status.counts.failed).toBe(1);
    expect(history.at(-1)).toMatchObject({ tag: '0001_b', status: 'failed', errorStatementIndex: 2, errorCode: '23502', statements: 2 });
    expect(history.at(-1)!.errorStatement).toMatch(/add column x int not null/);

    // Blocked until someone resolves it, for apply and rollback alike.
    await expect(applyChangeSets(testContext(db.url), project)).rejects.toMatchObject({ code: 'BLOCKED_BY_FAILURE' });
    await expect(rollbackChangeSets(testContext(db.url), project)).rejects.toMatchObject({ code: 'BLOCKED_BY_FAILURE' });
    expect(await tables()).toEqual(['a']);
  });

  it('resolve: --as retry makes a failed change set pending again; a fixed file then applies', async () => {
    const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);\n--> statement-breakpoint\nselect 1/0;', down: 'drop table public.a;' }]);
    await applyChangeSets(testContext(db.url), readProject(dir));
    await expect(resolveChangeSet(testContext(db.url), readProject(dir), '0000_a', 'retry', '')).rejects.toMatchObject({ code: 'BAD_USAGE' });
    fs.writeFileSync(path.join(dir, 'migrations/0000_a.sql'), 'create table public.a (id int);');
    const state = await resolveChangeSet(testContext(db.url), readProject(dir), '0000_a', 'retry', 'division by zero removed');
    expect(state).toBe('pending');
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.records.map((r) => r.status)).toEqual(['applied']);
    const { history } = await readTarget(db.url, readProject(dir));
    expect(history.map((h) => [h.operation, h.status])).toEqual([['apply', 'failed'], ['resolve', 'rolled_back'], ['apply', 'applied']]);
    expect(history[1]!.reason).toBe('retry: division by zero removed');
  });

  it('a no-transaction change set that fails part-way keeps what ran, is failed, and blocks later applies', async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 'idx', up: '-- strata:no-transaction\ncreate table public.t (id int);\n--> statement-breakpoint\ncreate index concurrently t_id on public.t (id);\n--> statement-breakpoint\ncreate index concurrently t_id on public.t (id);' },
        { name: 'later', up: 'create table public.later (id int);' },
      ]),
    );
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.failed?.error).toMatchObject({ statementIndex: 2, noTransaction: true, code: '42P07' });
    expect(await tables()).toEqual(['t']);
    const { status } = await readTarget(db.url, project);
    expect(status.changeSets[0]!.reason).toMatch(/without a transaction, so part of it may be in place/);
    await expect(applyChangeSets(testContext(db.url), project)).rejects.toMatchObject({ code: 'BLOCKED_BY_FAILURE' });
    await resolveChangeSet(testContext(db.url), project, '0000_idx', 'applied', 'index exists, finished by hand');
    const next = await applyChangeSets(testContext(db.url), project);
    expect(next.records.map((r) => r.tag)).toEqual(['0001_later']);
  });

  it('refuses malformed SQL before running anything', async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 'ok', up: 'create table public.ok (id int);' },
        { name: 'bad', up: 'create table public.bad (id int);\n--> statement-breakpoint\ncreate tabel oops (id int);' },
      ]),
    );
    await expect(applyChangeSets(testContext(db.url), project)).rejects.toThrow(/0001_bad\.sql:3: SQL does not parse/);
    expect(await tables()).toEqual([]);
  });

  it('blocks apply and rollback when an applied change set was edited, naming the file, until accepted', async () => {
    const dir = threeStep();
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0001_orders' });
    const file = path.join(dir, 'migrations/0000_users.sql');
    fs.appendFileSync(file, '\n-- edited after the fact\n');
    const edited = readProject(dir);
    for (const run of [() => applyChangeSets(testContext(db.url), edited), () => rollbackChangeSets(testContext(db.url), edited)]) {
      const error = await run().catch((e) => e);
      expect(isStrataError(error, 'CHECKSUM_MISMATCH')).toBe(true);
      expect(error.message).toMatch(/migrations\/0000_users\.sql changed after it was applied/);
    }
    expect(await tables()).toEqual(['orders', 'users']);
    await resolveChangeSet(testContext(db.url), edited, '0000_users', 'accept-checksum', 'comment only');
    const result = await applyChangeSets(testContext(db.url), edited);
    expect(result.records.map((r) => r.tag)).toEqual(['0002_seed']);
  });

  it('reports a late-merged change set as out of order and applies it only when asked', async () => {
    const base = [
      { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
      { name: 'c', up: 'create table public.c (id int);', down: 'drop table public.c;' },
    ];
    const first = writeFixtureProject(base);
    await applyChangeSets(testContext(db.url), readProject(first));
    // A teammate's change set lands between a and c in the journal (older `when`).
    const merged = writeFixtureProject([base[0]!, { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' }, base[1]!]);
    fs.renameSync(path.join(merged, 'migrations/0002_c.sql'), path.join(merged, 'migrations/0001_c.sql.tmp'));
    const journalFile = path.join(merged, 'migrations/meta/_journal.json');
    const journal = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
    const firstJournal = JSON.parse(fs.readFileSync(path.join(first, 'migrations/meta/_journal.json'), 'utf8'));
    journal.entries[0].when = firstJournal.entries[0].when;
    journal.entries[1].when = firstJournal.entries[0].when + 500;
    journal.entries[2] = { ...firstJournal.entries[1], idx: 2 };
    fs.renameSync(path.join(merged, 'migrations/0001_c.sql.tmp'), path.join(merged, `migrations/${journal.entries[2].tag}.sql`));
    fs.writeFileSync(journalFile, JSON.stringify(journal));
    const project = readProject(merged);
    const { status } = await readTarget(db.url, project);
    expect(status.changeSets.map((c) => [c.changeSet.tag, c.state])).toEqual([
      ['0000_a', 'applied'],
      ['0001_b', 'out_of_order'],
      ['0001_c', 'applied'],
    ]);
    const skipped = await applyChangeSets(testContext(db.url), project);
    expect(skipped.records).toEqual([]);
    expect(skipped.skippedOutOfOrder).toEqual(['0001_b']);
    expect(await tables()).toEqual(['a', 'c']);
    const asked = await applyChangeSets(testContext(db.url), project, { includeOutOfOrder: true });
    expect(asked.records.map((r) => r.tag)).toEqual(['0001_b']);
    expect(await tables()).toEqual(['a', 'b', 'c']);
  });
});

describe('rollback', () => {
  it('rolls back the last one by default, then --steps, in reverse order of application', async () => {
    const project = readProject(threeStep());
    await applyChangeSets(testContext(db.url), project);
    const one = await rollbackChangeSets(testContext(db.url), project);
    expect(one.records.map((r) => [r.tag, r.status, r.rowsAffected])).toEqual([['0002_seed', 'rolled_back', 2]]);
    const two = await rollbackChangeSets(testContext(db.url), project, { steps: 2 });
    expect(two.records.map((r) => r.tag)).toEqual(['0001_orders', '0000_users']);
    expect(await tables()).toEqual([]);
    const { status } = await readTarget(db.url, project);
    expect(status.counts.pending).toBe(3);
    expect(status.schemaVersion).toBeNull();
    expect((await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`)[0]!.n).toBe(0);
  });

  it('--to keeps that change set; --all removes everything', async () => {
    const project = readProject(threeStep());
    await applyChangeSets(testContext(db.url), project);
    const to = await rollbackChangeSets(testContext(db.url), project, { to: '0000_users' });
    expect(to.records.map((r) => r.tag)).toEqual(['0002_seed', '0001_orders']);
    expect(await tables()).toEqual(['users']);
    await applyChangeSets(testContext(db.url), project);
    const all = await rollbackChangeSets(testContext(db.url), project, { all: true });
    expect(all.records).toHaveLength(3);
    expect(await tables()).toEqual([]);
  });

  it('says before starting when a change set has no rollback file, and changes nothing', async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 'a', up: 'create table public.a (id int);' },
        { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' },
      ]),
    );
    await applyChangeSets(testContext(db.url), project);
    const error = await rollbackChangeSets(testContext(db.url), project, { all: true }).catch((e) => e);
    expect(isStrataError(error, 'NO_ROLLBACK')).toBe(true);
    expect(error.message).toMatch(/no rollback file for 0000_a \(expected rollback\/0000_a\.sql\)/);
    expect(await tables()).toEqual(['a', 'b']);
  });

  it('refuses conflicting options and bad step counts', async () => {
    const project = readProject(threeStep());
    await expect(rollbackChangeSets(testContext(db.url), project, { steps: 1, all: true })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(rollbackChangeSets(testContext(db.url), project, { steps: 0 })).rejects.toMatchObject({ code: 'BAD_USAGE' });
  });

  it('after a full rollback and re-apply the catalog is identical', async () => {
    const project = readProject(threeStep());
    const empty = await catalogFingerprint(db.sql);
    await applyChangeSets(testContext(db.url), project);
    const applied = await catalogFingerprint(db.sql);
    await rollbackChangeSets(testContext(db.url), project, { all: true });
    expect(await catalogFingerprint(db.sql)).toEqual(empty);
    await applyChangeSets(testContext(db.url), project);
    expect(await catalogFingerprint(db.sql)).toEqual(applied);
  });
});

describe('baseline', () => {
  it('marks change sets applied without running them, recorded as baseline', async () => {
    const project = readProject(threeStep());
    await db.sql.unsafe('create table public.users (id int primary key, email text not null)');
    const tags = await baselineChangeSets(testContext(db.url), project, { to: '0000_users' });
    expect(tags).toEqual(['0000_users']);
    const { status, history } = await readTarget(db.url, project);
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'pending', 'pending']);
    expect(history[0]).toMatchObject({ operation: 'baseline', status: 'applied', statements: 0 });
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.records.map((r) => r.tag)).toEqual(['0001_orders', '0002_seed']);
  });
});
