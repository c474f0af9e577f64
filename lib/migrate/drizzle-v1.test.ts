import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { lintProject } from '../lint/lint-project';
import { verifyProject } from '../verify/round-trip';
import { copyMigrations, runDrizzleKitV1 } from '../../test/support/drizzle-kit-v1';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { readTarget } from './read-status';

/**
 * A drizzle-kit 1.0 project (test/fixtures/drizzle-v1, made by its generate.sh with the aliased
 * devDependency drizzle-kit-v1) run by Strata and by drizzle-kit 1.0's own `migrate` command,
 * taking turns on one database.
 */
const FIXTURE = path.resolve('test/fixtures/drizzle-v1');
const FOLDERS = ['20261206195512_authors', '20261206195514_books', '20261206195516_author_bio'];

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('dv1');
});
afterEach(async () => {
  await db.drop();
});

/**
 * drizzle-kit 1.0's own `migrate` command (its CLI, from a scratch copy of the project). Its SQL
 * names public tables unqualified, and the test server's role is called `strata`, whose default
 * search_path ("$user", public) would put them in Strata's bookkeeping schema once it exists —
 * so drizzle-kit connects with search_path=public, as a deployment running it as a role named
 * strata must (Strata's own runs drop its schemas from the path: user-search-path.ts).
 */
function drizzleKitMigrate(folders: string[]): void {
  const url = `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c search_path=public')}`;
  const result = runDrizzleKitV1(copyMigrations(FIXTURE, folders), ['migrate'], { url });
  if (result.status !== 0) throw new Error(`drizzle-kit migrate exited ${result.status}: ${result.output}`);
}

async function tables(): Promise<string[]> {
  return (await db.sql`select tablename from pg_tables where schemaname = 'public' order by 1`).map((r) => String(r.tablename));
}

async function authorColumns(): Promise<string[]> {
  return (await db.sql`select column_name from information_schema.columns where table_schema = 'public' and table_name = 'authors' order by ordinal_position`).map((r) => String(r.column_name));
}

async function drizzleNames(): Promise<Array<string | null>> {
  return (await db.sql`select name from drizzle.__drizzle_migrations order by created_at`).map((r) => (r.name === null ? null : String(r.name)));
}

describe('a drizzle-kit 1.0 project (folder per migration)', () => {
  it('is read in folder order with drizzle-orm 1.0\'s created_at, name, and rollback.sql beside migration.sql', () => {
    const project = readProject(FIXTURE);
    expect(project.layout).toBe('folders');
    expect(project.changeSets.map((c) => [c.version, c.tag, c.drizzleName, c.when, c.rollback?.file])).toEqual([
      [0, FOLDERS[0], FOLDERS[0], Date.UTC(2026, 11, 6, 19, 55, 12), 'migrations/20261206195512_authors/rollback.sql'],
      [1, FOLDERS[1], FOLDERS[1], Date.UTC(2026, 11, 6, 19, 55, 14), 'migrations/20261206195514_books/rollback.sql'],
      [2, FOLDERS[2], FOLDERS[2], Date.UTC(2026, 11, 6, 19, 55, 16), 'migrations/20261206195516_author_bio/rollback.sql'],
    ]);
    expect(project.changeSets[0]!.forward.file).toBe('migrations/20261206195512_authors/migration.sql');
    expect(project.changeSets[0]!.snapshotFile).toBe('migrations/20261206195512_authors/snapshot.json');
  });

  it('refuses two migration folders of the same second, naming both', () => {
    const dir = copyMigrations(FIXTURE, FOLDERS.slice(0, 2));
    fs.cpSync(path.join(dir, 'migrations', FOLDERS[1]!), path.join(dir, 'migrations', '20261206195514_other'), { recursive: true });
    expect(() => readProject(dir)).toThrow(/20261206195514_books and 20261206195514_other have the same timestamp/);
  });

  it('applies, rolls back and re-applies with Strata, keeping drizzle\'s table as drizzle-orm 1.0 reads it', async () => {
    const project = readProject(FIXTURE);
    const applied = await applyChangeSets(testContext(db.url), project);
    expect(applied.records.map((r) => r.tag)).toEqual(FOLDERS);
    expect(await tables()).toEqual(['authors', 'books']);
    expect(await authorColumns()).toEqual(['id', 'name', 'bio']);
    await rollbackChangeSets(testContext(db.url), project, { steps: 2 });
    expect(await tables()).toEqual(['authors']);
    expect(await authorColumns()).toEqual(['id', 'name']);
    expect(await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`).toEqual([{ n: 1 }]);
    // drizzle-kit 1.0 now applies exactly the two Strata rolled back.
    drizzleKitMigrate(FOLDERS);
    expect(await tables()).toEqual(['authors', 'books']);
    expect(await authorColumns()).toEqual(['id', 'name', 'bio']);
    expect(await drizzleNames()).toEqual(FOLDERS);
  });

  it('drizzle-kit 1.0 migrate first, then Strata: Strata adopts what drizzle applied and applies nothing twice', async () => {
    drizzleKitMigrate(FOLDERS.slice(0, 2));
    expect(await drizzleNames()).toEqual(FOLDERS.slice(0, 2));
    const project = readProject(FIXTURE);
    const before = await readTarget(db.url, project);
    expect(before.status.changeSets.map((c) => [c.state, c.appliedByDrizzleOnly])).toEqual([
      ['applied', true],
      ['applied', true],
      ['pending', false],
    ]);
    const result = await applyChangeSets(testContext(db.url), project);
    expect(result.records.map((r) => r.tag)).toEqual([FOLDERS[2]]);
    const { history } = await readTarget(db.url, project);
    expect(history.map((h) => [h.tag, h.operation])).toEqual([
      [FOLDERS[0], 'adopt'],
      [FOLDERS[1], 'adopt'],
      [FOLDERS[2], 'apply'],
    ]);
    // Strata wrote its row in drizzle-orm 1.0's shape: with the folder's name.
    expect(await drizzleNames()).toEqual(FOLDERS);
    // And drizzle-kit 1.0 again finds nothing to do (a rerun would fail on "already exists").
    drizzleKitMigrate(FOLDERS);
    expect(await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`).toEqual([{ n: 3 }]);
  });

  it('Strata first, then drizzle-kit 1.0 migrate: drizzle upgrades its table, names Strata\'s rows and applies only the rest', async () => {
    await applyChangeSets(testContext(db.url), readProject(FIXTURE), { to: FOLDERS[1] });
    // Strata created drizzle's table in the 0.x shape (no name column), which drizzle-orm 1.0 upgrades itself.
    expect(await drizzleNames().catch((e: Error) => e.message)).toMatch(/column "name" does not exist/);
    drizzleKitMigrate(FOLDERS);
    expect(await authorColumns()).toEqual(['id', 'name', 'bio']);
    expect(await drizzleNames()).toEqual(FOLDERS);
    const { status } = await readTarget(db.url, readProject(FIXTURE));
    expect(status.changeSets.map((c) => [c.state, c.appliedByDrizzleOnly])).toEqual([
      ['applied', false],
      ['applied', false],
      ['applied', true],
    ]);
    // Strata, next, adopts the third and applies nothing.
    const again = await applyChangeSets(testContext(db.url), readProject(FIXTURE));
    expect(again.records).toEqual([]);
    expect(await drizzleNames()).toEqual(FOLDERS);
  });

  it("runs the checks.sql in a migration's folder, and a failing one stops that migration", async () => {
    const dir = copyMigrations(FIXTURE, FOLDERS);
    fs.writeFileSync(path.join(dir, 'migrations', FOLDERS[1]!, 'checks.sql'), '-- books start empty\nselect 1 as always;\n');
    const result = await applyChangeSets(testContext(db.url), readProject(dir));
    expect(result.records.map((r) => [r.tag, r.status])).toEqual([[FOLDERS[0], 'applied'], [FOLDERS[1], 'failed']]);
    expect(result.failed!.error!.message).toBe(`check migrations/${FOLDERS[1]}/checks.sql:2 "books start empty" failed: it returned 1 row, and must return none`);
    expect(await tables()).toEqual(['authors']);
  });

  it('lints: rollback.sql counts as the rollback file, and a missing one is named where it belongs', async () => {
    const report = await lintProject(readProject(FIXTURE));
    expect(report.errors).toBe(0);
    const dir = copyMigrations(FIXTURE, FOLDERS.slice(0, 3));
    fs.rmSync(path.join(dir, 'migrations', FOLDERS[2]!, 'rollback.sql'));
    const missing = await lintProject(readProject(dir));
    const messages = missing.changeSets.flatMap((c) => c.findings.map((f) => f.message));
    expect(messages).toContain(`${FOLDERS[2]} has no rollback file (migrations/${FOLDERS[2]}/rollback.sql)`);
  });

  it('verifies: every migration round-trips on a shadow database', async () => {
    const report = await verifyProject(inject('pgAdminUrl'), readProject(FIXTURE));
    expect(report.changeSets.map((c) => [c.tag, c.verdict])).toEqual(FOLDERS.map((f) => [f, 'ok']));
    expect(report.ok).toBe(true);
  });
});
