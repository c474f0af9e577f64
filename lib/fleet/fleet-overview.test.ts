import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, withConsole } from '../auth/console-db';
import { readProject, type Project } from '../changesets/project';
import type { StrataConfig } from '../config/types';
import { withDatabase } from '../db/connection-url';
import { applyChangeSets } from '../migrate/apply';
import { createLogger } from '../observability/logger';
import { externalConfig } from '../../test/support/external-config';
import { tableChangeSet } from '../../test/support/out-of-order-target';
import { editJournal, writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { refreshFleet, targetStateOf, type CheckOptions } from './fleet-overview';
import { fleetCacheSeconds, refreshDone, refreshInProgress, startRefresh } from './fleet-refresher';
import { DEFAULT_FLEET_QUERY, readFleetPage, type FleetQuery } from './fleet-summary';
import { readTargetDetail } from './fleet-target-detail';
import { fleetTargets } from './fleet-targets';
import { forEachLimited } from './limited';
import type { Fleet } from './types';

/*
 * A fleet of six real databases, each in a different state, read by the overview: counts,
 * the matrix's column totals, filters, search, sorting, paging, the cache's freshness and
 * one target's detail.
 */

let consoleDb: ScratchDatabase;
const dbs: Record<string, ScratchDatabase> = {};
let project: Project;
let config: StrataConfig;
let fleet: Fleet;
let options: CheckOptions;
const missingUrl = () => withDatabase(inject('pgAdminUrl'), 'fleet_gone_9d1e');

const quiet = createLogger({ write: () => true } as never);

beforeAll(async () => {
  consoleDb = await createScratchDatabase('fleet_console');
  const dir = writeFixtureProject(['a', 'b', 'c', 'd'].map((n) => tableChangeSet(n)));
  project = readProject(dir);
  for (const name of ['head', 'behind', 'drifted', 'failed', 'ooo']) dbs[name] = await createScratchDatabase(`fleet_${name}`);
  await applyChangeSets(testContext(dbs.head!.url), project);
  await applyChangeSets(testContext(dbs.behind!.url), project, { to: '0000_a' });
  await applyChangeSets(testContext(dbs.drifted!.url), project);
  await dbs.drifted!.sql`create table public.by_hand (id int)`;
  // 0002_c fails there: its table is already in place.
  await dbs.failed!.sql`create table public.c (id int)`;
  await applyChangeSets(testContext(dbs.failed!.url), project).catch(() => undefined);
  // b merged late: the target has a, c and d, and b sits before change sets already applied.
  const withoutB = writeFixtureProject(['a', 'b', 'c', 'd'].map((n) => tableChangeSet(n)));
  editJournal(withoutB, (journal) => void journal.entries.splice(1, 1));
  await applyChangeSets(testContext(dbs.ooo!.url), readProject(withoutB));
  config = externalConfig({ consoleDatabaseUrl: consoleDb.url, shadowServerUrl: inject('pgAdminUrl'), projectDir: dir });
  fleet = { name: 'tenants', protection: 'guarded', source: { kind: 'urls', urls: [...Object.values(dbs).map((d) => d.url), missingUrl()] } };
  config.fleets = [fleet];
  options = { config, fleet, project, logger: quiet, actor: 'tester' };
});

afterAll(async () => {
  await closeConsole(config);
  await Promise.all([consoleDb.drop(), ...Object.values(dbs).map((d) => d.drop())]);
});

const names = async () => (await fleetTargets(fleet)).map((t) => t.name);
const page = async (query: Partial<FleetQuery> = {}) => readFleetPage(config, fleet, project, await names(), { ...DEFAULT_FLEET_QUERY, ...query });
const nameOf = (key: string) => dbs[key]!.name;

describe('the fleet overview', () => {
  it('reads each target once, one state each, and counts them per state and per change set', async () => {
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 6, total: 6 });
    const p = await page({ sort: 'name' });
    expect(p.total).toBe(6);
    expect(p.unchecked).toBe(0);
    expect(p.counts).toEqual({ 'at-head': 1, pending: 1, drifted: 1, failed: 1, 'out-of-order': 1, unreachable: 1 });
    const stateOf = Object.fromEntries(p.targets.map((t) => [t.target, t.state]));
    expect(stateOf).toEqual({
      [nameOf('head')]: 'at-head',
      [nameOf('behind')]: 'pending',
      [nameOf('drifted')]: 'drifted',
      [nameOf('failed')]: 'failed',
      [nameOf('ooo')]: 'out-of-order',
      fleet_gone_9d1e: 'unreachable',
    });
    const gone = p.targets.find((t) => t.target === 'fleet_gone_9d1e')!;
    expect(gone.problem).toMatch(/fleet_gone_9d1e.*does not exist|does not exist/);
    expect(gone.problem).not.toMatch(/postgres:\/\//);
    expect(p.targets.find((t) => t.target === nameOf('drifted'))!.driftChanges).toBe(1);
    expect(p.targets.find((t) => t.target === nameOf('behind'))).toMatchObject({ applied: 1, pending: 3, lastTag: '0000_a', cells: ['applied', 'pending', 'pending', 'pending'] });
    expect(p.targets.find((t) => t.target === nameOf('failed'))).toMatchObject({ cells: ['applied', 'applied', 'failed', 'pending'] });
    expect(p.targets.find((t) => t.target === nameOf('failed'))!.problem).toMatch(/^0002_c failed/);
    // Column totals over the five reachable targets.
    expect(p.targets.find((t) => t.target === nameOf('ooo'))).toMatchObject({ cells: ['applied', 'out_of_order', 'applied', 'applied'] });
    expect(p.matrix['0000_a']).toEqual({ applied: 5 });
    expect(p.matrix['0001_b']).toEqual({ applied: 3, pending: 1, out_of_order: 1 });
    expect(p.matrix['0002_c']).toEqual({ applied: 3, pending: 1, failed: 1 });
    expect(p.matrix['0003_d']).toEqual({ applied: 3, pending: 2 });
  });

  it('filters by state, searches names (wildcards and quotes are plain text), sorts and pages on the server', async () => {
    expect((await page({ state: 'failed' })).targets.map((t) => t.target)).toEqual([nameOf('failed')]);
    expect((await page({ state: 'out-of-order' })).targets.map((t) => t.target)).toEqual([nameOf('ooo')]);
    expect((await page({ search: 'BEHIND' })).targets.map((t) => t.target)).toEqual([nameOf('behind')]);
    // Unescaped, `h%d` would match fleet_head and `fl_et` every target.
    expect((await page({ search: 'h%d' })).matched).toBe(0);
    expect((await page({ search: 'fl_et' })).matched).toBe(0);
    expect((await page({ search: "x' or '1'='1" })).matched).toBe(0);
    expect((await page({ search: "'; drop table console.fleet_targets; --" })).matched).toBe(0);
    expect((await page()).matched).toBe(6);
    // By state: the most urgent first.
    expect((await page({ sort: 'state' })).targets.map((t) => t.state)).toEqual(['failed', 'out-of-order', 'drifted', 'pending', 'at-head', 'unreachable']);
    expect((await page({ sort: 'pending', order: 'desc', limit: 1 })).targets.map((t) => t.target)).toEqual([nameOf('behind')]);
    const all = (await page({ sort: 'name' })).targets.map((t) => t.target);
    const second = await page({ sort: 'name', limit: 2, offset: 2 });
    expect(second.targets.map((t) => t.target)).toEqual(all.slice(2, 4));
    expect(second.matched).toBe(6);
    expect((await page({ sort: 'name', order: 'desc' })).targets.map((t) => t.target)).toEqual([...all].reverse());
  });

  it('serves fresh rows from the cache, reads stale ones again, and forgets targets the fleet no longer has', async () => {
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 0, total: 6 });
    await applyChangeSets(testContext(dbs.behind!.url), project);
    // Still fresh: the cache says pending until the row is old enough or a refresh is forced.
    expect((await page({ search: 'behind' })).targets[0]!.state).toBe('pending');
    expect(await refreshFleet(options, { maxAgeSeconds: 60, force: true })).toEqual({ checked: 6, total: 6 });
    expect((await page({ search: 'behind' })).targets[0]!.state).toBe('at-head');

    const smaller: Fleet = { ...fleet, source: { kind: 'urls', urls: [dbs.head!.url, dbs.failed!.url] } };
    expect(await refreshFleet({ ...options, fleet: smaller }, { maxAgeSeconds: 60 })).toEqual({ checked: 0, total: 2 });
    const rows = await withConsole(config, (sql) => sql`select target from console.fleet_targets where fleet = 'tenants' order by target`);
    expect(rows.map((r) => r.target)).toEqual([nameOf('failed'), nameOf('head')].sort());
  });

  it('counts a target read for another version of the project as unchecked until it is read again', async () => {
    const dir = writeFixtureProject(['a', 'b', 'c', 'd', 'e'].map((n) => tableChangeSet(n)));
    const newer = readProject(dir);
    const p = await readFleetPage(config, fleet, newer, await names(), DEFAULT_FLEET_QUERY);
    expect(p.unchecked).toBe(6);
    expect(p.targets).toEqual([]);
    expect(await refreshFleet({ ...options, project: newer }, { maxAgeSeconds: 60 })).toEqual({ checked: 6, total: 6 });
    const after = await readFleetPage(config, fleet, newer, await names(), DEFAULT_FLEET_QUERY);
    // e is pending everywhere: the two targets that were at the head are now pending; the others keep their more urgent state.
    expect(after.counts).toMatchObject({ pending: 2, 'at-head': 0, drifted: 1, failed: 1, 'out-of-order': 1, unreachable: 1 });
  });

  it("shows one target's history, pending change sets and drift, and writes its row back", async () => {
    const target = (await fleetTargets(fleet)).find((t) => t.name === nameOf('drifted'))!;
    const detail = await readTargetDetail(target, options);
    expect(detail.overview.state).toBe('drifted');
    expect(detail.history.map((h) => h.tag)).toEqual(['0003_d', '0002_c', '0001_b', '0000_a']);
    expect(detail.drift!.changes).toEqual([{ kind: 'table', action: 'added', name: 'public.by_hand', table: 'public.by_hand' }]);
    expect(JSON.stringify(detail)).not.toContain('postgres://');
    const behind = await readTargetDetail((await fleetTargets(fleet)).find((t) => t.name === nameOf('failed'))!, options);
    expect(behind.changeSets.filter((c) => c.state !== 'applied').map((c) => [c.tag, c.state])).toEqual([
      ['0002_c', 'failed'],
      ['0003_d', 'pending'],
    ]);
  });
});

describe('the fleet overview, kept fresh', () => {
  it('reads a row again once it is older than the cache allows', async () => {
    await refreshFleet(options, { maxAgeSeconds: 60, force: true });
    await withConsole(config, (sql) => sql`update console.fleet_targets set checked_at = now() - interval '61 seconds' where target = ${nameOf('head')}`);
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 1, total: 6 });
  });

  it('reads a row again, however young, once a rollout of its fleet has changed its target since', async () => {
    await refreshFleet(options, { maxAgeSeconds: 60, force: true });
    const targetRow = (name: string, state: string) => withConsole(config, async (sql) => {
      const [r] = await sql`
        insert into console.rollouts (fleet, fleet_file, project_dir, to_tag, waves, concurrency, max_failures, actor, driver, state)
        values ('tenants', null, ${config.projectDir}, null, '[]'::jsonb, 1, 0, 'tester', null, 'succeeded') returning id`;
      await sql`insert into console.rollout_targets (rollout, name, wave, state, finished_at) values (${r!.id}, ${name}, 1, ${state}, now() + interval '1 second')`;
      return Number(r!.id);
    });
    // A target the rollout found at its head changed nothing: its row stays fresh.
    const skipped = await targetRow(nameOf('head'), 'skipped-at-head');
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 0, total: 6 });
    await withConsole(config, (sql) => sql`delete from console.rollouts where id = ${skipped}`);
    const applied = await targetRow(nameOf('behind'), 'succeeded');
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 1, total: 6 });
    // Read after the rollout's end: fresh again.
    await withConsole(config, (sql) => sql`update console.rollout_targets set finished_at = now() - interval '1 second' where rollout = ${applied}`);
    expect(await refreshFleet(options, { maxAgeSeconds: 60 })).toEqual({ checked: 0, total: 6 });
    await withConsole(config, (sql) => sql`delete from console.rollouts where id = ${applied}`);
  });

  it('runs one refresh per fleet at a time, whoever asks, reports its progress, and reports none when nothing is stale', async () => {
    await Promise.all([startRefresh(options, true), startRefresh(options, true)]);
    // Known by now: every target is being read, by one refresh.
    expect(refreshInProgress('tenants')).toMatchObject({ total: 6 });
    await refreshDone('tenants');
    expect(refreshInProgress('tenants')).toBeNull();
    const rows = await withConsole(config, (sql) => sql`select count(*)::int as n, min(checked_at) > now() - interval '30 seconds' as fresh from console.fleet_targets where fleet = 'tenants'`);
    expect(rows[0]).toEqual({ n: 6, fresh: true });
    // Everything fresh: a page view's refresh is over before its answer is made.
    await startRefresh(options);
    expect(refreshInProgress('tenants')).toBeNull();
  });

  it('takes its freshness from STRATA_FLEET_CACHE_SECONDS, refusing anything but a whole number of seconds', () => {
    expect(fleetCacheSeconds({})).toBe(120);
    expect(fleetCacheSeconds({ STRATA_FLEET_CACHE_SECONDS: '15' })).toBe(15);
    for (const bad of ['0', '-1', '1.5', 'soon']) expect(() => fleetCacheSeconds({ STRATA_FLEET_CACHE_SECONDS: bad })).toThrow(/STRATA_FLEET_CACHE_SECONDS must be a whole number/);
  });
});

describe('a target\'s state', () => {
  const status = (counts: Partial<Record<string, number>>) =>
    ({ counts: { applied: 0, pending: 0, out_of_order: 0, failed: 0, interrupted: 0, checksum_mismatch: 0, skipped: 0, ...counts } }) as never;
  it('is the most urgent of what its change sets and drift say', () => {
    expect(targetStateOf(status({ failed: 1, out_of_order: 1, pending: 1 }), 3)).toBe('failed');
    expect(targetStateOf(status({ interrupted: 1 }), 0)).toBe('failed');
    expect(targetStateOf(status({ checksum_mismatch: 1 }), 0)).toBe('failed');
    expect(targetStateOf(status({ out_of_order: 1, pending: 1 }), 2)).toBe('out-of-order');
    expect(targetStateOf(status({ pending: 2 }), 1)).toBe('drifted');
    expect(targetStateOf(status({ pending: 2 }), null)).toBe('pending');
    expect(targetStateOf(status({ applied: 3, skipped: 1 }), 0)).toBe('at-head');
  });
});

describe('forEachLimited', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited(
      Array.from({ length: 40 }, (_, i) => i),
      8,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setImmediate(r));
        seen.push(i);
        running--;
      },
    );
    expect(most).toBe(8);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('rejects with the first error after the started work settles', async () => {
    let settled = 0;
    await expect(
      forEachLimited([1, 2, 3], 3, async (i) => {
        await new Promise((r) => setImmediate(r));
        settled++;
        if (i === 2) throw new Error('two');
      }),
    ).rejects.toThrow('two');
    expect(settled).toBe(3);
  });
});
