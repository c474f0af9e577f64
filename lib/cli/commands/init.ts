import { displayPath } from '../../project/load-project';
import { initConfig } from '../../project/init-config';
import { defineCommand, switchFlag, valueFlag } from '../command';

export const initCommand = defineCommand({
  name: 'init',
  summary: 'write strata.config.ts for an existing Drizzle project [--force]',
  usage: ['strata init [--drizzle-config FILE] [--force]'],
  description: `Reads drizzle.config.ts (its dialect, schema and out folder) and writes strata.config.ts beside
it: projectDir pointing at the folder that holds drizzle-kit's migrations/, one protected environment
whose URL comes from the DATABASE_URL variable, the console database's variable and how long approvals
wait. Edit it, then run strata status. Connects to nothing.`,
  flags: {
    'drizzle-config': valueFlag('FILE', 'the Drizzle config to read (default: ./drizzle.config.ts); paths in it are relative to the working directory, as drizzle-kit reads them'),
    force: switchFlag('replace an existing strata.config.ts (otherwise it is refused and left alone)'),
  },
  notes: 'Exit codes: 0 written, 2 strata.config.ts exists (without --force), no drizzle.config.ts, or not a PostgreSQL project.',
  run: async (options) => {
    const result = await initConfig(options.drizzleConfig ?? 'drizzle.config.ts', { force: options.force });
    const file = displayPath(result.file);
    return {
      code: 0,
      text: `${result.overwritten ? 'Replaced' : 'Wrote'} ${file} (project folder ${displayPath(result.projectDir)}). Set DATABASE_URL and STRATA_CONSOLE_DATABASE_URL, or edit the file, then run strata status.`,
      json: { file, projectDir: displayPath(result.projectDir), schema: result.schema, overwritten: result.overwritten },
    };
  },
});
