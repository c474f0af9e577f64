import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { readProject } from '../changesets/project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { readTarget } from './read-status';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('drz');
});
afterEach(async () => {
  await db.drop();
});

const fixture = () =>
  writeFixtureProject([
    { name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' },
    { name: 'b', up: 'create table public.b (id int);', down: 'drop table public.b;' },
    { name: 'c', up: 'create table public.c (id int);', down: 'drop table public.c;' },
  ]);

/** drizzle-orm's own migrator on a project folder. */
async function drizzleMigrate(dir: string): Promise<void> {
  const client = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    await migrate(drizzle(client), { migrationsFolder: path.join(dir, 'migrations') });
  } finally {
    await client.end();
  }
}

async function tables(): Promise<string[]> {
  return (await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`).map((r) => String(r.tablename));
}

describe('drizzle-orm migrate() and Strata on one database', () => {
  it('drizzle first, then Strata: Strata sees drizzle\'s change sets as applied and runs only the rest', async () => {
    const dir = fixture();
    const partial = writeFixtureProject([
      { name: 'a', up: 'create table public.a (id int);' },
      { name: 'b', up: 'create table public.b (id int);' },
    ]);
    await drizzleMigrate(partial);
    const project = readProject(dir);
    const before = await readTarget(db.url, project);
    expect(before.status.changeSets.map((c) => [c.state, c.appliedByDrizzleOnly])).toEqual([
      ['applied', true],
      ['applied', true],
      ['pending', false],
    ]);
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.records.map((r) => r.tag)).toEqual(['0002_c']);
    expect(await tables()).toEqual(['a', 'b', 'c']);
    const { history } = await readTarget(db.url, project);
    expect(history.map((h) => [h.tag, h.operation])).toEqual([
      ['0000_a', 'adopt'],
      ['0001_b', 'adopt'],
      ['0002_c', 'apply'],
    ]);
    // And Strata can roll back what drizzle applied.
    await rollbackChangeSets(testContext(db.url), project, { all: true });
    expect(await tables()).toEqual([]);
  });

  it('Strata first, then drizzle: drizzle runs only what Strata has not', async () => {
    const dir = fixture();
    await applyChangeSets(testContext(db.url), readProject(dir), { to: '0001_b' });
    await drizzleMigrate(dir);
    expect(await tables()).toEqual(['a', 'b', 'c']);
    const rows = await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(rows[0]!.n).toBe(3);
    const { status } = await readTarget(db.url, readProject(dir));
    expect(status.changeSets.map((c) => c.state)).toEqual(['applied', 'applied', 'applied']);
  });

  it('after a Strata rollback, drizzle re-applies the rolled-back change set', async () => {
    const dir = fixture();
    await applyChangeSets(testContext(db.url), readProject(dir));
    await rollbackChangeSets(testContext(db.url), readProject(dir));
    expect(await tables()).toEqual(['a', 'b']);
    await drizzleMigrate(dir);
    expect(await tables()).toEqual(['a', 'b', 'c']);
  });
});
