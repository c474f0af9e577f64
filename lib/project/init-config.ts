import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';
import { StrataError } from '../errors';
import { displayPath, PROJECT_CONFIG_FILE } from './load-project';

/**
 * `strata init`: writes strata.config.ts beside an existing Drizzle project's
 * drizzle.config.ts, its projectDir pointing at drizzle's `out` folder, and one environment
 * whose URL comes from a variable — a file that type-checks and loads as it is written.
 */

export interface InitResult {
  file: string;
  projectDir: string;
  schema: string | null;
  overwritten: boolean;
}

/** What Strata needs from drizzle.config.ts: drizzle-kit's own keys, as its defineConfig takes them. */
interface DrizzleConfig {
  dialect?: unknown;
  out?: unknown;
  schema?: unknown;
}

export async function initConfig(drizzleConfigFile: string, options: { force?: boolean } = {}): Promise<InitResult> {
  const drizzleConfig = path.resolve(drizzleConfigFile);
  if (!fs.existsSync(drizzleConfig)) {
    throw new StrataError('NOT_FOUND', `No ${displayPath(drizzleConfig)}: run strata init in a Drizzle project's folder (or name its config with --drizzle-config)`);
  }
  const folder = path.dirname(drizzleConfig);
  const file = path.join(folder, PROJECT_CONFIG_FILE);
  const exists = fs.existsSync(file);
  // Checked before drizzle.config.ts is evaluated: a refusal runs none of the project's code.
  if (exists && !options.force) {
    throw new StrataError('ALREADY_EXISTS', `${displayPath(file)} already exists; nothing was written (--force replaces it)`);
  }
  const config = await readDrizzleConfig(drizzleConfig);
  if (config.dialect !== 'postgresql') {
    throw new StrataError('BAD_USAGE', `${displayPath(drizzleConfig)}: dialect is ${JSON.stringify(config.dialect ?? null)}; Strata manages PostgreSQL projects (dialect: 'postgresql'); nothing was written`);
  }
  // drizzle-kit's default out folder is ./drizzle, and it resolves its paths against the working directory, as this does.
  const out = path.resolve(typeof config.out === 'string' && config.out.trim() ? config.out.trim() : './drizzle');
  if (path.basename(out) !== 'migrations') {
    throw new StrataError(
      'BAD_USAGE',
      `${displayPath(drizzleConfig)}: out is ${displayPath(out)}, but Strata reads drizzle-kit's output from a folder named migrations, with its rollback/ beside it (e.g. out: './drizzle/migrations'); nothing was written`,
    );
  }
  const projectDir = path.dirname(out);
  const schema = Array.isArray(config.schema) ? config.schema.join(', ') : typeof config.schema === 'string' ? config.schema : null;
  fs.writeFileSync(file, configText({ projectDir: relativeSpecifier(folder, projectDir), schema, helper: helperSpecifier(folder) }));
  return { file, projectDir, schema, overwritten: exists };
}

async function readDrizzleConfig(file: string): Promise<DrizzleConfig> {
  try {
    const module = (await createJiti(file, { moduleCache: false }).import(file)) as { default?: DrizzleConfig } & DrizzleConfig;
    return module.default ?? module;
  } catch (error) {
    throw new StrataError('MALFORMED_PROJECT', `${displayPath(file)} could not be loaded: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}; nothing was written`);
  }
}

/** `./drizzle`, `../db/migrations`: how the written file names a path relative to its folder. */
function relativeSpecifier(from: string, to: string): string {
  const relative = path.relative(from, to).split(path.sep).join('/');
  return relative === '' ? '.' : relative.startsWith('.') ? relative : `./${relative}`;
}

/**
 * Where the written file imports defineStrataConfig from: the installed package by name
 * (`strata/lib/project/define-project`) when Strata is under node_modules, else a relative
 * path to this checkout's module (a project inside the checkout, as the tests write).
 */
function helperSpecifier(folder: string): string {
  const root = strataRoot();
  const helper = path.join(root, 'lib', 'project', 'define-project');
  const parts = root.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) return `${parts.slice(at + 1).join('/')}/lib/project/define-project`;
  return relativeSpecifier(folder, helper);
}

/** Strata's own folder: the nearest package.json named strata above this module (also from a bundled CLI in dist/). */
function strataRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'strata') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new StrataError('NOT_FOUND', 'Cannot find Strata\'s own package.json to import defineStrataConfig from');
    dir = parent;
  }
}

function configText(values: { projectDir: string; schema: string | null; helper: string }): string {
  return `/**
 * Strata's settings for this Drizzle project, written by \`strata init\` from drizzle.config.ts
 * (dialect postgresql${values.schema ? `, schema ${values.schema}` : ''}). A variable that is set wins over
 * the same key here (STRATA_PROJECT_DIR, STRATA_ENVIRONMENTS, STRATA_ENV_<NAME>_…): see
 * Strata's README, "The config file". URLs are secrets: name the variable that holds each.
 */
import { defineStrataConfig } from '${values.helper}';

export default defineStrataConfig({
  // drizzle-kit's out folder: the migrations Strata applies, with rollback/ beside them.
  projectDir: '${values.projectDir}',
  environments: {
    // protection: open (seed and reset allowed), guarded (asks to confirm) or protected (two-person approval).
    production: { urlEnv: 'DATABASE_URL', protection: 'protected' },
  },
  // The console's own database (users, audit trail, requests).
  console: { urlEnv: 'STRATA_CONSOLE_DATABASE_URL' },
  // How long a change request waits for its second person before it expires.
  approvals: { requestHours: 24 },
});
`;
}
