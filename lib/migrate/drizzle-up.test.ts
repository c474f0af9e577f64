import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readProject, sha256, upgradedFolderName, type ChangeSet, type Project } from '../changesets/project';
import { isStrataError } from '../errors';
import { lintProject } from '../lint/lint-project';
import { cli } from '../../test/support/cli-runner';
import { copyMigrations, runDrizzleKitV1 } from '../../test/support/drizzle-kit-v1';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { rollbackChangeSets } from './rollback';
import { readTarget } from './read-status';
import { bookkeepingEntry, type DrizzleRow, type HistoryEntry } from './history-store';
import { computeTargetStatus } from './target-state';
import { assertNoBlockers } from './target-session';

/**
 * Upgrading a Strata-managed 0.x project with drizzle-kit 1.0's `drizzle-kit up`: `0003_x.sql`
 * becomes `<second of its journal when>_x/migration.sql`, and the history written under the
 * old tags must still count (lib/migrate/upgraded-tags.ts).
 */

const SQL = 'create table t (id int);\n';
const SECOND = Date.UTC(2024, 11, 6, 15, 36, 40); // 20241206153640
const FOLDER = '20241206153640_init';

function folderProject(sql = SQL, folder = FOLDER): Project {
  const changeSet: ChangeSet = {
    version: 0,
    tag: folder,
    when: SECOND,
    drizzleName: folder,
    forward: { file: `migrations/${folder}/migration.sql`, text: sql, checksum: sha256(sql), noTransaction: false },
    rollback: null,
  };
  return { dir: '/nowhere', changeSets: [changeSet], layout: 'folders' };
}

function historyRow(tag: string, status: 'applied' | 'rolled_back', checksum = sha256(SQL), id = 1): HistoryEntry {
  return { id, ...bookkeepingEntry({ version: 0, tag, operation: 'baseline', status, checksum, actor: 'test', environment: null, reason: 'test' }) };
}

function drizzleRow(createdAt: number, name: string | null = null, hash = sha256(SQL)): DrizzleRow {
  return { id: 1, hash, createdAt, name };
}

describe('history written before drizzle-kit up', () => {
  it('counts for the folder of the same second and checksum: applied, not pending, with its old tag named', () => {
    // The reviewer's repro: history tag 0000_init, drizzle's row at the journal's millisecond.
    const status = computeTargetStatus(folderProject(), [historyRow('0000_init', 'applied')], [drizzleRow(SECOND + 123)]);
    expect(status.changeSets.map((c) => [c.changeSet.tag, c.state, c.formerTags])).toEqual([[FOLDER, 'applied', ['0000_init']]]);
    expect(status.unknownTags).toEqual([]);
    expect(() => assertNoBlockers(status)).not.toThrow();
  });

  it('still counts once drizzle-orm 1.0 has named the row, and once Strata wrote rows under the new tag', () => {
    const history = [historyRow('0000_init', 'applied'), { ...historyRow(FOLDER, 'rolled_back', sha256(SQL), 2) }];
    const status = computeTargetStatus(folderProject(), history, []);
    expect(status.changeSets.map((c) => [c.state, c.formerTags])).toEqual([['pending', ['0000_init']]]);
    expect(status.unknownTags).toEqual([]);
    const named = computeTargetStatus(folderProject(), [historyRow('0000_init', 'applied')], [drizzleRow(SECOND + 123, FOLDER)]);
    expect(named.changeSets[0]!.state).toBe('applied');
  });

  it('a rolled-back old tag (no drizzle row) is matched by the name drizzle-kit up gives it', () => {
    const status = computeTargetStatus(folderProject(), [historyRow('0000_init', 'rolled_back')], []);
    expect(status.changeSets.map((c) => [c.state, c.formerTags])).toEqual([['pending', ['0000_init']]]);
    expect(status.unknownTags).toEqual([]);
    expect(() => assertNoBlockers(status)).not.toThrow();
  });

  it('is not matched when the SQL differs, or neither the second nor the name fits; then planning is refused, naming both', () => {
    const edited = computeTargetStatus(folderProject('create table t (id bigint);\n'), [historyRow('0000_init', 'applied')], [drizzleRow(SECOND + 123)]);
    expect(edited.unknownTags).toEqual(['0000_init']);
    const elsewhere = computeTargetStatus(folderProject(SQL, '20241206153640_other'), [historyRow('0000_init', 'applied')], [drizzleRow(SECOND + 5_000)]);
    expect(elsewhere.unknownTags).toEqual(['0000_init']);
    expect(elsewhere.changeSets[0]!.state).toBe('pending');
    let error: unknown;
    try {
      assertNoBlockers(elsewhere);
    } catch (e) {
      error = e;
    }
    expect(isStrataError(error, 'INVALID_STATE')).toBe(true);
    expect((error as Error).message).toMatch(/history has change sets this project does not: 0000_init; and 20241206153640_other is not recorded as applied/);
    expect((error as Error).message).toMatch(/strata baseline --to/);
    // With nothing pending an unknown tag is only history: nothing is refused.
    expect(() => assertNoBlockers(computeTargetStatus(folderProject(), [historyRow('0000_gone', 'rolled_back'), historyRow(FOLDER, 'applied', sha256(SQL), 2)], []))).not.toThrow();
  });

  it('drizzle rows are matched by created_at only when they have no name: a row named otherwise is another migration', () => {
    expect(computeTargetStatus(folderProject(), [], [drizzleRow(SECOND + 123)]).changeSets[0]!.appliedByDrizzleOnly).toBe(true);
    expect(computeTargetStatus(folderProject(), [], [drizzleRow(SECOND, '20241206153640_other')]).changeSets[0]!.state).toBe('pending');
    const journal: Project = { ...folderProject(), layout: 'journal' };
    journal.changeSets[0] = { ...journal.changeSets[0]!, tag: '0000_init', drizzleName: undefined, when: SECOND + 123 };
    expect(computeTargetStatus(journal, [], [drizzleRow(SECOND + 123, '20241206153640_other')]).changeSets[0]!.state).toBe('pending');
    expect(computeTargetStatus(journal, [], [drizzleRow(SECOND + 123)]).changeSets[0]!.state).toBe('applied');
    // The name drizzle-orm 1.0 will expect once drizzle-kit up has run counts as its own.
    expect(computeTargetStatus(journal, [], [drizzleRow(SECOND + 123, FOLDER)]).changeSets[0]!.state).toBe('applied');
  });

  it('names the folder as drizzle-kit up does', () => {
    expect(upgradedFolderName('0000_init', SECOND + 123)).toBe(FOLDER);
    expect(upgradedFolderName('0003_dataservice_phase1', Date.UTC(2026, 10, 22, 5, 52, 28, 999))).toBe('20261122055228_dataservice_phase1');
  });
});

describe('a project folder holding both layouts', () => {
  it('is refused, naming both and saying to finish drizzle-kit up', () => {
    const dir = zeroXProject(1);
    fs.mkdirSync(path.join(dir, 'migrations', '20261122055132_platform_core'));
    fs.copyFileSync(path.join(dir, 'migrations', '0000_platform_core.sql'), path.join(dir, 'migrations', '20261122055132_platform_core', 'migration.sql'));
    expect(() => readProject(dir)).toThrow(/holds both drizzle-kit 0\.x's journal .*_journal\.json\) and drizzle-kit 1\.0's migration folders \(20261122055132_platform_core\)\. Finish the upgrade: run `drizzle-kit up`/);
  });
});

describe('lint in the folder layout: files drizzle-kit up left in rollback/ and checks/', () => {
  it('names the git mv for each, or says the folder already has one, or that no folder fits; checks/ files are not reported twice', async () => {
    const dir = copyMigrations(path.resolve('test/fixtures/drizzle-v1'), ['20261206195512_authors', '20261206195514_books']);
    fs.mkdirSync(path.join(dir, 'checks'));
    fs.mkdirSync(path.join(dir, 'rollback'));
    fs.writeFileSync(path.join(dir, 'checks', '0001_books.sql'), '-- books have titles\nselect id from books where title is null;\n');
    fs.writeFileSync(path.join(dir, 'rollback', '0000_authors.sql'), 'drop table authors;\n');
    fs.writeFileSync(path.join(dir, 'rollback', '0007_gone.sql'), 'select 1;\n');
    const report = await lintProject(readProject(dir));
    expect(report.projectFindings!.map((f) => [f.ruleId, f.file, f.message.split('; ')[1]])).toEqual([
      ['file-left-by-upgrade', 'rollback/0000_authors.sql', 'migrations/20261206195512_authors/rollback.sql exists already: compare the two, keep one there and delete rollback/0000_authors.sql'],
      ['file-left-by-upgrade', 'rollback/0007_gone.sql', "no migration folder is named <timestamp>_gone: move it into its migration's folder as rollback.sql, or delete it"],
      ['file-left-by-upgrade', 'checks/0001_books.sql', 'move it: git mv checks/0001_books.sql migrations/20261206195514_books/checks.sql'],
    ]);
  });
});

const DEMO = path.resolve('drizzle/demo');

/** The demo's first `count` change sets as a drizzle-kit 0.x project (journal, snapshots, Strata's rollback/ and checks/). */
function zeroXProject(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-up-'));
  const journal = JSON.parse(fs.readFileSync(path.join(DEMO, 'migrations/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, count);
  fs.mkdirSync(path.join(dir, 'migrations/meta'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'rollback'));
  fs.writeFileSync(path.join(dir, 'migrations/meta/_journal.json'), JSON.stringify(journal, null, 2));
  for (const { tag } of journal.entries) {
    fs.copyFileSync(path.join(DEMO, 'migrations', `${tag}.sql`), path.join(dir, 'migrations', `${tag}.sql`));
    fs.copyFileSync(path.join(DEMO, 'migrations/meta', `${tag.slice(0, 4)}_snapshot.json`), path.join(dir, 'migrations/meta', `${tag.slice(0, 4)}_snapshot.json`));
    fs.copyFileSync(path.join(DEMO, 'rollback', `${tag}.sql`), path.join(dir, 'rollback', `${tag}.sql`));
  }
  return dir;
}

/** drizzle-kit 1.0's `up` on a copy of the project folder (as a team would run it on a branch). */
function drizzleKitUp(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-upped-'));
  fs.cpSync(dir, copy, { recursive: true });
  const result = runDrizzleKitV1(copy, ['up']);
  if (result.status !== 0) throw new Error(`drizzle-kit up exited ${result.status}: ${result.output}`);
  return copy;
}

describe('a 0.x project applied by Strata, then upgraded by the real drizzle-kit up', () => {
  let db: ScratchDatabase;
  beforeEach(async () => {
    db = await createScratchDatabase('dup');
  });
  afterEach(async () => {
    await db.drop();
  });

  /** drizzle-kit 1.0's own `migrate` on `dir` (search_path=public, as drizzle-v1.test.ts explains). */
  function drizzleKitMigrate(dir: string): string {
    const url = `${db.url}${db.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c search_path=public')}`;
    const result = runDrizzleKitV1(dir, ['migrate'], { url });
    if (result.status !== 0) throw new Error(`drizzle-kit migrate exited ${result.status}: ${result.output}`);
    return result.output;
  }

  async function drizzleTable(): Promise<Array<{ created_at: string; name: string | null }>> {
    const hasName = (await db.sql`select 1 from information_schema.columns where table_schema = 'drizzle' and table_name = '__drizzle_migrations' and column_name = 'name'`).length > 0;
    const rows = hasName
      ? await db.sql`select created_at::text, name from drizzle.__drizzle_migrations order by created_at`
      : await db.sql`select created_at::text, null as name from drizzle.__drizzle_migrations order by created_at`;
    return rows.map((r) => ({ created_at: String(r.created_at), name: r.name === null ? null : String(r.name) }));
  }

  it('shows nothing pending, applies nothing, rolls back with the moved rollback files, and drizzle-kit 1.0 migrate applies nothing', async () => {
    const zeroX = zeroXProject(3);
    const before = readProject(zeroX);
    expect((await applyChangeSets(testContext(db.url), before)).records).toHaveLength(3);
    expect((await drizzleTable()).map((r) => Number(r.created_at) % 1000 !== 0)).toContain(true); // the journal's milliseconds

    const upped = drizzleKitUp(zeroX);
    expect(fs.existsSync(path.join(upped, 'migrations/meta'))).toBe(false);
    const after = readProject(upped);
    expect(after.layout).toBe('folders');
    const folders = before.changeSets.map((c) => upgradedFolderName(c.tag, c.when));
    expect(after.changeSets.map((c) => c.tag)).toEqual(folders);

    const { status } = await readTarget(db.url, after);
    expect(status.changeSets.map((c) => [c.changeSet.tag, c.state, c.formerTags])).toEqual(
      before.changeSets.map((c, i) => [folders[i], 'applied', [c.tag]]),
    );
    expect(status.unknownTags).toEqual([]);
    expect((await applyChangeSets(testContext(db.url), after)).records).toEqual([]);

    // drizzle-kit up left Strata's rollback/ behind: lint says where each file goes.
    const leftovers = (await lintProject(after)).projectFindings!.filter((f) => f.ruleId === 'file-left-by-upgrade');
    expect(leftovers.map((f) => f.message)).toEqual(
      before.changeSets.map((c, i) => `rollback/${c.tag}.sql is not read in drizzle-kit 1.0's folder layout (drizzle-kit up left it behind); move it: git mv rollback/${c.tag}.sql migrations/${folders[i]}/rollback.sql`),
    );
    for (const [i, c] of before.changeSets.entries()) fs.renameSync(path.join(upped, 'rollback', `${c.tag}.sql`), path.join(upped, 'migrations', folders[i]!, 'rollback.sql'));
    const moved = readProject(upped);
    expect((await lintProject(moved)).projectFindings!.filter((f) => f.ruleId === 'file-left-by-upgrade')).toEqual([]);

    // A rollback of a change set applied before the upgrade removes drizzle's row of the journal's millisecond.
    expect((await rollbackChangeSets(testContext(db.url), moved, { steps: 1 })).records.map((r) => r.tag)).toEqual([folders[2]]);
    expect(await drizzleTable()).toHaveLength(2);
    expect((await applyChangeSets(testContext(db.url), moved)).records.map((r) => r.tag)).toEqual([folders[2]]);

    // drizzle-kit 1.0's migrate upgrades its table, matching every row, and runs nothing
    // (running the first folder again would fail: its schema exists).
    drizzleKitMigrate(upped);
    expect((await drizzleTable()).map((r) => r.name)).toEqual(folders);
    const again = await readTarget(db.url, moved);
    expect(again.status.counts).toMatchObject({ applied: 3, pending: 0 });
    expect(again.status.unknownTags).toEqual([]);
    expect((await applyChangeSets(testContext(db.url), moved)).records).toEqual([]);
  });

  it('refuses to apply when an old tag matches no folder (one renamed to another second), changing nothing; baseline is the way out', async () => {
    const zeroX = zeroXProject(2);
    await applyChangeSets(testContext(db.url), readProject(zeroX));
    const upped = drizzleKitUp(zeroX);
    const project = readProject(upped);
    // migration.sql edited after the upgrade: drizzle's row of its second says it was applied with other SQL.
    const sqlFile = path.join(upped, project.changeSets[1]!.forward.file);
    const original = fs.readFileSync(sqlFile, 'utf8');
    fs.appendFileSync(sqlFile, '\n-- reviewed\n');
    expect((await readTarget(db.url, readProject(upped))).status.changeSets[1]!.state).toBe('checksum_mismatch');
    fs.writeFileSync(sqlFile, original);
    // Renamed to a later second by hand: nothing ties the old tag to it any more.
    const folder = project.changeSets[1]!.tag;
    fs.renameSync(path.join(upped, 'migrations', folder), path.join(upped, 'migrations', `${folder.slice(0, 12)}59${folder.slice(14)}`));
    const edited = readProject(upped);
    const historyBefore = (await readTarget(db.url, edited)).history.length;
    const drizzleBefore = await drizzleTable();
    await expect(applyChangeSets(testContext(db.url), edited)).rejects.toThrow(
      new RegExp(`history has change sets this project does not: ${readProject(zeroX).changeSets[1]!.tag}; and ${edited.changeSets[1]!.tag} is not recorded as applied`),
    );
    await expect(rollbackChangeSets(testContext(db.url), edited, { steps: 1 })).rejects.toThrow(/history has change sets this project does not/);
    expect((await readTarget(db.url, edited)).history).toHaveLength(historyBefore);
    expect(await drizzleTable()).toEqual(drizzleBefore);

    const { baselineChangeSets } = await import('./bookkeeping-ops');
    expect(await baselineChangeSets(testContext(db.url), edited, { reason: 'renamed after drizzle-kit up; checked in place' })).toEqual([edited.changeSets[1]!.tag]);
    expect((await readTarget(db.url, edited)).status.counts).toMatchObject({ applied: 2, pending: 0 });
    expect((await applyChangeSets(testContext(db.url), edited)).records).toEqual([]);
  });

  it('through the CLI: status and history name the old tags, apply runs nothing, lint names each git mv', async () => {
    const zeroX = zeroXProject(2);
    const before = readProject(zeroX);
    expect((await cli('apply', '--database-url', db.url, '--dir', zeroX)).code).toBe(0);
    const upped = drizzleKitUp(zeroX);
    const folders = before.changeSets.map((c) => upgradedFolderName(c.tag, c.when));
    const target = ['--database-url', db.url, '--dir', upped];
    const status = await cli('status', ...target);
    expect(status.stdout).toMatch(/2 applied, 0 pending/);
    for (const [i, c] of before.changeSets.entries()) expect(status.stdout).toContain(`${folders[i]} (was ${c.tag})`);
    expect(status.stdout).not.toMatch(/does not have/);
    expect((await cli('history', ...target)).stdout).toContain(`${before.changeSets[0]!.tag} (now ${folders[0]})`);
    const apply = await cli('apply', ...target);
    expect(apply.code).toBe(0);
    expect((await readTarget(db.url, readProject(upped))).history).toHaveLength(2);
    const lint = await cli('lint', '--dir', upped);
    expect(lint.code).toBe(1);
    expect(lint.stdout).toContain(`git mv rollback/${before.changeSets[1]!.tag}.sql migrations/${folders[1]}/rollback.sql`);
  });

  it('a 0.x project meeting drizzle-orm 1.0\'s table writes the name drizzle-kit up will give, so drizzle-kit 1.0 migrate runs nothing after the upgrade', async () => {
    // drizzle's table already has 1.0's columns (drizzle-orm 1.0 ran here from an upgraded branch).
    await db.sql.unsafe(`create schema drizzle;
      create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint, name text, applied_at timestamptz default now())`);
    const zeroX = zeroXProject(2);
    const before = readProject(zeroX);
    await applyChangeSets(testContext(db.url), before);
    const folders = before.changeSets.map((c) => upgradedFolderName(c.tag, c.when));
    expect((await drizzleTable()).map((r) => r.name)).toEqual(folders);
    // Strata's own status of the journal project reads them as applied.
    expect((await readTarget(db.url, before)).status.counts).toMatchObject({ applied: 2, pending: 0 });

    const upped = drizzleKitUp(zeroX);
    drizzleKitMigrate(upped);
    expect(await drizzleTable()).toHaveLength(2);
    expect((await readTarget(db.url, readProject(upped))).status.counts).toMatchObject({ applied: 2, pending: 0 });
  });
});
