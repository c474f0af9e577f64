import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSql } from '../auth/console-db';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { resolveChangeSet } from '../migrate/bookkeeping-ops';
import { withTargetLock } from '../migrate/target-lock';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { closeFleetTestConsole, makeFleetFile, openFleetTestConsole, type FleetTestConsole } from '../../test/support/fleet-test-console';
import { testContext } from '../../test/support/run-context';
import type { ScratchDatabase } from '../../test/support/scratch-database';
import { fleetFromFile } from './resolve-fleet';
import { startQueueWorker } from '../queue/queue-worker';
import { rolloutTasks } from './rollout-jobs';
import { runRollout, waitForRollout } from './rollout-run';
import { createRollout, readRollout, readRolloutTargets } from './rollout-store';
import { parseWaves } from './rollout-waves';

/**
 * Rollouts against real databases: 30 targets in four waves with a target prepared to fail
 * in the third, a kill -9 of the rollout process and of one of two workers, and bad input.
 * Every target's history (strata.change_log) must show each change set applied once.
 */
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let fleetConsole: FleetTestConsole;
let env: Record<string, string>;
const dbs: ScratchDatabase[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rollout-'));

const project = writeFixtureProject([
  { name: 'a', up: 'create table public.t_a (id int primary key);', down: 'drop table public.t_a;' },
  { name: 'b', up: 'create table public.t_b (id int primary key);', down: 'drop table public.t_b;' },
  { name: 'c', up: 'create table public.t_c (id int primary key);', down: 'drop table public.t_c;' },
]);
// Slow on purpose, so that a process can be killed while targets are running.
const slowProject = writeFixtureProject([
  { name: 's1', up: 'create table public.s1 (id int);\n--> statement-breakpoint\nselect pg_sleep(0.4);', down: 'drop table public.s1;' },
  { name: 's2', up: 'create table public.s2 (id int);\n--> statement-breakpoint\nselect pg_sleep(0.4);', down: 'drop table public.s2;' },
]);

const makeFleet = (prefix: string, count: number) => makeFleetFile(tmp, prefix, count, dbs);

/** Each tag's applied rows in the target's history: every one must be exactly 1. */
async function appliedCounts(db: ScratchDatabase): Promise<Record<string, number>> {
  const rows = await db.sql`select tag, count(*)::int as n from strata.change_log where status = 'applied' group by tag order by tag`;
  return Object.fromEntries(rows.map((r) => [String(r.tag), Number(r.n)]));
}

beforeAll(async () => {
  fleetConsole = await openFleetTestConsole({ label: 'rollout', database: 'rolloutconsole', projectDir: project });
  ({ consoleDb, config, env } = fleetConsole);
}, 120_000);

afterAll(() => closeFleetTestConsole(fleetConsole, dbs), 120_000);

describe('a rollout to 30 databases in four waves', () => {
  it('stops before the fourth wave when a third-wave target fails, naming it; after the fix a rerun brings all 30 to the head, each change set applied once', async () => {
    const { file, targets } = await makeFleet('rw', 30);
    // Waves 1,3,10,100%: targets 0 | 1-2 | 3-9 | 10-29. rw05 is in the third wave.
    const broken = targets[5]!;
    await broken.sql`create table public.t_b (id int)`;
    const request = { fleet: fleetFromFile(file), fleetFile: file, project: readProject(project), toTag: null, waves: parseWaves('1,3,10,100%'), concurrency: 4, maxFailures: 0, actor: 'tester' };
    const events: string[] = [];
    const first = await runRollout(config, request, { slots: 4, onEvent: (e) => events.push(e) });
    expect(first.rollout.state).toBe('failed');
    expect(first.rollout.error).toMatch(new RegExp(`stopped before wave 4: 1 target failed .*${broken.name}`));
    const byName = new Map(first.targets.map((t) => [t.name, t]));
    expect(byName.get(broken.name)).toMatchObject({ state: 'failed', wave: 2, applied: ['0000_a'] });
    expect(byName.get(broken.name)!.error).toMatch(/0001_b failed: relation "t_b" already exists/);
    for (const t of targets.slice(0, 10).filter((t) => t !== broken)) expect(byName.get(t.name)).toMatchObject({ state: 'succeeded', applied: ['0000_a', '0001_b', '0002_c'] });
    // The fourth wave never started: nothing ran on its targets.
    for (const t of targets.slice(10)) {
      expect(byName.get(t.name)).toMatchObject({ state: 'waiting', wave: 3, attempts: 0 });
      expect((await t.sql`select to_regclass('strata.change_log') as t`)[0]!.t).toBeNull();
    }
    expect(events.join('\n')).toMatch(/wave 3: 7 targets — 6 succeeded, 1 failed/);

    // The fix: the conflicting table goes, and the failed change set is marked for a retry.
    await broken.sql`drop table public.t_b`;
    await resolveChangeSet(testContext(broken.url, { environment: `rw.txt/${broken.name}` }), readProject(project), '0001_b', 'retry', 'conflicting table removed');
    const second = await runRollout(config, request, { slots: 4, onEvent: () => undefined });
    expect(second.rollout.state).toBe('succeeded');
    expect(second.rollout.id).not.toBe(first.rollout.id);
    const states = new Map(second.targets.map((t) => [t.name, t.state]));
    for (const t of targets.slice(0, 10)) expect(states.get(t.name)).toBe(t === broken ? 'succeeded' : 'skipped-at-head');
    for (const t of targets.slice(10)) expect(states.get(t.name)).toBe('succeeded');
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_a': 1, '0001_b': 1, '0002_c': 1 });
  }, 240_000);
});

describe('a target another runner holds', () => {
  it('is retried later by the queue, not failed', async () => {
    const { file, targets } = await makeFleet('rl', 2);
    const sql = consoleSql(config);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = withTargetLock(targets[0]!.url, 'other-runner', async () => {
      locked();
      await held;
    });
    await isLocked;
    const run = runRollout(config, { fleet: fleetFromFile(file), fleetFile: file, project: readProject(project), toTag: null, waves: parseWaves('100%'), concurrency: 2, maxFailures: 0, actor: 'tester' }, { slots: 2, onEvent: () => undefined });
    await waitFor(async () => (await sql`select 1 from graphile_worker.jobs where last_error like ${'%locked by other-runner%'}`).length > 0, 'the locked target to be tried and put back');
    release();
    await holder;
    const outcome = await run;
    expect(outcome.rollout.state).toBe('succeeded');
    expect(outcome.targets.map((t) => t.state)).toEqual(['succeeded', 'succeeded']);
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_a': 1, '0001_b': 1, '0002_c': 1 });
  }, 120_000);
});

describe('killed processes', () => {
  it('kill -9 of the rollout process mid-rollout: a second rollout meanwhile is refused naming it; the rerun resumes and finishes, nothing applied twice', async () => {
    const { file, targets } = await makeFleet('rk', 8);
    const args = ['rollout', '--fleet-file', file, '--dir', slowProject, '--waves', '2,100%', '--concurrency', '2'];
    const child = spawnCli(args, env);
    const sql = consoleSql(config);
    await waitFor(async () => (await sql`select 1 from console.rollouts r join console.rollout_targets t on t.rollout = r.id where r.fleet = 'rk.txt' and t.state = 'succeeded' and t.wave = 1`).length > 0, 'a second-wave target to finish', 60_000);
    const [open] = await sql`select id from console.rollouts where fleet = 'rk.txt' and state = 'running'`;
    // While it runs, another rollout of the fleet is refused, naming it, and changes nothing.
    const rolloutsBefore = (await sql`select count(*)::int as n from console.rollouts`)[0]!.n;
    const refused = await cli(...args);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(new RegExp(`rollout ${open!.id}`));
    expect((await sql`select count(*)::int as n from console.rollouts`)[0]!.n).toBe(rolloutsBefore);

    child.kill('SIGKILL');
    expect((await child.output).signal).toBe('SIGKILL');
    const left = await readRolloutTargets(sql, Number(open!.id));
    expect(left.some((t) => t.state !== 'succeeded')).toBe(true);

    const rerun = spawnCli(args, env);
    const out = await rerun.output;
    expect(out.stderr).toMatch(new RegExp(`rollout ${open!.id} of fleet rk.txt, started by cli:\\S+.* at [0-9: -]+ UTC, is unfinished and the process that drove it is gone: this process takes it over; its settings are the ones asked for`));
    expect(out.code).toBe(0);
    const rollout = await readRollout(sql, Number(open!.id));
    expect(rollout.state).toBe('succeeded');
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_s1': 1, '0001_s2': 1 });
    for (const t of targets) expect((await t.sql`select count(*)::int as n from strata.change_log where status <> 'applied'`)[0]!.n).toBe(0);
  }, 240_000);

  it('two workers, kill -9 of one mid-rollout: the other frees its jobs and finishes them, nothing applied twice', async () => {
    const { file, targets } = await makeFleet('rx', 10);
    const sql = consoleSql(config);
    const w1 = spawnCli(['worker', '--concurrency', '2'], env);
    const w2 = spawnCli(['worker', '--concurrency', '2'], env);
    await waitFor(async () => (await sql`select 1 from console.queue_workers where pid in (${w1.pid!}, ${w2.pid!})`).length === 2, 'both workers to register');
    const [w1Row] = await sql`select id from console.queue_workers where pid = ${w1.pid!}`;
    const w1Prefix = `strata-${w1Row!.id}-%`;
    // The rollout is stored by this process, which runs no worker: the two workers do all of it.
    const fleet = fleetFromFile(file);
    const names = targets.map((t) => t.name).sort();
    const rollout = await createRollout(sql, {
      fleet: fleet.name, fleetFile: file, projectDir: slowProject, toTag: null, waves: parseWaves('100%'), concurrency: 4, maxFailures: 0, actor: 'tester', driver: null,
      targets: names.map((name) => ({ name, wave: 0 })),
    });
    await waitFor(async () => (await sql`select 1 from graphile_worker.jobs where locked_by like ${w1Prefix}`).length > 0, 'worker 1 to hold a job');
    w1.kill('SIGKILL');
    expect((await w1.output).signal).toBe('SIGKILL');
    await waitFor(async () => (await readRollout(sql, rollout.id)).state !== 'running', 'the rollout to end', 120_000);
    expect((await readRollout(sql, rollout.id)).state).toBe('succeeded');
    // The dead worker is gone from the registry, and none of its jobs is left locked.
    expect(await sql`select 1 from console.queue_workers where id = ${w1Row!.id}`).toHaveLength(0);
    expect(await sql`select 1 from graphile_worker.jobs where locked_by like ${w1Prefix}`).toHaveLength(0);
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_s1': 1, '0001_s2': 1 });
    w2.kill('SIGTERM');
    const w2out = await w2.output;
    expect(w2out.code).toBe(0);
    expect(w2out.stdout).toMatch(/stopped \(SIGTERM\) after finishing its jobs/);
    expect(await sql`select 1 from console.queue_workers where pid = ${w2.pid!}`).toHaveLength(0);
  }, 240_000);
});

describe('pause, resume and retry-failed', () => {
  it('pause stops new targets from starting, resume goes on, retry-failed runs the failed targets again; each is audited', async () => {
    const { file, targets } = await makeFleet('rp', 4);
    const sql = consoleSql(config);
    await targets[3]!.sql`create table public.t_c (id int)`;
    const fleet = fleetFromFile(file);
    // Stored with no worker running: the first target's job waits in the queue.
    const rollout = await createRollout(sql, {
      fleet: fleet.name, fleetFile: file, projectDir: project, toTag: null, waves: parseWaves('100%'), concurrency: 1, maxFailures: 0, actor: 'tester', driver: null,
      targets: targets.map((t) => ({ name: t.name, wave: 0 })),
    });
    expect((await cli('rollout', 'pause', String(rollout.id))).code).toBe(0);
    expect((await cli('rollout', 'pause', String(rollout.id))).stderr).toMatch(/is paused, not running: nothing to pause/);
    const worker = await startQueueWorker(config, { slots: 2, tasks: rolloutTasks(config) });
    try {
      // The target already started finishes; none other starts while paused.
      const paused = await waitForRollout(config, rollout.id, { onEvent: () => undefined, pollMs: 100 });
      expect(paused.rollout.state).toBe('paused');
      expect(paused.targets.map((t) => t.state)).toEqual(['succeeded', 'waiting', 'waiting', 'waiting']);
      expect((await cli('rollout', 'resume', String(rollout.id))).code).toBe(0);
      const ended = await waitForRollout(config, rollout.id, { onEvent: () => undefined, pollMs: 100 });
      expect(ended.rollout.state).toBe('failed');
      expect(ended.targets.map((t) => t.state)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed']);
      const status = await cli('rollout', 'status', String(rollout.id));
      expect(status.stdout).toMatch(new RegExp(`failed: ${targets[3]!.name}: 0002_c failed: relation "t_c" already exists`));
      await targets[3]!.sql`drop table public.t_c`;
      await resolveChangeSet(testContext(targets[3]!.url, { environment: `rp.txt/${targets[3]!.name}` }), readProject(project), '0002_c', 'retry', 'conflicting table removed');
      const retried = await cli('rollout', 'retry-failed', String(rollout.id));
      expect(retried.stdout).toMatch(new RegExp(`${targets[3]!.name} waits to run again`));
      const done = await waitForRollout(config, rollout.id, { onEvent: () => undefined, pollMs: 100 });
      expect(done.rollout.state).toBe('succeeded');
      expect(done.targets.find((t) => t.name === targets[3]!.name)).toMatchObject({ state: 'succeeded', attempts: 2, applied: ['0002_c'] });
      expect((await cli('rollout', 'retry-failed', String(rollout.id))).stderr).toMatch(/has no failed target to retry/);
    } finally {
      await worker.stop();
    }
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_a': 1, '0001_b': 1, '0002_c': 1 });
    const audit = await sql`select action, outcome from console.audit_log where environment = 'rp.txt' and outcome <> 'started' order by id`;
    expect(audit.map((a) => `${a.action} ${a.outcome}`)).toEqual(['rollout-pause ok', 'rollout-pause failed', 'rollout-resume ok', 'rollout-retry-failed ok', 'rollout-retry-failed failed']);
  }, 120_000);
});

describe('a rerun while a rollout started from the console is unfinished', () => {
  it('says who started it and where, that this process only helps run it, and that the stored settings apply, not its flags; nothing is applied twice', async () => {
    const { file, targets } = await makeFleet('rc', 3);
    const sql = consoleSql(config);
    const fleet = fleetFromFile(file);
    // As the console's start door stores it: no driving process; its queue worker would run it.
    const started = await createRollout(sql, {
      fleet: fleet.name, fleetFile: file, projectDir: project, toTag: '0001_b', waves: parseWaves('1,100%'), concurrency: 2, maxFailures: 0, actor: 'olivia', driver: null,
      targets: targets.map((t, i) => ({ name: t.name, wave: i === 0 ? 0 : 1 })),
    });
    const rolloutsBefore = (await sql`select count(*)::int as n from console.rollouts`)[0]!.n;
    const lines: string[] = [];
    const outcome = await runRollout(
      config,
      { fleet, fleetFile: file, project: readProject(project), toTag: null, waves: parseWaves('100%'), concurrency: 4, maxFailures: 0, actor: 'cli:tester' },
      { slots: 2, onEvent: (line) => lines.push(line), pollMs: 100 },
    );
    expect(lines[0]).toBe(
      `rollout ${started.id} of fleet rc.txt, started from the console by olivia at ${started.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC, is unfinished: ` +
        `this process helps the console's workers run it and follows it to the end; ` +
        `its stored settings apply (to 0001_b, waves 1,100%, concurrency 2, max failures 0), not the ones asked for (to the head, waves 100%, concurrency 4, max failures 0); ` +
        `targets already at the head are skipped. (strata rollout status ${started.id} shows it without joining; strata rollout pause ${started.id} pauses it.)`,
    );
    expect(outcome.resumed).toBe(true);
    expect(outcome.rollout).toMatchObject({ id: started.id, state: 'succeeded', actor: 'olivia', toTag: '0001_b' });
    expect((await sql`select count(*)::int as n from console.rollouts`)[0]!.n).toBe(rolloutsBefore);
    // The stored --to applied, not this command's head: 0002_c ran nowhere.
    for (const t of targets) expect(await appliedCounts(t)).toEqual({ '0000_a': 1, '0001_b': 1 });
  }, 120_000);
});

describe('a dry run', () => {
  it('runs on the representative target (all alike here: the first by name), on a shadow and in a rolled-back transaction, and writes nothing: no rollout, no history on any target', async () => {
    const { file, targets } = await makeFleet('rd', 3);
    const sql = consoleSql(config);
    const before = (await sql`select count(*)::int as n from console.rollouts`)[0]!.n;
    const result = await cli('rollout', '--fleet-file', file, '--dir', project, '--dry-run', '--waves', '1,100%');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`on a representative target: ${targets[0]!.name}, like 3 of 3 targets with change sets pending \\(0 change sets applied\\)\\. Nothing was written`));
    expect(result.stdout).toMatch(new RegExp(`In a transaction on ${targets[0]!.name}, rolled back`));
    expect(result.stdout).toMatch(/Waves: 1 → 2 targets/);
    expect(result.stdout).toMatch(/0000_a/);
    expect((await sql`select count(*)::int as n from console.rollouts`)[0]!.n).toBe(before);
    for (const t of targets) expect((await t.sql`select count(*)::int as n from pg_tables where schemaname = 'public'`)[0]!.n).toBe(0);
    for (const t of targets) expect((await t.sql`select to_regclass('strata.change_log') as t`)[0]!.t).toBeNull();
  });
});

describe('bad input changes nothing', () => {
  it.each([
    [['--env', 'nosuch'], 2, /Unknown fleet "nosuch"/],
    [['--env', 'tenants', '--fleet-file', 'x.txt'], 2, /Give --env FLEET or --fleet-file FILE, not both/],
    [['--waves', '0'], 2, /at least 1/],
    [['--waves', '150%'], 2, /at most 100%/],
    [['--waves', 'abc'], 2, /neither a number/],
    [['--waves', '10,3'], 2, /must not decrease/],
    [['--concurrency', '0'], 2, /--concurrency takes a whole number, 1 or more/],
    [['--max-failures=-1'], 2, /--max-failures takes a whole number, 0 or more/],
  ])('rollout %j → exit %i', async (extra, code, message) => {
    const file = path.join(tmp, 'bad.txt');
    fs.writeFileSync(file, `${consoleDb.url}\n`);
    const sql = consoleSql(config);
    const before = (await sql`select count(*)::int as n from console.rollouts`)[0]!.n;
    const args = extra.includes('--env') ? ['rollout', ...extra] : ['rollout', '--fleet-file', file, ...extra];
    const result = await cli(...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect((await sql`select count(*)::int as n from console.rollouts`)[0]!.n).toBe(before);
  });

  it('pause, resume, retry-failed and status of an unknown rollout are refused naming it', async () => {
    for (const action of ['pause', 'resume', 'retry-failed', 'status']) {
      const result = await cli('rollout', action, '999999');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/No rollout 999999/);
    }
    expect((await cli('rollout', 'pause')).stderr).toMatch(/needs a rollout id/);
    expect((await cli('rollout', 'frobnicate', '1')).stderr).toMatch(/Unknown rollout subcommand/);
  });
});
