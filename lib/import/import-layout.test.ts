import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { cli } from '../../test/support/cli-runner';
import { copyMigrations, runDrizzleKitV1 } from '../../test/support/drizzle-kit-v1';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { importMigrations } from './import-migrations';
import { importOutDir, importSource } from '../../test/support/import-source';

/**
 * `strata import --layout journal|folders`: one source, drizzle-kit 0.x's and 1.0's layouts, the
 * same change sets; the folders import applied by Strata is what drizzle-kit 1.0's migrate
 * considers done.
 */

/** Diesel: a zero version (no time), two timestamped, one outside a transaction, one without a down. */
const DIESEL = {
  '00000000000000_diesel_initial_setup/up.sql': 'CREATE FUNCTION noop() RETURNS void LANGUAGE sql AS $$ SELECT $$;',
  '00000000000000_diesel_initial_setup/down.sql': 'DROP FUNCTION noop();',
  '20170708133715_first/up.sql': 'CREATE TABLE a (id int);',
  '20170708133715_first/down.sql': 'DROP TABLE a;',
  '2024-10-25-112826_second/up.sql': 'CREATE TABLE b (id int);',
  '2025-11-19-091444-0000_third/up.sql': 'CREATE INDEX CONCURRENTLY ix_a_id ON a (id);',
  '2025-11-19-091444-0000_third/down.sql': 'DROP INDEX CONCURRENTLY ix_a_id;',
  '2025-11-19-091444-0000_third/metadata.toml': 'run_in_transaction = false\n',
};
const FOLDERS = ['19700101000001_diesel_initial_setup', '20170708133715_first', '20241025112826_second', '20251119091444_third'];

/** What every command runs: the SQL and how, in order (tags differ by layout, by design). */
const runnable = (project: Project) =>
  project.changeSets.map((c) => ({
    forward: c.forward.text,
    forwardNoTransaction: c.forward.noTransaction,
    rollback: c.rollback?.text ?? null,
    rollbackNoTransaction: c.rollback?.noTransaction ?? null,
  }));

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((e: unknown) => e);
  if (!isStrataError(error, 'BAD_USAGE')) throw new Error(`expected BAD_USAGE, got ${String(error)}`);
  return error.message;
}

/** Every file under `dir` with its content, to show a refusal changed nothing. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (fs.statSync(path.join(dir, file)).isFile()) files[file] = fs.readFileSync(path.join(dir, file), 'utf8');
  }
  return files;
}

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('import_layout');
});
afterAll(async () => {
  await db?.drop();
});

describe('import --layout', () => {
  it('folders: drizzle-kit 1.0 folders named from the source times, the same change sets as the journal import', async () => {
    const src = importSource(DIESEL);
    const journal = await importMigrations({ format: 'diesel', src, out: importOutDir() });
    const folders = await importMigrations({ format: 'diesel', src, out: importOutDir(), layout: 'folders' });
    expect(journal.layout).toBe('journal');
    expect(folders.layout).toBe('folders');
    expect(folders.changeSets.map((c) => [c.tag, c.when, c.hasRollback, c.noTransaction])).toEqual([
      [FOLDERS[0], 1000, true, false],
      [FOLDERS[1], Date.UTC(2017, 6, 8, 13, 37, 15), true, false],
      [FOLDERS[2], Date.UTC(2024, 9, 25, 11, 28, 26), false, false],
      [FOLDERS[3], Date.UTC(2025, 10, 19, 9, 14, 44), true, true],
    ]);
    // Same findings either way (the missing down), nothing about the layout.
    expect(folders.flagged).toEqual(journal.flagged);
    expect(Object.keys(tree(folders.out)).sort()).toEqual([
      `migrations/${FOLDERS[0]}/migration.sql`,
      `migrations/${FOLDERS[0]}/rollback.sql`,
      `migrations/${FOLDERS[1]}/migration.sql`,
      `migrations/${FOLDERS[1]}/rollback.sql`,
      `migrations/${FOLDERS[2]}/migration.sql`,
      `migrations/${FOLDERS[3]}/migration.sql`,
      `migrations/${FOLDERS[3]}/rollback.sql`,
    ]);
    const fromFolders = readProject(folders.out);
    const fromJournal = readProject(journal.out);
    expect([fromFolders.layout, fromJournal.layout]).toEqual(['folders', 'journal']);
    expect(fromFolders.changeSets.map((c) => c.drizzleName)).toEqual(FOLDERS);
    expect(runnable(fromFolders)).toEqual(runnable(fromJournal));
    expect(runnable(fromFolders)[3]).toMatchObject({ forwardNoTransaction: true, rollbackNoTransaction: true });
    // Without snapshots, strata check passes both (drizzle-kit 1.0's check skips such folders too), saying so for folders.
    const checked = await cli('check', '--dir', folders.out, '--json');
    expect(checked.code).toBe(0);
    expect(JSON.parse(checked.stdout).problems.map((p: { kind: string; severity: string }) => `${p.kind} ${p.severity}`)).toEqual(FOLDERS.map(() => 'no-snapshot note'));
    expect((await cli('check', '--dir', journal.out)).code).toBe(0);
  });

  it("folders: applied by Strata on PostgreSQL, then drizzle-kit 1.0's migrate finds nothing to apply", async () => {
    const out = (await importMigrations({ format: 'diesel', src: importSource(DIESEL), out: importOutDir(), layout: 'folders' })).out;
    const applied = await applyChangeSets(testContext(db.url), readProject(out));
    expect(applied.failed).toBeNull();
    expect(applied.records.map((r) => r.tag)).toEqual(FOLDERS);
    // drizzle-kit 1.0's own CLI on a copy (it writes drizzle.config.ts and node_modules there). It
    // runs every file in one transaction, so applying anything again fails: "already exists", or
    // CONCURRENTLY inside a transaction.
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c search_path=public')}`;
    const kit = runDrizzleKitV1(copyMigrations(out, FOLDERS), ['migrate'], { url });
    expect(kit.output).not.toMatch(/error/i);
    expect(kit.status).toBe(0);
    const rows = await db.sql`select name, created_at::bigint as created_at from drizzle.__drizzle_migrations order by id`;
    expect(rows.map((r) => [r.name, Number(r.created_at)])).toEqual(FOLDERS.map((f, i) => [f, [1000, Date.UTC(2017, 6, 8, 13, 37, 15), Date.UTC(2024, 9, 25, 11, 28, 26), Date.UTC(2025, 10, 19, 9, 14, 44)][i]]));
  });

  it('keeps the layout of the project already in --out (with --force)', async () => {
    const src = importSource(DIESEL);
    const out = (await importMigrations({ format: 'diesel', src, out: importOutDir(), layout: 'folders' })).out;
    fs.writeFileSync(path.join(out, 'drizzle.config.ts'), 'export default {};\n');
    const again = await importMigrations({ format: 'diesel', src, out, force: true });
    expect(again.layout).toBe('folders');
    expect(fs.readdirSync(out).sort()).toEqual(['drizzle.config.ts', 'migrations']);
    expect(readProject(out).changeSets.map((c) => c.tag)).toEqual(FOLDERS);
  });

  it('refuses an unknown layout, and the other layout into an existing project, writing nothing', async () => {
    const src = importSource(DIESEL);
    const fresh = importOutDir();
    expect(await refusal(importMigrations({ format: 'diesel', src, out: fresh, layout: 'flat' }))).toBe('import: --layout must be journal (drizzle-kit 0.x) or folders (drizzle-kit 1.0) (got "flat")');
    expect(fs.existsSync(fresh)).toBe(false);

    const journalOut = (await importMigrations({ format: 'diesel', src, out: importOutDir() })).out;
    const before = tree(journalOut);
    // Even with --force: replacing migrations/ would change the project's drizzle-kit version under it.
    expect(await refusal(importMigrations({ format: 'diesel', src, out: journalOut, layout: 'folders', force: true }))).toMatch(
      /is a Drizzle project in drizzle-kit 0\.x's layout \(migrations\/meta\/_journal\.json\); --layout folders would mix the two in one folder/,
    );
    expect(tree(journalOut)).toEqual(before);
    const foldersOut = (await importMigrations({ format: 'diesel', src, out: importOutDir(), layout: 'folders' })).out;
    const beforeFolders = tree(foldersOut);
    expect(await refusal(importMigrations({ format: 'diesel', src, out: foldersOut, layout: 'journal', force: true }))).toMatch(/in drizzle-kit 1\.0's layout .*--layout journal would mix/);
    expect(tree(foldersOut)).toEqual(beforeFolders);
    expect(fs.readdirSync(path.dirname(foldersOut)).filter((f) => f.includes('strata-import'))).toEqual([]);
  });

  it('the CLI: --layout folders, its words and --json; a bad layout exits non-zero', async () => {
    const src = importSource(DIESEL);
    const out = importOutDir();
    const result = await cli('import', '--from', 'diesel', src, '--out', out, '--layout', 'folders');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Imported 4 migrations from diesel into .* in drizzle-kit 1\.0's layout \(1 without rollback, 1 outside a transaction, 1 flagged\)\./);
    const json = await cli('import', '--from', 'diesel', src, '--out', importOutDir(), '--layout', 'folders', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ layout: 'folders', changeSets: FOLDERS.map((tag) => ({ tag })) });
    const bad = await cli('import', '--from', 'diesel', src, '--out', importOutDir(), '--layout', 'v1');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--layout must be journal (drizzle-kit 0.x) or folders (drizzle-kit 1.0) (got "v1")');
  });
});
