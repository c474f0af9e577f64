import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSql, withConsole } from '../auth/console-db';
import { getRequest } from '../auth/requests';
import type { Principal } from '../auth/types';
import { createUser } from '../auth/users';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import type { CheckOptions } from '../fleet/fleet-overview';
import { chooseRepresentative } from '../fleet/representative-target';
import { rolloutTasks } from '../fleet/rollout-jobs';
import { waitForRollout } from '../fleet/rollout-run';
import { pauseRollout } from '../fleet/rollout-store';
import type { Fleet } from '../fleet/types';
import { applyChangeSets } from '../migrate/apply';
import { engineLogger } from '../observability/logger';
import { startQueueWorker } from '../queue/queue-worker';
import { cli } from '../../test/support/cli-runner';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { closeFleetTestConsole, openFleetTestConsole, type FleetTestConsole } from '../../test/support/fleet-test-console';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { decideChange } from './change-requests';
import { executeRolloutRequest, fileRolloutRequest } from './rollout-requests';

/**
 * A protected fleet's rollout with two-person approval, on real databases: four targets made
 * here (three with the first change set applied, one with nothing), filed by an operator,
 * approved by another admin, executed into a rollout that the queue brings to the head; and
 * every refusal — the filer approving, execution before approval, a new head, a target that
 * left, an expired request, two executions at once — changing nothing it should not.
 */
const A = { name: 'a', up: 'create table public.t_a (id int primary key);', down: 'drop table public.t_a;' };
const B = { name: 'b', up: 'create table public.t_b (id int primary key);', down: 'drop table public.t_b;' };
const C = { name: 'c', up: 'create table public.t_c (id int primary key);', down: 'drop table public.t_c;' };
const D = { name: 'd', up: 'create table public.t_d (id int primary key);', down: 'drop table public.t_d;' };
const projectA = writeFixtureProject([A]);
const projectAB = writeFixtureProject([A, B]);
const projectABC = writeFixtureProject([A, B, C]);
const projectABCD = writeFixtureProject([A, B, C, D]);

let config: StrataConfig;
let fleetConsole: FleetTestConsole;
const targets: ScratchDatabase[] = [];
let fleet: Fleet;

const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
const adam: Principal = { username: 'adam', role: 'admin', via: 'console' };
const eve: Principal = { username: 'eve', role: 'admin', via: 'console' };

const checks = (project: string, f: Fleet = fleet): CheckOptions => ({ config, fleet: f, project: readProject(project), logger: engineLogger(), actor: 'test' });
const approve = (id: number, by: Principal) => decideChange({ config, environment: { name: fleet.name } }, id, { approve: true, comment: '' }, by);

async function appliedTags(db: ScratchDatabase): Promise<string[]> {
  const rows = await db.sql`select tag from strata.change_log where status = 'applied' order by tag`;
  return rows.map((r) => String(r.tag));
}

async function rolloutsOf(id: number) {
  return consoleSql(config)`select id, state from console.rollouts where request = ${id}`;
}

/** Runs the queue until the rollout has ended. */
async function finish(rollout: number) {
  const worker = await startQueueWorker(config, { slots: 2, tasks: rolloutTasks(config) });
  try {
    return await waitForRollout(config, rollout, { onEvent: () => undefined, pollMs: 200, workerStopped: worker.stopped });
  } finally {
    await worker.stop();
  }
}

async function refusal(work: Promise<unknown>): Promise<StrataError> {
  const caught = await work.then(
    () => null,
    (error: unknown) => error,
  );
  expect(caught).toBeInstanceOf(StrataError);
  return caught as StrataError;
}

beforeAll(async () => {
  for (let i = 0; i < 4; i++) targets.push(await createScratchDatabase(`rqt${i}`));
  // rqt1..3 have the first change set; rqt0 nothing: rqt1 stands for the fleet (like 3 of 4).
  for (const t of targets.slice(1)) await applyChangeSets(testContext(t.url), readProject(projectA));
  // A configured fleet: the queue's target jobs find it again by name.
  fleetConsole = await openFleetTestConsole({
    label: 'rollout-requests',
    database: 'rqconsole',
    projectDir: projectAB,
    env: { STRATA_ENVIRONMENTS: 'solo,shops', STRATA_ENV_SHOPS_URLS: targets.map((t) => t.url).join(','), STRATA_ENV_SHOPS_PROTECTION: 'protected' },
  });
  config = fleetConsole.config;
  fleet = config.fleets!.find((f) => f.name === 'shops')!;
  expect(fleet.protection).toBe('protected');
  await withConsole(config, async (sql) => {
    for (const [username, role] of [['olga', 'operator'], ['adam', 'admin'], ['eve', 'admin']] as const) await createUser(sql, { username, role, password: null, createdBy: 'first start' });
  });
}, 120_000);

afterAll(() => closeFleetTestConsole(fleetConsole, targets), 120_000);

describe('the representative target', () => {
  it('is the one whose applied change sets most targets share; ties go to the first by name; unreadable targets stand for nothing', () => {
    expect(chooseRepresentative([
      { name: 't3', applied: ['a'], pending: ['b'] },
      { name: 't1', applied: [], pending: ['a', 'b'] },
      { name: 't2', applied: ['a'], pending: ['b'] },
      { name: 't0', applied: null, pending: [] },
    ])).toMatchObject({ name: 't2', like: 2, of: 3, unreadable: 1, why: 't2, like 2 of 3 targets with change sets pending (1 change set applied); 1 could not be read' });
    // Two groups of two: the group whose first name comes first wins, and its first member stands for it.
    expect(chooseRepresentative([
      { name: 'd', applied: ['a'], pending: ['b'] },
      { name: 'b', applied: [], pending: ['a', 'b'] },
      { name: 'c', applied: ['a'], pending: ['b'] },
      { name: 'e', applied: [], pending: ['a', 'b'] },
    ])?.name).toBe('b');
    expect(chooseRepresentative([{ name: 'x', applied: null, pending: [] }])).toBeNull();
  });

  it('is chosen among the targets the rollout changes: most are at the head, the most common of the others stands for them', () => {
    const head = ['a', 'b', 'c'];
    const fleet = [
      ...['h1', 'h2', 'h3', 'h4'].map((name) => ({ name, applied: head, pending: [] })),
      { name: 'p1', applied: ['a'], pending: ['b', 'c'] },
      { name: 'p2', applied: ['a', 'b'], pending: ['c'] },
      { name: 'p3', applied: ['a', 'b'], pending: ['c'] },
    ];
    expect(chooseRepresentative(fleet)).toMatchObject({ name: 'p2', like: 2, of: 3, amongPending: true, why: 'p2, like 2 of 3 targets with change sets pending (2 change sets applied); 4 already there' });
    // Up to b: only p1 has anything to run.
    expect(chooseRepresentative(fleet, new Set(['a', 'b']))).toMatchObject({ name: 'p1', like: 1, of: 1 });
    // Nothing pending anywhere: the most common of all.
    expect(chooseRepresentative(fleet.slice(0, 4))).toMatchObject({ name: 'h1', like: 4, of: 4, amongPending: false, why: 'h1, like 4 of 4 targets (3 change sets applied)' });
  });
});

describe('a protected fleet rollout request', () => {
  it('filed by an operator with the dry run on the representative, approved by another admin, executed once: every target at the head, the rollout carrying the request', async () => {
    const { request, dryRun } = await fileRolloutRequest(checks(projectAB), { waves: '1,100%', concurrency: 2, reason: 'ship b to the shops' }, olga);
    expect(request).toMatchObject({ kind: 'rollout', environment: 'shops', status: 'pending', requestedBy: 'olga' });
    expect(dryRun.representative).toMatchObject({ name: targets[1]!.name, like: 3, of: 4 });
    expect(dryRun.representative.why).toBe(`${targets[1]!.name}, like 3 of 4 targets with change sets pending (1 change set applied)`);
    // Protected: only the shadow ran, and it ran b (the representative's one pending change set).
    expect(dryRun.onTarget).toBeNull();
    expect(dryRun.result.mode).toBe('shadow');
    expect(dryRun.result.changeSets.map((c) => [c.tag, c.status])).toEqual([['0001_b', 'ok']]);
    expect(dryRun.pendingTargets).toBe(4);
    expect(request.plan.map((p) => p.tag)).toEqual(['0000_a', '0001_b', 'fleet targets (4)']);
    expect((request.dryRun as { rollout: { representative: string } }).rollout.representative).toBe(targets[1]!.name);
    // Nothing was written to any target by filing.
    for (const t of targets.slice(1)) expect(await appliedTags(t)).toEqual(['0000_a']);

    // Not approved yet: refused, nothing started.
    expect((await refusal(executeRolloutRequest(checks(projectAB), request.id, olga))).message).toMatch(/is not approved yet/);
    expect(await rolloutsOf(request.id)).toHaveLength(0);

    expect((await approve(request.id, adam)).status).toBe('approved');
    const { rollout, request: executed } = await executeRolloutRequest(checks(projectAB), request.id, olga);
    expect(rollout).toMatchObject({ fleet: 'shops', request: request.id, actor: 'olga', concurrency: 2 });
    expect(executed).toMatchObject({ status: 'executed', executedBy: 'olga', result: { rollout: rollout.id, fleet: 'shops', targets: 4 } });
    // Once: a second execution finds it executed.
    expect((await refusal(executeRolloutRequest(checks(projectAB), request.id, eve))).message).toMatch(/was already executed/);

    const final = await finish(rollout.id);
    expect(final.rollout.state).toBe('succeeded');
    for (const t of targets) expect(await appliedTags(t)).toEqual(['0000_a', '0001_b']);
    // Each target's history names the approved request.
    const [row] = await targets[0]!.sql`select reason from strata.change_log where tag = '0001_b'`;
    expect(String(row!.reason)).toMatch(new RegExp(`rollout ${rollout.id} of fleet shops, approved request #${request.id}`));
    // Audited: the filing, the approval, and the start naming the request.
    const audit = await consoleSql(config)`select action, target, outcome from console.audit_log where environment = 'shops' and outcome = 'ok' order by id`;
    expect(audit.map((a) => a.action)).toEqual(['request', 'approve', 'rollout']);
    expect(audit[2]!.target).toBe(`request #${request.id}`);
  }, 180_000);

  it('the filer cannot approve their own request; an unprotected fleet takes no request; a reason is required — nothing changes', async () => {
    const { request } = await fileRolloutRequest(checks(projectABC), { reason: 'c for everyone' }, adam);
    const own = await refusal(approve(request.id, adam));
    expect(own.code).toBe('FORBIDDEN');
    expect(own.message).toMatch(/cannot approve your own request/);
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))?.status).toBe('pending');
    const open = await refusal(fileRolloutRequest(checks(projectABC, { ...fleet, protection: 'guarded' }), { reason: 'x' }, olga));
    expect(open.message).toMatch(/is guarded: requests are for protected fleets/);
    expect((await refusal(fileRolloutRequest(checks(projectABC), { reason: '  ' }, olga))).message).toMatch(/Say why/);
    // Another fleet's executor cannot reach it by id.
    expect((await refusal(executeRolloutRequest(checks(projectABC, { ...fleet, name: 'other' }), request.id, olga))).code).toBe('NOT_FOUND');
  }, 120_000);

  it('a new head since the approval: refused, the request failed for good, nothing started', async () => {
    const { request } = await fileRolloutRequest(checks(projectABC), { reason: 'c' }, olga);
    await approve(request.id, eve);
    const changed = await refusal(executeRolloutRequest(checks(projectABCD), request.id, olga));
    expect(changed.code).toBe('PLAN_CHANGED');
    expect(changed.message).toMatch(/the project changed since it was approved: 0003_d was added to the plan/);
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))?.status).toBe('failed');
    expect(await rolloutsOf(request.id)).toHaveLength(0);
    for (const t of targets) expect(await appliedTags(t)).toEqual(['0000_a', '0001_b']);
  }, 120_000);

  it('a target that left the fleet since the filing: refused, naming it', async () => {
    const { request } = await fileRolloutRequest(checks(projectABC), { reason: 'c' }, olga);
    await approve(request.id, eve);
    const smaller: Fleet = { ...fleet, source: { kind: 'urls', urls: targets.slice(0, 3).map((t) => t.url) } };
    const changed = await refusal(executeRolloutRequest(checks(projectABC, smaller), request.id, olga));
    expect(changed.message).toMatch(new RegExp(`the fleet's targets changed \\(left: ${targets[3]!.name}\\)`));
    expect((await withConsole(config, (sql) => getRequest(sql, request.id)))?.status).toBe('failed');
    expect(await rolloutsOf(request.id)).toHaveLength(0);
  }, 120_000);

  it('an expired approval is refused', async () => {
    const { request } = await fileRolloutRequest(checks(projectABC), { reason: 'c' }, olga);
    await approve(request.id, eve);
    await consoleSql(config)`update console.change_requests set expires_at = now() - interval '1 minute' where id = ${request.id}`;
    expect((await refusal(executeRolloutRequest(checks(projectABC), request.id, olga))).message).toMatch(/expired/);
    expect(await rolloutsOf(request.id)).toHaveLength(0);
  }, 120_000);

  it('two executions at once: one starts the rollout, the other is refused; while it is unfinished another approved request is refused LOCKED and stays approved', async () => {
    const first = await fileRolloutRequest(checks(projectABC), { reason: 'c, first' }, olga);
    const second = await fileRolloutRequest(checks(projectABC), { reason: 'c, second' }, olga);
    await approve(first.request.id, eve);
    await approve(second.request.id, adam);
    const both = await Promise.allSettled([executeRolloutRequest(checks(projectABC), first.request.id, olga), executeRolloutRequest(checks(projectABC), first.request.id, eve)]);
    const won = both.filter((r) => r.status === 'fulfilled');
    const lost = both.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(String(lost[0]!.reason.message)).toMatch(/already (executed|executing)|not approved|unfinished rollout/);
    expect(await rolloutsOf(first.request.id)).toHaveLength(1);
    const running = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof executeRolloutRequest>>>).value.rollout;
    await pauseRollout(consoleSql(config), running.id);

    const locked = await refusal(executeRolloutRequest(checks(projectABC), second.request.id, olga));
    expect(locked.code).toBe('LOCKED');
    expect((await withConsole(config, (sql) => getRequest(sql, second.request.id)))?.status).toBe('approved');
    expect(await rolloutsOf(second.request.id)).toHaveLength(0);

    await consoleSql(config)`update console.rollouts set state = 'running' where id = ${running.id}`;
    const final = await finish(running.id);
    expect(final.rollout.state).toBe('succeeded');
    for (const t of targets) expect(await appliedTags(t)).toEqual(['0000_a', '0001_b', '0002_c']);
  }, 180_000);
});

describe('strata rollout on a protected fleet', () => {
  it('refuses a direct rollout naming the way; --dry-run names the representative; --reason files, another admin approves, --request N runs it once to the head', async () => {
    const refused = await cli('rollout', '--env', 'shops', '--dir', projectABCD);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/is protected: its rollout runs only from an approved two-person request; nothing was started.*--reason WHY.*--request N/s);

    const dry = await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`on a representative target: ${targets[0]!.name}, like 4 of 4 targets with change sets pending \\(3 change sets applied\\)`));
    expect(dry.stdout).toMatch(/Not in a transaction on .*: the fleet is protected/);
    for (const t of targets) expect(await appliedTags(t)).toEqual(['0000_a', '0001_b', '0002_c']);

    const filed = await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--reason', 'd for the shops', '--waves', '2,100%');
    expect(filed.code).toBe(0);
    const id = Number(/Request #(\d+) filed for fleet shops/.exec(filed.stdout)?.[1]);
    expect(id).toBeGreaterThan(0);
    expect(filed.stdout).toMatch(/Roll out to 4 targets up to the head, waves 2,100%/);
    // The approval covers the options as filed: none may be given again.
    expect((await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--request', String(id))).stderr).toMatch(/is not approved yet/);
    await approve(id, adam);
    expect((await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--request', String(id), '--waves', '100%')).stderr).toMatch(/runs the approved rollout as it is/);
    const ran = await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--request', String(id));
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(new RegExp(`Rollout \\d+ of fleet shops: succeeded .*approved request #${id}\\)`));
    for (const t of targets) expect(await appliedTags(t)).toEqual(['0000_a', '0001_b', '0002_c', '0003_d']);
    expect((await cli('rollout', '--env', 'shops', '--dir', projectABCD, '--request', String(id))).stderr).toMatch(/was already executed/);
  }, 180_000);
});
