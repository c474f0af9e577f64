import { importMigrations } from '../import/import-migrations';
import type { ImportReport } from '../import/types';
import { StrataError } from '../errors';
import type { Command, CommandOutput } from './commands';

/**
 * `import --from sql|golang-migrate|dbmate|diesel SRC --out DIR [--force] [--json]`: another
 * tool's migration folder as a Drizzle project folder Strata manages. Needs no database.
 */
const importCommand: Command = async (options, positional): Promise<CommandOutput> => {
  const [src, ...extra] = positional;
  if (!src || extra.length > 0) throw new StrataError('BAD_USAGE', 'import takes one source folder: strata import --from FORMAT SRC --out DIR');
  if (!options.out) throw new StrataError('BAD_USAGE', 'import needs --out DIR: the Drizzle project folder to write');
  const report = await importMigrations({ format: options.from ?? '', src, out: options.out, force: options.force });
  return { code: 0, text: importText(report), json: report };
};

export function importText(report: ImportReport): string {
  const withoutRollback = report.changeSets.filter((c) => !c.hasRollback).length;
  const noTx = report.changeSets.filter((c) => c.noTransaction).length;
  const lines = [
    `Imported ${report.changeSets.length} migrations from ${report.format} into ${report.out} (${withoutRollback} without rollback, ${noTx} outside a transaction, ${report.flagged.length} flagged).`,
  ];
  if (report.skipped.length) lines.push(`Skipped, not ${report.format} migrations: ${report.skipped.join(', ')}`);
  if (report.flagged.length) lines.push('', 'Flagged (converted as they are; look at each before applying):', ...report.flagged.map((f) => `  ${f.source}: ${f.problem}`));
  lines.push('', `Next: npm run strata -- lint --dir ${report.out}   and   npm run strata -- verify --dir ${report.out}`);
  return lines.join('\n');
}

export const IMPORT_COMMANDS: Record<string, Command> = { import: importCommand };
