import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { copyMigrations } from '../../test/support/drizzle-kit-v1';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { lintProject } from '../lint/lint-project';
import { verifyProject } from '../verify/round-trip';
import { draftRollback, writeDraftRollback } from './draft-rollback';
import { DRAFT_ROLLBACK_DIRECTIVE, readProject } from './project';

/** Drafts on copies of the drizzle-kit 1.0 fixture (test/fixtures/drizzle-v1) with their hand-written rollbacks removed. */
const FIXTURE = path.resolve('test/fixtures/drizzle-v1');
const FOLDERS = ['20261206195512_authors', '20261206195514_books', '20261206195516_author_bio'];

function withoutRollbacks(): string {
  const dir = copyMigrations(FIXTURE, FOLDERS);
  for (const folder of FOLDERS) fs.rmSync(path.join(dir, 'migrations', folder, 'rollback.sql'));
  return dir;
}

const strataFindings = async (dir: string) =>
  (await lintProject(readProject(dir))).changeSets.flatMap((c) => c.findings.filter((f) => f.ruleId === 'unreviewed-draft-rollback').map((f) => [f.file, f.severity]));

describe('strata draft-rollback', () => {
  it("drafts drizzle-kit 1.0's SQL from a migration's snapshot back to its parent's, marked as a draft", async () => {
    const project = readProject(withoutRollbacks());
    const bio = await draftRollback(project, FOLDERS[2]!);
    expect(bio.file).toBe(`migrations/${FOLDERS[2]}/rollback.sql`);
    expect(bio.backTo).toBe(FOLDERS[1]);
    expect(bio.statements).toEqual(['ALTER TABLE "authors" DROP COLUMN "bio";']);
    expect(bio.text.split('\n')[0]).toBe(DRAFT_ROLLBACK_DIRECTIVE);
    // The first migration goes back to the empty schema; a timestamp prefix names a migration too.
    const first = await draftRollback(project, '20261206195512');
    expect([first.backTo, first.statements]).toEqual([null, ['DROP TABLE "authors";']]);
  });

  it('lint reports a draft until its draft lines are deleted, and verify round-trips drafts', async () => {
    const dir = withoutRollbacks();
    for (const folder of FOLDERS) writeDraftRollback(readProject(dir), await draftRollback(readProject(dir), folder), false);
    expect(await strataFindings(dir)).toEqual(FOLDERS.map((f) => [`migrations/${f}/rollback.sql`, 'error']));

    const report = await verifyProject(inject('pgAdminUrl'), readProject(dir));
    expect(report.changeSets.map((c) => [c.tag, c.verdict])).toEqual(FOLDERS.map((f) => [f, 'ok']));

    // A person reviews the first draft and deletes its three draft lines.
    const reviewed = path.join(dir, 'migrations', FOLDERS[0]!, 'rollback.sql');
    fs.writeFileSync(reviewed, fs.readFileSync(reviewed, 'utf8').split('\n').slice(3).join('\n'));
    expect(await strataFindings(dir)).toEqual(FOLDERS.slice(1).map((f) => [`migrations/${f}/rollback.sql`, 'error']));
  });

  it('keeps an existing rollback file, and says so, unless told to replace it', async () => {
    const dir = copyMigrations(FIXTURE, FOLDERS);
    const file = path.join(dir, 'migrations', FOLDERS[1]!, 'rollback.sql');
    const before = fs.readFileSync(file, 'utf8');
    const draft = await draftRollback(readProject(dir), FOLDERS[1]!);
    expect(() => writeDraftRollback(readProject(dir), draft, false)).toThrow(`migrations/${FOLDERS[1]}/rollback.sql exists; nothing was written (pass --force to replace it with a draft)`);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    writeDraftRollback(readProject(dir), draft, true);
    expect(fs.readFileSync(file, 'utf8')).toBe(draft.text);
  });

  it('refuses, in words, a migration whose rollback drizzle-kit would have to ask about (a dropped and a created column)', async () => {
    const dir = withoutRollbacks();
    // author_bio as if it had also dropped authors.name: going back creates name and drops bio, a possible rename.
    const snapshotFile = path.join(dir, 'migrations', FOLDERS[2]!, 'snapshot.json');
    const snapshot = JSON.parse(fs.readFileSync(snapshotFile, 'utf8')) as { ddl: Array<{ entityType: string; table?: string; name: string }> };
    snapshot.ddl = snapshot.ddl.filter((e) => !(e.entityType === 'columns' && e.table === 'authors' && e.name === 'name'));
    fs.writeFileSync(snapshotFile, JSON.stringify(snapshot));
    await expect(draftRollback(readProject(dir), FOLDERS[2]!)).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: `${FOLDERS[2]}'s rollback would both drop and create a column (a rename, or one column replaced by another), and drizzle-kit cannot tell which without asking; nothing was written: write its rollback.sql by hand`,
    });
    expect(fs.existsSync(path.join(dir, 'migrations', FOLDERS[2]!, 'rollback.sql'))).toBe(false);
  });

  it('refuses a 0.x journal project and an unknown migration, naming the problem', async () => {
    const journal = readProject(writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);' }]));
    await expect(draftRollback(journal, '0000_a')).rejects.toMatchObject({ code: 'BAD_USAGE', message: expect.stringMatching(/reads drizzle-kit 1\.0 snapshots/) });
    await expect(draftRollback(readProject(FIXTURE), 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
