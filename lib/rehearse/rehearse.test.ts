import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { readProject } from '../changesets/project';
import { connect, type Sql } from '../db/client';
import { isStrataError } from '../errors';
import { introspect } from '../introspect/introspect';
import { applyChangeSets } from '../migrate/apply';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import type { TablePolicy } from '../retention/types';
import { rehearse } from './rehearse';

const scratchServerUrl = () => inject('pgAdminUrl');

/** People with e-mails (PII), their orders, then a change set that retypes orders.amount (a rewrite) and one that copies what the copy holds into a table we read. */
const project = () =>
  readProject(
    writeFixtureProject([
      {
        name: 'people',
        up: `create schema app;
create table app.people (id int primary key, email text not null unique, nickname text, born date not null);
create table app.orders (id int generated always as identity primary key, person_id int not null references app.people (id), amount int not null);`,
      },
      { name: 'retype_amount', up: `alter table app.orders alter column amount type bigint;` },
      { name: 'peek', up: `create table app.seen as select email, nickname, born from app.people;` },
    ]),
  );

const POLICIES: TablePolicy[] = [
  { table: 'app.people', basis: 'indefinite', retentionDays: null, timestampColumn: null, classification: ['PII'], columns: { email: ['PII'], nickname: ['PII'], born: ['PII'] } },
];

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('reh');
});
afterEach(async () => {
  await db.drop();
});

async function scratchDatabases(): Promise<string[]> {
  const admin = connect(scratchServerUrl(), { max: 1 });
  try {
    return (await admin`select datname from pg_database where datname like 'strata_shadow_%'`).map((r) => String(r.datname));
  } finally {
    await admin.end();
  }
}

async function rowsOf(sql: Sql): Promise<unknown> {
  return {
    people: await sql`select * from app.people order by id`,
    orders: await sql`select * from app.orders order by id`,
  };
}

describe('rehearse', () => {
  it('runs a table rewrite on a masked copy: ACCESS EXCLUSIVE held > 0, rewritten; the target unchanged; no scratch left', async () => {
    const p = project();
    expect((await applyChangeSets(testContext(db.url), p, { to: '0000_people' })).failed).toBeNull();
    await db.sql.unsafe(`insert into app.people select g, 'person' || g || '@example.com', 'nick' || g, date '1990-01-01' + g from generate_series(1, 2000) g;
      insert into app.orders (person_id, amount) select 1 + g % 2000, g from generate_series(1, 20000) g;`);
    const catalogBefore = await introspect(db.sql);
    const rowsBefore = await rowsOf(db.sql);
    const leftBefore = await scratchDatabases();

    const report = await rehearse(testContext(db.url), p, {}, { scratchServerUrl: scratchServerUrl(), policies: POLICIES });
    console.log(JSON.stringify(report, null, 2));
    expect(report.changeSets.map((c) => c.status)).toEqual(['ok', 'ok']);
  });
});
