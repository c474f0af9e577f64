import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject, type ChangeSet } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { verifyProject } from '../verify/round-trip';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { applyChangeSets } from './apply';
import { resolveChangeSet } from './bookkeeping-ops';
import { fileFor, fileToRun } from './change-set-file';
import { executeChangeSet, openSession } from './change-set-session';
import { dryRun } from './dry-run';
import { startLockCapture } from './lock-capture';
import { rollbackChangeSets } from './rollback';
import { withTargetLock } from './target-lock';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('sess');
});
afterEach(async () => {
  await db.drop();
});

/** A statement that fails with the session it ran in: its timeouts and search_path. */
const PROBE = `do $$ begin raise exception 'session %', concat_ws(' ', current_setting('lock_timeout'), current_setting('statement_timeout'), current_setting('search_path')); end $$;`;

const shadowServerUrl = () => inject('pgAdminUrl');

describe('one executor for every door', () => {
  it('apply, rollback and the dry run (both modes) run a change set in the same session: timeouts, search_path', async () => {
    const project = readProject(
      writeFixtureProject([
        { name: 't', up: 'create table public.t (id int);', down: PROBE },
        { name: 'probe', up: PROBE, down: 'select 1;' },
      ]),
    );
    // The real run: the caller's limits, clamped to whole milliseconds.
    const applied = await applyChangeSets(testContext(db.url, { lockTimeoutMs: 1234.9, statementTimeoutMs: 45_678 }), project);
    expect(applied.failed?.error).toMatchObject({ message: 'session 1234ms 45678ms public', statementIndex: 0, line: 1, file: 'migrations/0001_probe.sql', code: 'P0001' });
    await resolveChangeSet(testContext(db.url), project, '0001_probe', 'retry', 'test: roll back the one before it');
    await expect(rollbackChangeSets(testContext(db.url), project)).resolves.toMatchObject({ failed: { error: { message: 'session 5s 10min public', file: 'rollback/0000_t.sql' } } });
    await resolveChangeSet(testContext(db.url), project, '0000_t', 'applied', 'test: its rollback only probes');

    // The dry run: on the target its own short limits, on a shadow the real run's.
    const onTarget = await dryRun(testContext(db.url), project, { direction: 'apply' }, { shadowServerUrl: shadowServerUrl() });
    expect(onTarget.failed?.error?.message).toBe('session 2s 1min public');
    const onShadow = await dryRun(testContext(db.url), project, { direction: 'apply', mode: 'shadow' }, { shadowServerUrl: shadowServerUrl() });
    expect(onShadow.failed?.error?.message).toBe('session 5s 10min public');
    const back = await dryRun(testContext(db.url), project, { direction: 'rollback' }, { shadowServerUrl: shadowServerUrl() });
    expect(back.failed?.error).toMatchObject({ message: 'session 2s 1min public', file: 'rollback/0000_t.sql' });
  });

  it("verify's second run of an idempotent file runs in the real run's session too", async () => {
    const counted = `-- strata:idempotent
create table if not exists public.runs (n int);
--> statement-breakpoint
insert into public.runs values (1);
--> statement-breakpoint
do $$ begin if (select count(*) from public.runs) > 1 then ${PROBE.slice('do $$ begin '.length, -'end $$;'.length)} end if; end $$;`;
    const report = await verifyProject(shadowServerUrl(), readProject(writeFixtureProject([{ name: 'runs', up: counted, down: 'drop table public.runs;' }])));
    const again = report.changeSets[0]!.steps.find((s) => s.step === 'idempotent');
    expect(again).toMatchObject({ ok: false, detail: 'running it again failed: session 5s 10min public (P0001)' });
  });

  it('a no-transaction file runs statement by statement and leaves the session as it found it', async () => {
    const changeSet = fixtureChangeSet({ name: 'notx', up: `-- strata:no-transaction\ncreate table public.kept (id int);\n--> statement-breakpoint\n${PROBE}` });
    await withTargetLock(db.url, 'test', async (conn) => {
      const defaults = await conn`select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement, current_setting('search_path') as path`;
      const run = await executeChangeSet(conn, { changeSet, direction: 'up', statements: await splitStatements(changeSet.forward) }, { limits: { lockTimeoutMs: -5 } });
      expect(run.failure).toMatchObject({ message: 'session 0 10min public', statementIndex: 1, line: 4, noTransaction: true });
      expect(run.statements.map((s) => s.index)).toEqual([0]);
      expect(await conn`select current_setting('lock_timeout') as lock, current_setting('statement_timeout') as statement, current_setting('search_path') as path`).toEqual(defaults);
    });
    // What ran before the failure stays: each statement committed by itself.
    expect(await db.sql`select to_regclass('public.kept') is not null as kept`).toEqual([{ kept: true }]);
  });

  it('a transactional file that fails is rolled back whole, its failure on the statement PostgreSQL refused, and the outcome hook never runs', async () => {
    const changeSet = fixtureChangeSet({ name: 'tx', up: 'create table public.gone (id int);\ninsert into public.gone values (1);\nselect 1/0;' });
    let succeeded = false;
    await withTargetLock(db.url, 'test', async (conn) => {
      const run = await executeChangeSet(conn, { changeSet, direction: 'up', statements: await splitStatements(changeSet.forward) }, { onSucceeded: async () => void (succeeded = true) });
      expect(run.failure).toMatchObject({ message: 'division by zero', code: '22012', statementIndex: 2, statement: 'select 1/0', line: 3, file: 'migrations/0000_tx.sql', noTransaction: false });
      expect(run.rows).toBe(1);
      expect(run.statements.map((s) => s.rows)).toEqual([0, 1]);
    });
    expect(succeeded).toBe(false);
    expect(await db.sql`select to_regclass('public.gone') is null as gone`).toEqual([{ gone: true }]);
  });

  it("inside a dry run's transaction: a savepoint per change set, statements refused in a transaction simulated or skipped, locks read from pg_locks", async () => {
    await db.sql`create table public.t (id int, note text)`;
    const good = fixtureChangeSet({ name: 'good', up: '-- strata:no-transaction\nalter table public.t add column extra int;\n--> statement-breakpoint\ncreate index concurrently t_note on public.t (note);\n--> statement-breakpoint\nvacuum public.t;' });
    const bad = fixtureChangeSet({ name: 'bad', up: 'alter table public.t add column more int;\nselect 1/0;' });
    await withTargetLock(db.url, 'test', async (conn) => {
      await openSession(conn, true, { lockTimeoutMs: 2_000 });
      try {
        const locks = await startLockCapture(conn);
        const first = await executeChangeSet(conn, { changeSet: good, direction: 'up', statements: await splitStatements(good.forward) }, { insideTransaction: { locks } });
        expect(first.failure).toBeNull();
        const [alter, index, vacuum] = first.statements;
        expect(alter!.locks).toContainEqual(expect.objectContaining({ mode: 'AccessExclusiveLock', relation: 'public.t' }));
        expect(index).toMatchObject({ skipped: false, label: expect.stringMatching(/without CONCURRENTLY/) });
        expect(vacuum).toMatchObject({ skipped: true, label: expect.stringMatching(/VACUUM cannot run inside a transaction/) });
        const second = await executeChangeSet(conn, { changeSet: bad, direction: 'up', statements: await splitStatements(bad.forward) }, { insideTransaction: { locks } });
        expect(second.failure).toMatchObject({ code: '22012', statementIndex: 1 });
        // The failed change set is undone; the one before it still stands in the transaction.
        const columns = await conn`select attname from pg_attribute where attrelid = 'public.t'::regclass and attnum > 0 and not attisdropped order by attnum`;
        expect(columns.map((c) => c.attname)).toEqual(['id', 'note', 'extra']);
      } finally {
        await conn.unsafe('rollback');
      }
    });
    const columns = await db.sql`select attname from pg_attribute where attrelid = 'public.t'::regclass and attnum > 0 and not attisdropped order by attnum`;
    expect(columns.map((c) => c.attname)).toEqual(['id', 'note']);
  });

  it('picks the file for a direction in one place: a change set without a rollback file cannot run down', () => {
    const changeSet = fixtureChangeSet({ name: 'one', up: 'select 1;' });
    expect(fileFor(changeSet, 'up')).toBe(changeSet.forward);
    expect(fileFor(changeSet, 'down')).toBeNull();
    expect(() => fileToRun(changeSet, 'down')).toThrow(expect.objectContaining({ code: 'NO_ROLLBACK', message: expect.stringMatching(/0000_one has no rollback file/) }));
  });

  it('is the only place that sets a change set’s session, and rollback borrows nothing from apply', () => {
    const root = path.dirname(fileURLToPath(import.meta.url));
    const sources = [...fs.readdirSync(root).map((f) => path.join(root, f)), ...fs.readdirSync(path.join(root, '..', 'verify')).map((f) => path.join(root, '..', 'verify', f))]
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
      .map((f) => ({ file: path.basename(f), text: fs.readFileSync(f, 'utf8') }));
    const setting = sources.filter((s) => /set (local )?(lock_timeout|statement_timeout|search_path)\b/.test(s.text) || /\buserSearchPath\(/.test(s.text));
    expect(setting.map((s) => s.file).sort()).toEqual(['change-set-session.ts', 'user-search-path.ts']);
    const rollback = sources.find((s) => s.file === 'rollback.ts')!.text;
    expect(rollback).not.toMatch(/from '\.\/apply'/);
  });
});

function fixtureChangeSet(c: { name: string; up: string; down?: string }): ChangeSet {
  return readProject(writeFixtureProject([c])).changeSets[0]!;
}
