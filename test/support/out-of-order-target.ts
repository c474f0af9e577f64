import { readProject, type Project } from '../../lib/changesets/project';
import { applyChangeSets } from '../../lib/migrate/apply';
import { editJournal, writeFixtureProject, type FixtureChangeSet } from './fixture-project';
import { testContext } from './run-context';

/** A change set creating `public.<name>`, with a rollback file unless `rollback` is false. */
export const tableChangeSet = (name: string, rollback = true): FixtureChangeSet => ({
  name,
  up: `create table public.${name} (id int);`,
  ...(rollback ? { down: `drop table public.${name};` } : {}),
});

/**
 * A target that saw an out-of-order apply: the second change set (b) is merged late, after
 * the others were applied, then applied with --include-out-of-order. With the default
 * a, b, c, d the journal says a, b, c, d; the target saw a, c, d, b.
 */
export async function outOfOrderTarget(url: string, changeSets: FixtureChangeSet[] = ['a', 'b', 'c', 'd'].map((n) => tableChangeSet(n))): Promise<Project> {
  const dir = writeFixtureProject(changeSets);
  let late: { idx: number; when: number; tag: string } | undefined;
  editJournal(dir, (journal) => {
    late = journal.entries.splice(1, 1)[0];
  });
  await applyChangeSets(testContext(url), readProject(dir));
  editJournal(dir, (journal) => {
    journal.entries.splice(1, 0, late!);
  });
  const project = readProject(dir);
  const asked = await applyChangeSets(testContext(url), project, { includeOutOfOrder: true });
  if (asked.records.map((r) => r.tag).join() !== late!.tag) throw new Error(`expected only ${late!.tag} to be applied out of order`);
  return project;
}
