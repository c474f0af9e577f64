import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyMigrations, runDrizzleKitV1 } from '../../test/support/drizzle-kit-v1';
import { checkMigrationFolders } from './migration-graph';

/**
 * `strata check` against drizzle-kit 1.0's own `check` (the aliased devDependency), on forks
 * made from the drizzle-kit 1.0 fixture's snapshots: a second branch's migration is a copy of
 * a generated one with its parent (`prevIds`) and schema (`ddl`) edited — what a branch that
 * generated from the same parent would have written.
 */
const FIXTURE = path.resolve('test/fixtures/drizzle-v1');
const AUTHORS = '20261206195512_authors';
const BOOKS = '20261206195514_books';
const BIO = '20261206195516_author_bio';

interface Snapshot {
  id: string;
  prevIds: string[];
  ddl: Array<Record<string, unknown>>;
}
const snapshotOf = (dir: string, folder: string): Snapshot => JSON.parse(fs.readFileSync(path.join(dir, 'migrations', folder, 'snapshot.json'), 'utf8'));
const writeSnapshot = (dir: string, folder: string, snapshot: Snapshot) => fs.writeFileSync(path.join(dir, 'migrations', folder, 'snapshot.json'), JSON.stringify(snapshot, null, 2));

/** Adds a migration `folder` generated from `parent`'s schema with `edit` applied (a branch of its own). */
function branchFrom(dir: string, parent: string, folder: string, id: string, edit: (ddl: Snapshot['ddl']) => Snapshot['ddl'], sql: string): void {
  const base = snapshotOf(dir, parent);
  fs.mkdirSync(path.join(dir, 'migrations', folder));
  fs.writeFileSync(path.join(dir, 'migrations', folder, 'migration.sql'), sql);
  writeSnapshot(dir, folder, { ...base, id, prevIds: [base.id], ddl: edit(structuredClone(base.ddl)) });
}

const column = (name: string, type: string) => ({ type, typeSchema: null, notNull: false, dimensions: 0, default: null, generated: null, identity: null, name, entityType: 'columns', schema: 'public', table: 'authors' });

/** Strata's verdict and drizzle-kit 1.0's on the same folder: both must pass or both fail. */
function verdicts(dir: string) {
  const strata = checkMigrationFolders(dir);
  const kit = runDrizzleKitV1(dir, ['check']);
  return { strata, strataExit: strata.errors > 0 ? 1 : 0, kitExit: kit.status, kitOutput: kit.output };
}

describe('strata check, beside drizzle-kit 1.0 check', () => {
  it('passes a straight line of migrations', () => {
    const v = verdicts(copyMigrations(FIXTURE, [AUTHORS, BOOKS, BIO]));
    expect([v.strataExit, v.kitExit]).toEqual([0, 0]);
    expect(v.strata.problems).toEqual([]);
  });

  it('passes, with a note, two branches from one parent that touch different objects', () => {
    const dir = copyMigrations(FIXTURE, [AUTHORS, BOOKS]);
    branchFrom(dir, AUTHORS, '20261206195515_email', '11111111-1111-4111-8111-111111111111', (ddl) => [...ddl, column('email', 'text')], 'ALTER TABLE "authors" ADD COLUMN "email" text;');
    const v = verdicts(dir);
    expect([v.strataExit, v.kitExit]).toEqual([0, 0]);
    expect(v.strata.problems.map((p) => [p.severity, p.folders])).toEqual([['note', [BOOKS, '20261206195515_email']]]);
  });

  it('fails two branches from one parent that add the same column, and says which and what', () => {
    const dir = copyMigrations(FIXTURE, [AUTHORS]);
    branchFrom(dir, AUTHORS, '20261206195515_bio_text', '11111111-1111-4111-8111-111111111111', (ddl) => [...ddl, column('bio', 'text')], 'ALTER TABLE "authors" ADD COLUMN "bio" text;');
    branchFrom(dir, AUTHORS, '20261206195516_bio_varchar', '22222222-2222-4222-8222-222222222222', (ddl) => [...ddl, column('bio', 'varchar')], 'ALTER TABLE "authors" ADD COLUMN "bio" varchar;');
    const v = verdicts(dir);
    expect([v.strataExit, v.kitExit]).toEqual([1, 1]);
    expect(v.kitOutput).toMatch(/Non-commutative migrations detected/);
    expect(v.strata.problems).toHaveLength(1);
    expect(v.strata.problems[0]!.message).toBe(
      `20261206195515_bio_text and 20261206195516_bio_varchar were generated on two branches from the same parent, ${AUTHORS}, and both change column public.authors.bio: ` +
        '20261206195515_bio_text adds column public.authors.bio, 20261206195516_bio_varchar adds column public.authors.bio. Whichever runs second was written against a schema that is no longer there. ' +
        "Keep one branch: delete the other branch's migration folders and run drizzle-kit generate again on top of it.",
    );
  });

  it('fails a branch that drops a table the other branch adds a column to', () => {
    const dir = copyMigrations(FIXTURE, [AUTHORS]);
    branchFrom(dir, AUTHORS, '20261206195515_bio', '11111111-1111-4111-8111-111111111111', (ddl) => [...ddl, column('bio', 'text')], 'ALTER TABLE "authors" ADD COLUMN "bio" text;');
    branchFrom(dir, AUTHORS, '20261206195516_no_authors', '22222222-2222-4222-8222-222222222222', (ddl) => ddl.filter((e) => e.table !== 'authors' && e.name !== 'authors'), 'DROP TABLE "authors";');
    const v = verdicts(dir);
    expect([v.strataExit, v.kitExit]).toEqual([1, 1]);
    expect(v.strata.problems[0]!.message).toMatch(/both change table public\.authors: 20261206195515_bio adds column public\.authors\.bio, 20261206195516_no_authors drops table public\.authors/);
  });

  it('fails two folders of the same second, and a copied snapshot, naming both folders', () => {
    const dir = copyMigrations(FIXTURE, [AUTHORS, BOOKS]);
    fs.cpSync(path.join(dir, 'migrations', BOOKS), path.join(dir, 'migrations', '20261206195514_books_copy'), { recursive: true });
    const report = checkMigrationFolders(dir);
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => [p.kind, p.folders])).toEqual([
      ['same-timestamp', [BOOKS, '20261206195514_books_copy']],
      ['same-snapshot-id', [BOOKS, '20261206195514_books_copy']],
      // Both also follow AUTHORS and add the same table: a fork too.
      ['conflicting-branches', [BOOKS, '20261206195514_books_copy']],
    ]);
    expect(report.problems[0]!.message).toMatch(/have the same timestamp \(20261206195514\): drizzle-orm 1\.0 records both with one created_at/);
  });

  it('fails a migration whose parent is missing from the branch', () => {
    const dir = copyMigrations(FIXTURE, [AUTHORS, BIO]);
    const report = checkMigrationFolders(dir);
    expect(report.problems.map((p) => [p.kind, p.folders])).toEqual([['unknown-parent', [BIO]]]);
  });
});
