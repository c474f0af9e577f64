import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { connect } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { applyChangeSets } from '../migrate/apply';
import { nameTargets } from '../fleet/fleet-targets';
import type { Fleet } from '../fleet/types';
import { createScratchDatabase, withTestAdmin, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { cli } from '../../test/support/cli-runner';
import { readFleetStatus } from './fleet-status';

/**
 * `strata status --env FLEET` on real databases: 9 targets at the head, 2 pending, 1 failed,
 * 1 that does not exist (unreachable); each read with one connection, a few at a time.
 */
const adminUrl = inject('pgAdminUrl');
let dir: string;
let project: Project;
let head: ScratchDatabase[];
let pending: ScratchDatabase[];
let failed: ScratchDatabase;
let missingUrl: string;
let all: ScratchDatabase[];
const prefix = `fs${process.pid}`;

beforeAll(async () => {
  dir = writeFixtureProject([
    { name: 'a', up: 'create table a (id int);' },
    { name: 'b', up: 'create table b (id int);' },
    { name: 'c', up: 'create table c (id int);' },
  ]);
  project = readProject(dir);
  head = await Promise.all(Array.from({ length: 9 }, () => createScratchDatabase(prefix)));
  pending = await Promise.all(Array.from({ length: 2 }, () => createScratchDatabase(prefix)));
  failed = await createScratchDatabase(prefix);
  all = [...head, ...pending, failed];
  for (const db of head) await applyChangeSets(testContext(db.url), project);
  for (const db of pending) await applyChangeSets(testContext(db.url), project, { to: '0000_a' });
  // c already exists there, so 0002_c fails: the target is blocked until someone resolves it.
  await failed.sql`create table c (id int)`;
  await applyChangeSets(testContext(failed.url), project);
  missingUrl = withDatabase(adminUrl, `${prefix}_never_made`);
  for (const db of all) await db.sql.end();
});

afterAll(async () => {
  await Promise.all(all.map((db) => db.drop()));
});

const fleetOf = (urls: string[]): Fleet => ({ name: 'shops', protection: 'guarded', source: { kind: 'urls', urls } });

describe('fleet status', () => {
  it('counts the targets at the head, pending, failed and unreachable, and names those not at the head', async () => {
    const fleet = fleetOf([...all.map((d) => d.url), missingUrl]);
    const report = await readFleetStatus(fleet, nameTargets('shops', fleet.source.kind === 'urls' ? fleet.source.urls : []), project);
    expect(report.counts).toEqual({ 'at-head': 9, pending: 2, failed: 1, 'out-of-order': 0, unreachable: 1 });
    expect(report.head).toBe('0002_c');
    const byName = new Map(report.targets.map((t) => [t.target, t]));
    expect(byName.get(pending[0]!.name)).toMatchObject({ state: 'pending', schemaVersion: '0000_a', pending: 2 });
    expect(byName.get(failed.name)).toMatchObject({ state: 'failed', schemaVersion: '0001_b', blocked: 1 });
    expect(byName.get(`${prefix}_never_made`)).toMatchObject({ state: 'unreachable', error: expect.stringContaining('does not exist') });
    expect(JSON.stringify(report)).not.toContain('postgres://');
  });

  it('reads a few targets at a time, one connection each, and leaves none open', async () => {
    // Every target's history is locked, so each read waits with its connection open: the
    // number of readers connected at once is the limit, however long they wait.
    const lockers = await Promise.all(all.map(async (db) => {
      const sql = connect(db.url, { max: 1 });
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const locked = new Promise<void>((ready) => {
        void sql.begin(async (tx) => {
          await tx`lock table strata.change_log in access exclusive mode`;
          ready();
          await held;
        });
      });
      await locked;
      return { sql, release };
    }));
    const reading = readFleetStatus(fleetOf(all.map((d) => d.url)), nameTargets('shops', all.map((d) => d.url)), project, 3);
    const readers = () => withTestAdmin(async (sql) => Number((await sql`select count(*)::int as n from pg_stat_activity where application_name = 'strata:read' and datname like ${`${prefix}%`}`)[0]!.n));
    let connectedAtOnce: number;
    try {
      let seen = 0;
      for (let i = 0; i < 100 && seen < 3; i++) {
        seen = await readers();
        if (seen < 3) await new Promise((r) => setTimeout(r, 50));
      }
      // A reader beyond the limit would connect at once: give it the time to show up.
      await new Promise((r) => setTimeout(r, 500));
      connectedAtOnce = await readers();
    } finally {
      for (const l of lockers) l.release();
    }
    const report = await reading;
    await Promise.all(lockers.map((l) => l.sql.end()));
    expect(connectedAtOnce).toBe(3);
    expect(report.targets).toHaveLength(all.length);
    expect(await readers()).toBe(0);
  });

  it('through the CLI: --env FLEET (discovery) and --fleet-file, text and --json; apply --env FLEET is refused', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      STRATA_ENVIRONMENTS: 'shops',
      STRATA_ENV_SHOPS_URL: adminUrl,
      STRATA_ENV_SHOPS_DISCOVER_DATABASES: `${prefix}\\_%`,
      STRATA_ENV_SHOPS_PROTECTION: 'guarded',
      STRATA_CONSOLE_DATABASE_URL: withDatabase(adminUrl, 'postgres'),
    });
    try {
      const text = await cli('status', '--env', 'shops', '--dir', dir);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain('shops (fleet, guarded): 12 targets, head 0002_c; 9 at head, 2 pending, 1 failed, 0 out of order, 0 unreachable');
      expect(text.stdout).toContain('Not at the head:');
      expect(text.stdout).toMatch(new RegExp(`${failed.name}\\s+failed\\s+0001_b`));
      expect(text.stdout).not.toContain(head[0]!.name);
      const json = await cli('status', '--env', 'shops', '--dir', dir, '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ fleet: 'shops', counts: { 'at-head': 9, pending: 2, failed: 1 } });

      const apply = await cli('apply', '--env', 'shops', '--dir', dir);
      expect(apply.code).toBe(2);
      expect(apply.stderr).toContain('"shops" is a fleet, not a single environment: `strata apply` acts on one database; migrate the fleet with `strata rollout --env shops`');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }

    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fleet-status-')), 'shops.txt');
    fs.writeFileSync(file, [head[0]!.url, missingUrl].join('\n'));
    const bare = await cli('status', '--fleet-file', file, '--dir', dir);
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('shops.txt (fleet, guarded): 2 targets, head 0002_c; 1 at head, 0 pending, 0 failed, 0 out of order, 1 unreachable');
    expect(bare.stdout).not.toContain('postgres://');
    const both = await cli('status', '--fleet-file', file, '--database-url', head[0]!.url, '--dir', dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--database-url names one database, not a fleet');
  });
});
