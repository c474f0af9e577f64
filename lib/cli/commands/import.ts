import { importMigrations } from '../../import/import-migrations';
import type { ImportReport } from '../../import/types';
import { StrataError } from '../../errors';
import { defineCommand, switchFlag, valueFlag, type CommandOutput, type OptionValues } from '../command';

/**
 * `import --from sql|golang-migrate|dbmate|diesel SRC --out DIR [--layout journal|folders] [--force] [--json]`:
 * another tool's migration folder as a Drizzle project folder Strata manages, in drizzle-kit
 * 0.x's or 1.0's layout. Needs no database.
 */
const importFolder = async (options: OptionValues<typeof IMPORT_FLAGS>, positional: string[]): Promise<CommandOutput> => {
  const [src, ...extra] = positional;
  if (!src || extra.length > 0) throw new StrataError('BAD_USAGE', 'import takes one source folder: strata import --from FORMAT SRC --out DIR');
  if (!options.out) throw new StrataError('BAD_USAGE', 'import needs --out DIR: the Drizzle project folder to write');
  const report = await importMigrations({ format: options.from ?? '', src, out: options.out, force: options.force, layout: options.layout });
  return { code: 0, text: importText(report), json: report };
};

export function importText(report: ImportReport): string {
  const withoutRollback = report.changeSets.filter((c) => !c.hasRollback).length;
  const noTx = report.changeSets.filter((c) => c.noTransaction).length;
  const lines = [
    `Imported ${report.changeSets.length} migrations from ${report.format} into ${report.out}${report.layout === 'folders' ? " in drizzle-kit 1.0's layout" : ''} (${withoutRollback} without rollback, ${noTx} outside a transaction, ${report.flagged.length} flagged).`,
  ];
  if (report.skipped.length) lines.push(`Skipped, not ${report.format} migrations: ${report.skipped.join(', ')}`);
  if (report.flagged.length) lines.push('', 'Flagged (converted as they are; look at each before applying):', ...report.flagged.map((f) => `  ${f.source}: ${f.problem}`));
  lines.push('', `Next: npx strata lint --dir ${report.out}   and   npx strata verify --dir ${report.out}`);
  return lines.join('\n');
}

const IMPORT_FLAGS = {
  from: valueFlag('FORMAT', "the source tool: sql, golang-migrate, dbmate or diesel (see above)"),
  out: valueFlag('DIR', 'the Drizzle project folder to write; must be empty or new'),
  layout: valueFlag('LAYOUT', "journal (drizzle-kit 0.x, the default) or folders (drizzle-kit 1.0); an existing project in DIR keeps its own"),
  force: switchFlag("replace DIR's migrations/ and rollback/"),
};

export const importCommand = defineCommand({
  name: 'import',
  summary: "turn another tool's migration folder into a Drizzle project folder",
  usage: ['strata import --from sql|golang-migrate|dbmate|diesel SRC --out DIR [--layout journal|folders] [--force] [--json]'],
  description: `Turns another tool's migration folder into a Drizzle project folder Strata manages, in
the source tool's order and with its names; each file keeps the source's SQL under a header
naming where it came from. Needs no database. Two layouts:

  journal   drizzle-kit 0.x (the default): migrations/meta/_journal.json,
            migrations/NNNN_<name>.sql and rollback/NNNN_<name>.sql
  folders   drizzle-kit 1.0: migrations/<yyyymmddhhmmss>_<name>/migration.sql and
            rollback.sql, named from the source's timestamps (UTC; sequence numbers
            count seconds from 19700101000001)

When DIR already holds a Drizzle project (with --force), its layout is kept, and asking for
the other one is refused. No snapshot.json is written: drizzle-kit's migrate reads only the
SQL, and a snapshot records a TypeScript schema these migrations never had.

  sql             numbered files (001_init.sql); rollbacks from 001_init.down.sql,
                  001_init_down.sql or down/001_init.sql when present
  golang-migrate  <version>_<title>.up.sql and .down.sql
  dbmate          <version>_<name>.sql with -- migrate:up / -- migrate:down sections
                  (transaction:false → -- strata:no-transaction); SRC may be the folder
                  holding db/migrations; files dbmate refuses are reported, not imported
  diesel          <version>_<name>/up.sql and down.sql (metadata.toml
                  run_in_transaction = false → -- strata:no-transaction)`,
  flags: IMPORT_FLAGS,
  notes: `Reports what did not convert cleanly: files that are not migrations, migrations without a
down, SQL PostgreSQL's parser rejects, statements that cannot run in the transaction the
source runs them in, duplicate versions, timestamps out of order (line numbers are the
source files'). --out must be empty or new; --force replaces
its migrations/ and rollback/. Then run lint and verify on DIR.`,
  run: importFolder,
});
