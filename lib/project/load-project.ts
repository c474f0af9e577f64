import fs from 'node:fs';
import path from 'node:path';
import { createJiti, type ModuleCache } from 'jiti';
import { z } from 'zod';
import { durationMs } from '../config/duration';
import { backupModes, protectionLevels } from '../config/types';
import { StrataError } from '../errors';
import { SECRET_URL_PARAMETERS } from '../db/connection-url';
import type { ProjectDefinition } from './define-project';

/** The file at a project folder's root that declares its policies and seed set (lib/project/define-project.ts). */
export const PROJECT_CONFIG_FILE = 'strata.config.ts';

/** The project folder when neither STRATA_PROJECT_DIR nor a config file's projectDir names one. */
export const DEFAULT_PROJECT_DIR = 'drizzle/demo';

/**
 * Strata's config file for these variables: `<root>/strata.config.ts` (beside drizzle.config.ts,
 * where `strata init` writes it; root is STRATA_ROOT or the working directory), else the one in
 * the project folder (STRATA_PROJECT_DIR, default drizzle/demo). Null when there is neither.
 */
export function locateConfigFile(env: Record<string, string | undefined>): string | null {
  const root = env.STRATA_ROOT ?? process.cwd();
  const candidates = [path.resolve(root, PROJECT_CONFIG_FILE), path.resolve(root, env.STRATA_PROJECT_DIR ?? DEFAULT_PROJECT_DIR, PROJECT_CONFIG_FILE)];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

/** The settings keys of a definition (StrataSettings); the rest are the project's policies, seeds and optional tags. */
const SETTINGS_KEYS = ['projectDir', 'environments', 'console', 'approvals'] as const;

/**
 * Words only a file with settings contains: a settings key (bare or quoted, before `:`, `,` or
 * `}`), or a key that only appears inside settings (urlEnv, protection, requestHours), so that
 * a misspelt top-level key (`enviroments: { staging: { urlEnv … } }`) still gets the file
 * evaluated and refused, instead of silently falling back to the embedded demo.
 */
const SETTINGS_WORDS = new RegExp(`(\\b|['"])(${[...SETTINGS_KEYS, 'urlEnv', 'urlsEnv', 'protection', 'requestHours'].join('|')})['"]?\\s*[:,}]`);

/**
 * Whether loadConfig must evaluate this file. The file beside drizzle.config.ts (at the root)
 * is Strata's settings file and always is; so is one written with defineStrataConfig. A project
 * folder's own strata.config.ts (policies and seeds) only when its text has settings words.
 */
function mayHoldSettings(configFile: string, text: string, root: string): boolean {
  const atRoot = path.dirname(configFile) === path.resolve(root);
  return atRoot || text.includes('defineStrataConfig') || SETTINGS_WORDS.test(text);
}

/**
 * The config file's definition, read synchronously for loadConfig (which every door calls and
 * is synchronous), sharing loadProject's cache so the file is evaluated once per process until
 * it changes. A file that neither calls defineStrataConfig nor has a settings key in its text
 * (`environments:`, or shorthand `{ environments }`) is not evaluated here: evaluating the
 * policies and seed modules it imports costs ~250 ms, which a CLI command that needs neither
 * should not pay. So settings are written in the file itself, not spread in from another
 * module; a file made with defineStrataConfig (what `strata init` writes) is always checked
 * whole, a misspelt top-level key included.
 */
export function loadSettingsSync(configFile: string, root: string): ProjectDefinition {
  const text = fs.readFileSync(configFile, 'utf8');
  if (!mayHoldSettings(configFile, text, root)) return {};
  const slot = loaded.get(configFile);
  if (slot?.settled && (!slot.files || slot.files.every(unchanged))) return slot.settled.definition;
  const result = evaluateSync(configFile, text);
  const next: CacheSlot = { loading: Promise.resolve(result), files: result.files, settled: result };
  loaded.set(configFile, next);
  return result.definition;
}

export interface LoadedProject {
  /** The absolute path of the project's strata.config.ts; null when the folder has none. */
  configFile: string | null;
  /** What it declares; empty without a config (no policies, no seed set). */
  definition: ProjectDefinition;
}

/** A path for messages: relative to the working directory when inside it, so errors do not expose the server's layout. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** A module the config evaluated, as it was on disk when it was read. */
interface FileStamp {
  file: string;
  mtimeMs: number;
  size: number;
}

interface Evaluated {
  definition: ProjectDefinition;
  files: FileStamp[];
}

interface CacheSlot {
  loading: Promise<Evaluated>;
  /** Set once `loading` resolves: the files whose change makes the slot stale. */
  files?: FileStamp[];
  /** Set once `loading` resolves: what loadSettingsSync can return without waiting. */
  settled?: Evaluated;
}

/**
 * Loaded configs by file. A slot stays valid while none of the files the config evaluated
 * (itself, the policies and seed modules it imports, their schema modules; not node_modules)
 * changed size or mtime, so an edited policy shows on the next request without a restart.
 */
const loaded = new Map<string, CacheSlot>();

/**
 * The project's declarations from `<projectDir>/strata.config.ts`, loaded with jiti (as
 * drizzle-kit loads drizzle.config.ts) by the CLI and the console's server alike. A folder
 * without the file declares nothing. A config that cannot be loaded or does not default-export
 * `defineProject({ … })` is MALFORMED_PROJECT, naming the file and the problem.
 */
export async function loadProject(projectDir: string): Promise<LoadedProject> {
  const ownFile = path.join(path.resolve(projectDir), PROJECT_CONFIG_FILE);
  if (!fs.existsSync(ownFile)) loaded.delete(ownFile);
  const configFile = fs.existsSync(ownFile) ? ownFile : await configNamingFolder(projectDir);
  if (!configFile) return { configFile: null, definition: {} };
  return { configFile, definition: await definitionOf(configFile) };
}

async function definitionOf(configFile: string): Promise<ProjectDefinition> {
  const slot = loaded.get(configFile);
  if (slot && (!slot.files || slot.files.every(unchanged))) return (await slot.loading).definition;

  const next: CacheSlot = { loading: evaluate(configFile) };
  loaded.set(configFile, next);
  next.loading.then(
    (result) => void ((next.files = result.files), (next.settled = result)),
    () => void (loaded.get(configFile) === next && loaded.delete(configFile)),
  );
  return (await next.loading).definition;
}

/**
 * A folder without its own strata.config.ts is declared by the config file beside
 * drizzle.config.ts when that file's projectDir names it (what `strata init` writes).
 */
async function configNamingFolder(projectDir: string): Promise<string | null> {
  const configFile = locateConfigFile(process.env);
  // Only a file that names a project folder can name this one; any other is not evaluated for it.
  if (!configFile || !fs.readFileSync(configFile, 'utf8').includes('projectDir')) return null;
  const declared = (await definitionOf(configFile)).projectDir;
  return declared !== undefined && projectDirOf(configFile, declared) === path.resolve(projectDir) ? configFile : null;
}

/** A config file's projectDir as an absolute path: relative to the file's folder. */
export function projectDirOf(configFile: string, declared: string | undefined): string {
  return path.resolve(path.dirname(configFile), declared ?? '.');
}

/** The tags the project at `projectDir` declares optional (skippable per environment); none without a config. */
export async function optionalChangeSets(projectDir: string): Promise<string[]> {
  return (await loadProject(projectDir)).definition.optional ?? [];
}

async function evaluate(configFile: string): Promise<Evaluated> {
  const evaluated: ModuleCache = {};
  let module: { default?: unknown } | undefined;
  try {
    module = (await jitiFor(configFile).evalModule(fs.readFileSync(configFile, 'utf8'), { filename: configFile, async: true, cache: evaluated })) as typeof module;
  } catch (error) {
    throw unloadable(configFile, error);
  }
  return checkedDefinition(configFile, module?.default, evaluated);
}

/** evaluate, synchronously (jiti transpiles the imports to CommonJS), for loadSettingsSync. */
function evaluateSync(configFile: string, text: string): Evaluated {
  const evaluated: ModuleCache = {};
  let module: { default?: unknown } | undefined;
  try {
    module = jitiFor(configFile).evalModule(text, { filename: configFile, async: false, cache: evaluated }) as typeof module;
  } catch (error) {
    throw unloadable(configFile, error);
  }
  return checkedDefinition(configFile, module?.default, evaluated);
}

function jitiFor(configFile: string) {
  // No shared module cache: a reload after an edit evaluates the project's modules afresh
  // (jiti's transpile cache on disk keeps that cheap), and nothing lands in require.cache.
  // No default-export interop: a config without `export default` must say so, not pass
  // its named exports off as the definition.
  return createJiti(configFile, { moduleCache: false, interopDefault: false });
}

function unloadable(configFile: string, error: unknown): StrataError {
  return new StrataError('MALFORMED_PROJECT', `${displayPath(configFile)} could not be loaded: ${loadFailure(error)}`, { file: displayPath(configFile) });
}

function checkedDefinition(configFile: string, exported: unknown, evaluated: ModuleCache): Evaluated {
  const checked = definitionSchema.safeParse(exported);
  if (exported === undefined || !checked.success) {
    const issue = checked.error?.issues[0];
    const problem = exported === undefined || !issue ? 'it has no default export' : describeIssue(issue);
    throw new StrataError('MALFORMED_PROJECT', `${displayPath(configFile)}: ${problem} (expected export default defineProject({ policies, seeds }))`, { file: displayPath(configFile) });
  }
  const files = [...new Set([configFile, ...Object.keys(evaluated)])].filter((file) => !file.split(path.sep).includes('node_modules'));
  return { definition: exported as ProjectDefinition, files: files.flatMap(stamp) };
}

/** `environments.production.protection: expected one of open|guarded|protected (got "yolo")`: the key path first, then the problem. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `${at ? `${at}: ` : ''}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_value') return `${at}: expected one of ${issue.values.map(String).join('|')}`;
  // A record's key that does not fit (an environment's name): its own message, not zod's "Invalid key in record".
  if (issue.code === 'invalid_key') return `${at}: ${issue.issues[0]?.message ?? issue.message}`;
  return `${at || 'the default export'}: ${issue.message}`;
}

function stamp(file: string): FileStamp[] {
  try {
    const { mtimeMs, size } = fs.statSync(file);
    return [{ file, mtimeMs, size }];
  } catch {
    return [];
  }
}

function unchanged(recorded: FileStamp): boolean {
  const [now] = stamp(recorded.file);
  return now !== undefined && now.mtimeMs === recorded.mtimeMs && now.size === recorded.size;
}

/**
 * One line from what jiti or the module threw: Node's "Require stack" becomes the file that
 * imported the missing module, parse errors keep their file:line:column, paths are shown
 * relative to the working directory.
 */
function loadFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [head = '', stack] = message.split(/\nRequire stack:\n/);
  const importer = stack?.split('\n')[0]?.replace(/^- /, '');
  const line = `${head}${importer ? ` (imported by ${importer})` : ''}`.replace(/\s*\n\s*/g, ' at ').replace(/\s+/g, ' ').trim();
  return line.replace(/(\/[^\s:()]+)/g, (file) => (path.isAbsolute(file) && fs.existsSync(file) ? displayPath(file) : file));
}

const fn = (what: string) => z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', `${what} must be a function`);

const tag = z.enum(['PII', 'FERPA', 'financial', 'secret']);

/** A variable's name: what urlEnv holds, never the URL itself. */
const variableName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable (e.g. PRODUCTION_DATABASE_URL), not a URL');

/**
 * A literal URL in a file that is committed with the project: refused when it carries a
 * password, which belongs in a variable (urlEnv).
 */
const literalUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not a URL' });
    return;
  }
  const inQuery = [...url.searchParams.keys()].find((key) => SECRET_URL_PARAMETERS.includes(key.toLowerCase()));
  if (url.password || inQuery) {
    const where = url.password ? 'a password' : `a ${inQuery} parameter`;
    ctx.addIssue({ code: 'custom', message: `a URL with ${where} is a secret and is refused here: put it in an environment variable and name that variable in urlEnv` });
  }
});

function isDuration(value: string): boolean {
  try {
    durationMs(value, 'maxReplicationLag');
    return true;
  } catch {
    return false;
  }
}

/** A fleet's source (FleetSettings in define-project.ts): exactly one of a variable of URLs, a file of URLs, or discovery. */
const fleetSettings = z
  .strictObject({
    urlsEnv: variableName.optional(),
    urlsFile: z.string().min(1).optional(),
    discover: z.strictObject({ serverUrlEnv: variableName, databases: z.string().min(1, "needs a LIKE pattern such as 'tenant_%'") }).optional(),
    schemas: z.string().min(1, "needs a LIKE pattern such as 'tenant_%'").optional(),
  })
  .refine((f) => [f.urlsEnv, f.urlsFile, f.discover, f.schemas].filter((v) => v !== undefined).length === 1, {
    message: 'needs exactly one of urlsEnv (the variable holding its URLs), urlsFile (one URL per line), discover: { serverUrlEnv, databases } or schemas (a LIKE pattern on the schema names of one database)',
  });

const environmentSettings = z
  .strictObject({
    urlEnv: variableName.optional(),
    url: literalUrl.optional(),
    protection: z.enum(protectionLevels).optional(),
    backup: z.strictObject({ mode: z.enum(backupModes).optional(), keep: z.number().int().min(1).optional(), maxAgeDays: z.number().int().min(1).optional() }).optional(),
    lockRetries: z.number().int().nonnegative().optional(),
    maxReplicationLag: z.string().refine((value) => isDuration(value), "takes a duration like '500ms', '5s' or '2min'").optional(),
    fleet: fleetSettings.optional(),
  })
  .refine((e) => e.fleet !== undefined || (e.urlEnv === undefined) !== (e.url === undefined), { message: 'needs exactly one of urlEnv (the variable holding its URL) or url (without a password)' })
  // A name is one database or a fleet, never both: its URL would be neither a target nor the discovery server for sure.
  .refine((e) => e.fleet === undefined || e.fleet.schemas !== undefined || (e.urlEnv === undefined && e.url === undefined), {
    message: 'is a fleet (fleet) and one database (urlEnv/url) at once: a name is one or the other (a discovery server goes in fleet.discover.serverUrlEnv)',
  })
  // A schema-per-tenant fleet's database is the entry's own: its urlEnv or url (or STRATA_ENV_<NAME>_URL), never both.
  .refine((e) => e.fleet?.schemas === undefined || e.urlEnv === undefined || e.url === undefined, {
    message: 'a schema-per-tenant fleet (fleet.schemas) names its database once: urlEnv or url, not both',
  })
  .refine((e) => e.fleet === undefined || e.maxReplicationLag === undefined, { message: 'maxReplicationLag is not supported on a fleet', path: ['maxReplicationLag'] });

/**
 * The shape of a definition, checked when it is loaded so a hand-written policy or seed step
 * that does not fit fails with its path (`policies.2.retentionDays: …`) instead of a wrong page.
 * Strict: a misspelt key is an error naming it, not a setting silently ignored.
 */
const definitionSchema = z.strictObject({
  projectDir: z.string().min(1).optional(),
  environments: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'environment names are lower-case letters, digits, - and _'), environmentSettings)
    .refine((e) => Object.keys(e).length > 0, 'declares no environment (leave it out to use the embedded demo)')
    .optional(),
  console: z.strictObject({ urlEnv: variableName }).optional(),
  approvals: z.strictObject({ requestHours: z.number().positive().max(24 * 30).optional() }).optional(),
  policies: z
    .array(
      z.object({
        table: z.string().regex(/^[^.]+\.[^.]+$/, 'must be schema.table'),
        basis: z.enum(['soft-delete', 'compliance-hold', 'audit-trail', 'rolling-window', 'indefinite']),
        retentionDays: z.number().int().nonnegative().nullable(),
        timestampColumn: z.string().min(1).nullable(),
        softDeleteColumn: z.string().min(1).nullable().optional(),
        graceDays: z.number().int().nonnegative().nullable().optional(),
        classification: z.array(tag),
        columns: z.record(z.string(), z.array(tag)).optional(),
        note: z.string().optional(),
      }),
    )
    .optional(),
  seeds: z
    .object({
      name: z.string().min(1),
      schemas: z.array(z.string().min(1)).min(1),
      steps: z.array(
        z.union([
          z.object({ table: z.string().min(1), run: fn('run') }),
          z.object({ table: z.string().min(1), bulk: z.object({ table: z.object({}).loose(), columns: z.array(z.string()), firstMissing: fn('firstMissing'), row: fn('row') }) }),
        ]),
      ),
    })
    .optional(),
  optional: z.array(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must be a change set tag')).optional(),
});
