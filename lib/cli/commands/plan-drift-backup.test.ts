import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, withConsole } from '../../auth/console-db';
import { createUser } from '../../auth/users';
import { readProject } from '../../changesets/project';
import { findEnvironment, loadConfig } from '../../config/environments';
import { decideChange, requestChange } from '../../console/change-requests';
import { catalogFingerprint } from '../../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';
import { cli } from '../../../test/support/cli-runner';
import { consoleTestEnv } from '../../../test/support/console-env';

let db: ScratchDatabase;
let dir: string;
beforeAll(async () => {
  db = await createScratchDatabase('plan');
  dir = writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int primary key, name text);', down: 'drop table public.a;' },
    { name: 'b', up: 'alter table public.a add column email text;\n--> statement-breakpoint\ncreate index a_email on public.a (email);', down: 'alter table public.a drop column email;' },
  ]);
});
afterAll(async () => {
  await db.drop();
});

describe('strata plan, drift, backup', () => {
  it('plan prints the dry run as JSON and changes nothing; --rollback N dry-runs a rollback', async () => {
    expect((await cli('apply', '--database-url', db.url, '--dir', dir, '--to', '0000_a')).code).toBe(0);
    await db.sql`insert into public.a values (1, 'ada')`;
    const before = await catalogFingerprint(db.sql);
    const plan = await cli('plan', '--database-url', db.url, '--dir', dir, '--json');
    expect(plan.code).toBe(0);
    const result = JSON.parse(plan.stdout);
    expect(result).toMatchObject({ mode: 'transaction', direction: 'apply', failed: null });
    expect(result.diff.changes.map((c: { action: string; kind: string; name: string }) => `${c.action} ${c.kind} ${c.name}`)).toEqual(['added column email', 'added index a_email']);
    expect(await catalogFingerprint(db.sql)).toEqual(before);

    const back = await cli('plan', '--database-url', db.url, '--dir', dir, '--rollback', '1');
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(/Dry run of rollback/);
    expect(back.stdout).toMatch(/- table public\.a/);
    expect(back.stdout).toMatch(/\[high\] Drops table public\.a/);
    expect(back.stdout).toMatch(/A real run first copies, and verifies, what it destroys in: public\.a \(1 rows\)/);
    expect(await catalogFingerprint(db.sql)).toEqual(before);
  });

  it('plan exits 1 when a change set would fail, and 2 on bad usage', async () => {
    const failing = writeFixtureProject([
      { name: 'a', up: 'create table public.a (id int primary key, name text);', down: 'drop table public.a;' },
      { name: 'bad', up: 'alter table public.a alter column name set not null;', down: 'alter table public.a alter column name drop not null;' },
    ]);
    const scratch = await createScratchDatabase('planfail');
    try {
      await cli('apply', '--database-url', scratch.url, '--dir', failing, '--to', '0000_a');
      await scratch.sql`insert into public.a values (1, null)`;
      const plan = await cli('plan', '--database-url', scratch.url, '--dir', failing);
      expect(plan.code).toBe(1);
      expect(plan.stdout).toMatch(/statement 1 would fail: column "name" of relation "a" contains null values/);
    } finally {
      await scratch.drop();
    }
    expect((await cli('plan', '--database-url', db.url, '--dir', dir, '--rollback', 'lots')).code).toBe(2);
    expect((await cli('plan', '--database-url', db.url, '--dir', dir, '--rollback', '1', '--rollback-to', '0000_a')).code).toBe(2);
  });

  it('apply and rollback --expect-plan run exactly the reviewed plan --json, or refuse changing nothing', async () => {
    const target = await createScratchDatabase('expect');
    const project = writeFixtureProject([
      { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
      { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' },
    ]);
    const reviewed = path.join(os.tmpdir(), `strata-plan-${process.pid}.json`);
    try {
      const plan = await cli('plan', '--database-url', target.url, '--dir', project, '--json');
      fs.writeFileSync(reviewed, plan.stdout);
      // Someone edits a pending file after the review: same tags, other SQL.
      fs.writeFileSync(path.join(project, 'migrations', '0001_b.sql'), 'create table public.b (id int); create table public.sneaky (id int);');
      const refused = await cli('apply', '--database-url', target.url, '--dir', project, '--expect-plan', reviewed);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/PLAN_CHANGED.*0001_b's file changed/);
      expect(await target.sql`select (select count(*)::int from strata.change_log) as history, to_regclass('public.a') as a`).toEqual([{ history: 0, a: null }]);
      // The file as reviewed: the plan runs.
      fs.writeFileSync(path.join(project, 'migrations', '0001_b.sql'), 'create table public.b (id int);');
      expect((await cli('apply', '--database-url', target.url, '--dir', project, '--expect-plan', reviewed)).code).toBe(0);
      // A plan to apply is no plan to roll back; a file that is not a plan is named as such.
      expect((await cli('rollback', '--database-url', target.url, '--dir', project, '--expect-plan', reviewed)).stderr).toMatch(/BAD_USAGE.*a plan to apply, not to rollback/);
      fs.writeFileSync(reviewed, '{"nope": true}');
      expect((await cli('rollback', '--database-url', target.url, '--dir', project, '--expect-plan', reviewed)).stderr).toMatch(/BAD_USAGE.*not the output of `strata plan --json`/);
      const back = await cli('plan', '--database-url', target.url, '--dir', project, '--rollback', '1', '--json');
      fs.writeFileSync(reviewed, back.stdout);
      expect((await cli('rollback', '--database-url', target.url, '--dir', project, '--expect-plan', reviewed)).code).toBe(0);
      expect(await target.sql`select to_regclass('public.b') as b`).toEqual([{ b: null }]);
    } finally {
      await target.drop();
    }
  });

  it('drift exits 0 when clean and 1 naming a hand-made change', async () => {
    const clean = await cli('drift', '--database-url', db.url, '--dir', dir);
    expect(clean, clean.stderr).toMatchObject({ code: 0 });
    expect(clean.stdout).toMatch(/matches its 1 applied change sets \(no drift\)/);
    await db.sql`create index a_name_by_hand on public.a (name)`;
    const drifted = await cli('drift', '--database-url', db.url, '--dir', dir);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/\+ index public\.a\.a_name_by_hand/);
    await db.sql`drop index public.a_name_by_hand`;
  });

  it('backup: list, restore; refuses a bad backup name', async () => {
    expect((await cli('backup', '--database-url', db.url)).code).toBe(2);
    expect((await cli('backup', 'restore', '--database-url', db.url)).code).toBe(2);
    const bad = await cli('backup', 'restore', 'public"; drop table a; --', '--database-url', db.url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not a Strata backup name/);
    const list = await cli('backup', 'list', '--database-url', db.url);
    expect(list).toMatchObject({ code: 0, stdout: 'No backups on this target.\n' });
  });
});

describe('protected environments on the CLI', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('need their name typed back, run only an approved request (claimed like the console does), and refuse resolve and baseline', async () => {
    const scratch = await createScratchDatabase('prod');
    const consoleDb = await createScratchDatabase('console');
    try {
      Object.assign(process.env, consoleTestEnv({ label: 'prod-cli', environment: { name: 'prod', url: scratch.url, protection: 'protected' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: dir }));
      const untouched = async () => expect(await scratch.sql`select to_regclass('strata.change_log') as t`).toEqual([{ t: null }]);
      const unconfirmed = await cli('apply', '--env', 'prod', '--dir', dir);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toMatch(/CONFIRMATION_REQUIRED.*prod is protected: type its name to confirm \(--confirm prod\)/);
      expect((await cli('apply', '--env', 'prod', '--dir', dir, '--confirm', 'production')).code).toBe(2);
      // Confirmed, but nobody else approved anything: refused.
      const alone = await cli('apply', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--actor', 'release-bot');
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/PROTECTED.*runs only an approved request.*--request N/);
      for (const args of [['resolve', '0000_a', '--as', 'retry', '--reason', 'x'], ['baseline'], ['rollback']]) {
        const refused = await cli(...args, '--env', 'prod', '--dir', dir, '--confirm', 'prod');
        expect(refused.code, args.join(' ')).toBe(2);
        expect(refused.stderr).toMatch(/PROTECTED/);
        expect(await scratch.sql`select to_regclass('strata.change_log') as t`, args[0]).toEqual([{ t: null }]);
      }
      await untouched();

      const plan = await cli('plan', '--env', 'prod', '--dir', dir, '--json');
      expect(plan.code).toBe(0);
      expect(JSON.parse(plan.stdout).mode).toBe('shadow');

      // The two-person path: olga requests, ada (an admin since before) approves, the CLI executes it once.
      const config = loadConfig();
      await withConsole(config, (sql) => createUser(sql, { username: 'ada', role: 'admin', password: null, createdBy: 'first start' }));
      const target = { config, environment: findEnvironment(config, 'prod'), project: readProject(dir) };
      const request = await requestChange(target, { direction: 'apply', reason: 'ship it' }, { username: 'olga', role: 'operator', via: 'console' });
      expect((await cli('apply', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--request', String(request.id))).stderr).toMatch(/INVALID_STATE.*not approved yet/);
      await untouched();
      await decideChange(target, request.id, { approve: true, comment: 'ok' }, { username: 'ada', role: 'admin', via: 'console' });
      expect((await cli('rollback', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--request', String(request.id))).stderr).toMatch(/is a apply: run it with strata apply/);
      const run = await cli('apply', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--request', String(request.id), '--actor', 'release-bot');
      expect(run.code, run.stderr).toBe(0);
      const history = await scratch.sql`select tag, actor, reason from strata.change_log order by id`;
      expect(history.map((h) => h.tag)).toEqual(['0000_a', '0001_b']);
      expect(history[0]!.reason).toBe(`request #${request.id} by olga, approved by ada`);
      expect(String(history[0]!.actor)).toMatch(/^cli:\S+ \(as release-bot\)$/);
      const [stored] = await consoleDb.sql`select status, executed_by, executor from console.change_requests where id = ${request.id}`;
      expect(stored).toMatchObject({ status: 'executed', executor: expect.stringMatching(/\[request #\d+\]$/) });
      const again = await cli('apply', '--env', 'prod', '--dir', dir, '--confirm', 'prod', '--request', String(request.id));
      expect(again.stderr).toMatch(/INVALID_STATE.*already executed/);

      const audit = await consoleDb.sql`select actor, role, action, environment, outcome from console.audit_log order by id`;
      expect(audit.some((a) => a.action === 'apply' && a.environment === 'prod' && a.outcome === 'ok' && /\(as release-bot\)$/.test(a.actor))).toBe(true);
      expect(audit.some((a) => a.action === 'dry-run' && a.environment === 'prod')).toBe(true);
      // The refusals are in the trail too.
      expect(audit.filter((a) => a.outcome === 'denied' && a.environment === 'prod').length).toBeGreaterThanOrEqual(5);
    } finally {
      await closeConsole(loadConfig());
      await scratch.drop();
      await consoleDb.drop();
    }
  });
});
