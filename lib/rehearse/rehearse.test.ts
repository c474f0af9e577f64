import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import type { TablePolicy } from '../retention/types';
import { rehearse } from './rehearse';

const scratchServerUrl = () => inject('pgAdminUrl');
/** A server nobody listens on: a rehearsal refused before it touches the scratch server says so instead of CONNECTION_FAILED. */
const NO_SERVER = 'postgres://nobody:nothing@127.0.0.1:1/postgres';

/**
 * People (e-mail, nickname, birth date: PII), their orders, and a whole-table secret keyed by
 * the person. Pending on the target: a rewrite of orders.amount, a sort that spills to temp
 * files, and a change set that writes what the copy holds to a file on the server — read
 * after the scratch database is gone, it shows exactly what left the target.
 */
function fixture(dumpFile: string, extra: Array<{ name: string; up: string }> = []): Project {
  return readProject(
    writeFixtureProject([
      {
        name: 'people',
        up: `create schema app;
create table app.people (id int primary key, email text not null unique, nickname text, born date not null);
create table app.orders (id int generated always as identity primary key, person_id int not null references app.people (id), amount int not null);
create index on app.orders (person_id);
create table app.secrets (person_id int primary key references app.people (id), token text not null);`,
      },
      { name: 'retype_amount', up: `alter table app.orders alter column amount type bigint;` },
      { name: 'sorted', up: `set local work_mem = '64kB';\ncreate table app.sorted as select * from app.orders order by amount desc;` },
      {
        name: 'dump',
        up: `copy (select p.id, p.email, p.nickname, p.born, (select count(*) from app.orders o where o.person_id = p.id) as orders,
  (select s.token from app.secrets s where s.person_id = p.id) as token from app.people p) to '${dumpFile}' with (format csv);`,
      },
      ...extra,
    ]),
  );
}

const POLICIES: TablePolicy[] = [
  { table: 'app.people', basis: 'indefinite', retentionDays: null, timestampColumn: null, classification: ['PII'], columns: { email: ['PII'], nickname: ['PII'], born: ['PII'] } },
  // No column tags: every column of the table is secret (as checks mask), its key included.
  { table: 'app.secrets', basis: 'indefinite', retentionDays: null, timestampColumn: null, classification: ['secret'] },
];

let db: ScratchDatabase;
let dumpFile: string;
beforeEach(async () => {
  db = await createScratchDatabase('reh');
  dumpFile = path.join(os.tmpdir(), `strata-rehearse-${randomBytes(5).toString('hex')}.csv`);
});
afterEach(async () => {
  await db.drop();
  fs.rmSync(dumpFile, { force: true });
});

async function withData(project: Project): Promise<void> {
  expect((await applyChangeSets(testContext(db.url), project, { to: '0000_people' })).failed).toBeNull();
  await db.sql.unsafe(`
    insert into app.people select g, 'person' || g || '@example.com', 'nick' || g, date '1990-01-01' + g from generate_series(1, 2000) g;
    insert into app.orders (person_id, amount) select 1 + g % 2000, g from generate_series(1, 20000) g;
    insert into app.secrets select g, 'token-' || g from generate_series(1, 500) g;`);
}

async function scratchDatabases(): Promise<string[]> {
  const admin = connect(scratchServerUrl(), { max: 1 });
  try {
    return (await admin`select datname from pg_database where datname like 'strata_shadow_%' order by 1`).map((r) => String(r.datname));
  } finally {
    await admin.end();
  }
}

/** The target as a rehearsal must leave it: catalog, every row, Strata's history. */
async function targetState(sql: Sql): Promise<unknown> {
  return {
    catalog: await catalogFingerprint(sql),
    people: await sql`select * from app.people order by id`,
    orders: await sql`select * from app.orders order by id`,
    secrets: await sql`select * from app.secrets order by person_id`,
    history: await sql`select count(*)::int as n from strata.change_log`,
  };
}

function readDump(): Array<{ id: string; email: string; nickname: string; born: string; orders: number; token: string }> {
  return fs
    .readFileSync(dumpFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [id, email, nickname, born, orders, token] = line.split(',');
      return { id: id!, email: email!, nickname: nickname!, born: born!, orders: Number(orders), token: token! };
    });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('rehearse', () => {
  it('runs the plan on a copy: the rewrite holds ACCESS EXCLUSIVE > 0 ms and is reported; temp files counted; the target unchanged; no scratch left', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const before = await targetState(db.sql);
    const phases: string[] = [];

    const report = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: POLICIES, onProgress: (e) => e.type === 'phase' && phases.push(e.label) });

    expect(report.changeSets.map((c) => [c.tag, c.status])).toEqual([
      ['0001_retype_amount', 'ok'],
      ['0002_sorted', 'ok'],
      ['0003_dump', 'ok'],
    ]);
    expect(report.copy.tables.map((t) => [t.table, t.rows])).toEqual([
      ['app.orders', 20000],
      ['app.people', 2000],
      ['app.secrets', 500],
    ]);
    const [retype] = report.changeSets[0]!.statements;
    const exclusive = retype!.locks.find((l) => l.relation === 'app.orders' && l.mode === 'ACCESS EXCLUSIVE');
    expect(exclusive?.heldMs).toBeGreaterThan(0);
    expect(retype!.rewritten).toEqual(['app.orders']);
    expect(retype!.walBytes).toBeGreaterThan(0);
    // Blocking locks lead, longest first; the rewrite is the only one here.
    expect(report.headlines[0]).toMatch(/^ACCESS EXCLUSIVE on app\.orders for \d+ ms; table rewritten/);
    expect(report.headlines.filter((h) => /EXCLUSIVE|SHARE/.test(h))).toHaveLength(1);
    // The sort of 20,000 rows in 64 kB of work_mem spills: PostgreSQL's own count of its temp files.
    const sort = report.changeSets[1]!.statements[1]!;
    expect(sort.rows).toBe(20000);
    expect(sort.tempFiles).toBeGreaterThan(0);
    expect(sort.tempBytes).toBeGreaterThan(0);
    expect(report.changeSets[1]!.statements[1]!.rewritten).toEqual([]);
    expect(report.tempMeasured).toBe(true);
    expect(report.copy.schemaMs).toBeGreaterThan(0);
    expect(report.copy.dataMs).toBeGreaterThan(0);
    expect(report.runMs).toBeGreaterThan(0);
    expect(phases.some((p) => p.startsWith('Copying the rows of 3 tables'))).toBe(true);

    expect(await targetState(db.sql)).toEqual(before);
    // Other test files make shadows of their own meanwhile: this rehearsal's is gone.
    expect(report.scratchDatabase).toMatch(/^strata_shadow_/);
    expect(await scratchDatabases()).not.toContain(report.scratchDatabase);
    expect(report.scratchDropped).toBe(true);
  });

  it('masks classified columns on the way: what the copy held shows no e-mail, nickname, birth date or secret, and every key still matches', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const report = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    expect(report.changeSets.every((c) => c.status === 'ok')).toBe(true);

    const dump = readDump();
    expect(dump).toHaveLength(2000);
    // Hashed (unique): md5 of the real address, never the address.
    expect(new Set(dump.map((r) => r.email))).toEqual(new Set(Array.from({ length: 2000 }, (_, i) => md5(`person${i + 1}@example.com`))));
    // Nullable: nulled; NOT NULL: a constant.
    expect(new Set(dump.map((r) => r.nickname))).toEqual(new Set(['']));
    expect(new Set(dump.map((r) => r.born))).toEqual(new Set(['1970-01-01']));
    const text = fs.readFileSync(dumpFile, 'utf8');
    expect(text).not.toMatch(/example\.com|nick\d|token-/);
    // secrets.person_id is a secret key: hashed, so people.id (and orders.person_id) followed it, and every join still holds.
    expect(dump.map((r) => Number(r.id)).filter((id) => id >= 1 && id <= 2000).length).toBeLessThan(20);
    expect(dump.reduce((sum, r) => sum + r.orders, 0)).toBe(20000);
    expect(dump.filter((r) => r.token !== '')).toHaveLength(500);
    expect(new Set(dump.filter((r) => r.token !== '').map((r) => r.token))).toEqual(new Set(['masked']));
    expect(report.copy.tables.find((t) => t.table === 'app.people')?.masked).toEqual([
      { column: 'id', classification: expect.stringContaining('linked to app.secrets.person_id'), how: 'hashed' },
      { column: 'email', classification: 'PII', how: 'hashed' },
      { column: 'nickname', classification: 'PII', how: 'nulled' },
      { column: 'born', classification: 'PII', how: 'nulled' },
    ]);
  });

  it('--sample copies that fraction of the tables nothing references, and referenced tables whole so foreign keys hold', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const report = await rehearse(testContext(db.url), project, { sample: 0.1 }, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    expect(report.sample).toBe(0.1);
    expect(report.changeSets.every((c) => c.status === 'ok')).toBe(true);
    const rows = Object.fromEntries(report.copy.tables.map((t) => [t.table, t.rows]));
    expect(rows['app.people']).toBe(2000);
    // 10% of 20,000 and of 500, drawn with random(): far from both 0 and all.
    expect(rows['app.orders']).toBeGreaterThan(1000);
    expect(rows['app.orders']).toBeLessThan(3000);
    expect(rows['app.secrets']).toBeGreaterThan(10);
    expect(rows['app.secrets']).toBeLessThan(150);
    expect(readDump().reduce((sum, r) => sum + r.orders, 0)).toBe(rows['app.orders']);
  });

  it('a change set that fails on the copy is reported failed with PostgreSQL’s message; the copy is dropped all the same', async () => {
    const project = fixture(dumpFile, [{ name: 'unique_amount', up: `alter table app.orders add constraint orders_person_unique unique (person_id);` }]);
    await withData(project);
    const before = await targetState(db.sql);
    const report = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    expect(report.changeSets.at(-1)).toMatchObject({ tag: '0004_unique_amount', status: 'failed', error: expect.stringContaining('could not create unique index') });
    expect(await targetState(db.sql)).toEqual(before);
    expect(await scratchDatabases()).not.toContain(report.scratchDatabase);
  });

  it('refuses a bad sample or an unknown tag before anything is copied, and leaves nothing', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const before = await targetState(db.sql);
    for (const sample of [0, 1.5, -0.1, Number.NaN]) {
      const error = await rehearse(testContext(db.url), project, { sample }, { scratchServerUrl: NO_SERVER, policies: POLICIES }).catch((e) => e);
      expect(isStrataError(error, 'BAD_USAGE'), String(error)).toBe(true);
      expect(error.message).toMatch(/sample is a fraction .* above 0 and at most 1/);
    }
    const unknown = await rehearse(testContext(db.url), project, { to: '9999_nope' }, { scratchServerUrl: NO_SERVER, policies: POLICIES }).catch((e) => e);
    expect(isStrataError(unknown, 'NOT_FOUND'), String(unknown)).toBe(true);
    expect(unknown.message).toContain('9999_nope');
    // The same request with a good sample and tag does reach the scratch server: the refusals above came first.
    const reached = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: NO_SERVER, policies: POLICIES }).catch((e) => e);
    expect(isStrataError(reached, 'CONNECTION_FAILED'), String(reached)).toBe(true);
    expect(await targetState(db.sql)).toEqual(before);
    expect(fs.existsSync(dumpFile)).toBe(false);
  });

  it('names the locks on a table an earlier change set of the plan created, and samples a no-transaction statement’s locks', async () => {
    const project = fixture(dumpFile, [
      { name: 'notes', up: `create table app.notes (id int primary key);` },
      { name: 'note_text', up: `alter table app.notes add column body text;` },
      { name: 'amount_index', up: `-- strata:no-transaction\ncreate index concurrently orders_amount on app.orders (amount);` },
    ]);
    await withData(project);
    const report = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    const byTag = Object.fromEntries(report.changeSets.map((c) => [c.tag, c]));
    // Created by the change set itself: nobody else's, left out (as the dry run does).
    expect(byTag['0004_notes']!.statements[0]!.locks).toEqual([]);
    expect(byTag['0005_note_text']!.statements[0]!.locks).toContainEqual(expect.objectContaining({ mode: 'ACCESS EXCLUSIVE', relation: 'app.notes', kind: 'table' }));
    const cic = byTag['0006_amount_index']!;
    expect(cic.noTransaction).toBe(true);
    expect(cic.statements[0]).toMatchObject({ locksSampled: true, locks: [expect.objectContaining({ mode: 'SHARE UPDATE EXCLUSIVE', relation: 'app.orders' })] });
  });

  it('holds a transactional change set’s lock until its commit: statements after the lock count, the probe’s own queries do not', async () => {
    const project = fixture(dumpFile, [{ name: 'note_then_wait', up: `alter table app.orders add column note text;\nselect pg_sleep(0.3);` }]);
    await withData(project);
    const report = await rehearse(testContext(db.url), project, { to: '0004_note_then_wait', sample: 0.01 }, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    const [alter, sleep] = report.changeSets.at(-1)!.statements;
    const lock = alter!.locks.find((l) => l.relation === 'app.orders' && l.mode === 'ACCESS EXCLUSIVE')!;
    expect(sleep!.wallMs).toBeGreaterThanOrEqual(300);
    expect(lock.heldMs).toBeGreaterThanOrEqual(alter!.wallMs + sleep!.wallMs);
  });

  it('two rehearsals of one target at once: each its own copy, both measured, both dropped', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const [a, b] = await Promise.all(
      [0.5, 0.2].map((sample) => rehearse(testContext(db.url), project, { to: '0001_retype_amount', sample }, { scratchServerUrl: scratchServerUrl(), policies: POLICIES })),
    );
    expect(a!.scratchDatabase).not.toBe(b!.scratchDatabase);
    for (const r of [a!, b!]) expect(r.changeSets[0]!.statements[0]!.rewritten).toEqual(['app.orders']);
    const left = await scratchDatabases();
    expect(left).not.toContain(a!.scratchDatabase);
    expect(left).not.toContain(b!.scratchDatabase);
  });

  it('refuses to copy a classified key it cannot hash, naming it; the target unchanged', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const byBirth: TablePolicy[] = [{ ...POLICIES[0]!, columns: undefined, classification: ['PII'] }];
    await db.sql.unsafe('create unique index people_born on app.people (born)');
    const before = await targetState(db.sql);
    const error = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: byBirth }).catch((e) => e);
    expect(isStrataError(error, 'BAD_USAGE'), String(error)).toBe(true);
    expect(error.message).toMatch(/Cannot mask app\.people\.born: .*type date cannot be hashed/);
    expect(await targetState(db.sql)).toEqual(before);
  });

  it('--to stops the rehearsal at that change set', async () => {
    const project = fixture(dumpFile);
    await withData(project);
    const report = await rehearse(testContext(db.url), project, { to: '0001_retype_amount' }, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    expect(report.to).toBe('0001_retype_amount');
    expect(report.changeSets.map((c) => c.tag)).toEqual(['0001_retype_amount']);
    expect(report.copy.tables.map((t) => t.table)).toEqual(['app.orders', 'app.people']);
  });
});

describe('rehearse a partitioned table', () => {
  it('copies a partition the plan names through its root, every partition’s rows', async () => {
    const project = readProject(
      writeFixtureProject([
        {
          name: 'events',
          up: `create schema app;
create table app.events (id int not null, at date not null, n int not null) partition by range (at);
create table app.events_2025 partition of app.events for values from ('2025-01-01') to ('2026-01-01');
create table app.events_2026 partition of app.events for values from ('2026-01-01') to ('2027-01-01');`,
        },
        { name: 'check_2026', up: `alter table app.events_2026 add constraint n_positive check (n > 0);` },
      ]),
    );
    expect((await applyChangeSets(testContext(db.url), project, { to: '0000_events' })).failed).toBeNull();
    await db.sql.unsafe(`insert into app.events select g, date '2025-06-01' + (g % 400), g from generate_series(1, 3000) g`);
    const report = await rehearse(testContext(db.url), project, {}, { scratchServerUrl: scratchServerUrl(), policies: [] });
    expect(report.copy.tables).toEqual([{ table: 'app.events', rows: 3000, masked: [] }]);
    expect(report.changeSets[0]!.statements[0]!.locks).toContainEqual(expect.objectContaining({ mode: 'ACCESS EXCLUSIVE', relation: 'app.events_2026' }));
  });
});
