import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleSql } from '../auth/console-db';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { closeFleetTestConsole, makeFleetFile, openFleetTestConsole, type FleetTestConsole } from '../../test/support/fleet-test-console';
import type { ScratchDatabase } from '../../test/support/scratch-database';
import { fleetFromFile } from './resolve-fleet';
import { readFleetRollouts } from './rollout-history';
import { runRollout } from './rollout-run';
import { parseWaves } from './rollout-waves';
import { fleetRolloutsSchema } from '../console/api-schemas';

/**
 * The fleet page's view of rollouts, from rollouts made by the real runner on three real
 * databases (one prepared to fail): per-wave counts by target state, the failed target
 * with its error, the stop reason, newest first, one fleet's rollouts only.
 */
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let fleetConsole: FleetTestConsole;
const dbs: ScratchDatabase[] = [];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rollout-history-'));

const project = writeFixtureProject([
  { name: 'a', up: 'create table public.t_a (id int primary key);', down: 'drop table public.t_a;' },
  { name: 'b', up: 'create table public.t_b (id int primary key);', down: 'drop table public.t_b;' },
]);

const makeFleet = (prefix: string, count: number) => makeFleetFile(tmp, prefix, count, dbs);

beforeAll(async () => {
  fleetConsole = await openFleetTestConsole({ label: 'rollout-history', database: 'rhconsole', projectDir: project });
  ({ consoleDb, config } = fleetConsole);
}, 120_000);

afterAll(() => closeFleetTestConsole(fleetConsole, dbs), 120_000);

describe('readFleetRollouts', () => {
  it('answers a fleet’s rollouts newest first with per-wave counts, the failed target and its error, and nothing of another fleet', async () => {
    const sql = consoleSql(config);
    const { file, targets } = await makeFleet('rh', 3);
    const other = await makeFleet('rx', 1);
    const fleet = fleetFromFile(file);
    expect(await readFleetRollouts(sql, fleet.name)).toEqual([]);

    // Waves 1,100%: rh0 | rh1 rh2. rh2 already has t_b, so 0001_b fails there.
    const broken = targets[2]!;
    await broken.sql`create table public.t_b (id int)`;
    const base = { fleet, fleetFile: file, project: readProject(project), waves: parseWaves('1,100%'), concurrency: 2, maxFailures: 0 };
    const first = await runRollout(config, { ...base, toTag: null, actor: 'alice' }, { slots: 2, onEvent: () => undefined });
    expect(first.rollout.state).toBe('failed');
    // Then to the first tag, which every target has: skipped at the head, but rh2's failed change set still blocks it.
    const second = await runRollout(config, { ...base, toTag: '0000_a', actor: 'bob' }, { slots: 2, onEvent: () => undefined });
    expect(second.rollout.state).toBe('failed');
    await runRollout(config, { ...base, fleet: fleetFromFile(other.file), fleetFile: other.file, toTag: null, actor: 'carol' }, { slots: 1, onEvent: () => undefined });

    const rollouts = await readFleetRollouts(sql, fleet.name);
    // What the door sends is checked against the API's schema.
    expect(fleetRolloutsSchema.parse(rollouts)).toEqual(rollouts);
    expect(rollouts.map((r) => [r.id, r.state, r.actor, r.toTag])).toEqual([
      [second.rollout.id, 'failed', 'bob', '0000_a'],
      [first.rollout.id, 'failed', 'alice', null],
    ]);
    const [latest, older] = rollouts;
    const zero = { waiting: 0, running: 0, succeeded: 0, failed: 0, 'skipped-at-head': 0 };
    expect(latest!.waves).toEqual([
      { ...zero, wave: 1, total: 1, 'skipped-at-head': 1 },
      { ...zero, wave: 2, total: 2, 'skipped-at-head': 1, failed: 1 },
    ]);
    expect(latest).toMatchObject({ error: `1 target failed: ${broken.name}`, failedCount: 1, failedTargets: [{ name: broken.name, wave: 2 }] });
    expect(latest!.failedTargets[0]!.error).toMatch(/^BLOCKED_BY_FAILURE: 0001_b failed/);
    expect(latest!.finishedAt).not.toBeNull();

    expect(older!.waves).toEqual([
      { ...zero, wave: 1, total: 1, succeeded: 1 },
      { ...zero, wave: 2, total: 2, succeeded: 1, failed: 1 },
    ]);
    expect(older!.failedCount).toBe(1);
    expect(older!.failedTargets).toHaveLength(1);
    expect(older!.failedTargets[0]).toMatchObject({ name: broken.name, wave: 2 });
    expect(older!.failedTargets[0]!.error).toMatch(/0001_b failed: relation "t_b" already exists/);
    expect(older!.error).toMatch(new RegExp(`1 target failed: ${broken.name}`));
    expect(older!.error).not.toMatch(/postgres(ql)?:\/\//);

    expect((await readFleetRollouts(sql, fleet.name, 1)).map((r) => r.id)).toEqual([second.rollout.id]);
    expect((await readFleetRollouts(sql, fleetFromFile(other.file).name)).map((r) => r.actor)).toEqual(['carol']);
  }, 180_000);
});
