import path from 'node:path';
import { checkJournalProject } from '../../changesets/journal-check';
import { checkMigrationFolders, type MigrationCheckReport } from '../../changesets/migration-graph';
import { detectLayout, readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { defineCommand } from '../command';
import { PROJECT_FLAGS } from '../flags';

/**
 * `check [--dir PATH] [--json]`: what drizzle-kit 1.0's `check` finds in a folder-per-migration
 * project — branches that forked from one migration and change the same objects, folders of
 * the same second, copied snapshots — each explained in words (lib/changesets/migration-graph.ts);
 * in a 0.x journal project, what drizzle-kit 0.31's `check` finds in meta/*_snapshot.json plus
 * what the journal can get wrong (lib/changesets/journal-check.ts).
 * Files only; exit 1 when anything must be fixed before the migrations are applied.
 */
export const checkCommand = defineCommand({
  name: 'check',
  summary: 'find migrations of two branches that change the same objects, or collide (exit 1)',
  usage: ['strata check [--dir PATH] [--json]'],
  description: `Reads the snapshot.json of every migration folder of a drizzle-kit 1.0 project and finds
what drizzle-kit 1.0's check finds: two migrations generated from the same parent on two
branches (a fork) whose changes touch the same table, column, index or other object; two
folders of the same second (drizzle-orm 1.0 records one created_at for both); two snapshots
with the same id (a copied folder); a migration whose parent is missing. Each is explained
with the folders involved and what to do. Forks whose branches touch different objects are
reported as notes and pass.

A drizzle-kit 0.x project (migrations/meta/_journal.json) gets what drizzle-kit 0.31's check
finds in meta/*_snapshot.json — two snapshots with the same parent (a fork: an error in this
layout even when the branches touch different objects, since the last snapshot then lacks one
branch), malformed snapshots, snapshots needing drizzle-kit up — plus duplicate snapshot ids,
a missing parent, journal entries out of idx order, timestamps that do not increase,
duplicates, entries without their SQL file and SQL files not in the journal.`,
  flags: { ...PROJECT_FLAGS },
  notes: 'Exit codes: 0 nothing to fix (notes only), 1 problems found or the folder is not a Drizzle project.',
  async run(options) {
    const dir = path.resolve(options.dir ?? loadConfig().projectDir);
    const layout = detectLayout(dir);
    if (layout === null) readProject(dir); // says why the folder is no Drizzle project (exit 1)
    const report: MigrationCheckReport = layout === 'journal' ? checkJournalProject(dir) : checkMigrationFolders(dir);
    return { code: report.errors > 0 ? 1 : 0, text: checkText(report), json: report };
  },
});

export function checkText(report: MigrationCheckReport): string {
  const blocks = report.problems.map((p) => `${p.severity === 'error' ? 'error' : 'note '}  ${p.folders.join(', ')}\n    ${p.message}`);
  const notes = report.problems.length - report.errors;
  const summary = report.errors === 0
    ? `${report.migrations} migrations checked: nothing to fix${notes ? ` (${notes} note${notes === 1 ? '' : 's'})` : ''}.`
    : `${report.migrations} migrations checked: ${report.errors} problem${report.errors === 1 ? '' : 's'} to fix before applying.`;
  return [...blocks, summary].join('\n');
}
