import fs from 'node:fs';
import path from 'node:path';
import { createJiti, type ModuleCache } from 'jiti';
import { z } from 'zod';
import { StrataError } from '../errors';
import type { ProjectDefinition } from './define-project';

/** The file at a project folder's root that declares its policies and seed set (lib/project/define-project.ts). */
export const PROJECT_CONFIG_FILE = 'strata.config.ts';

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

interface CacheSlot {
  loading: Promise<{ definition: ProjectDefinition; files: FileStamp[] }>;
  /** Set once `loading` resolves: the files whose change makes the slot stale. */
  files?: FileStamp[];
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
  const configFile = path.join(path.resolve(projectDir), PROJECT_CONFIG_FILE);
  if (!fs.existsSync(configFile)) {
    loaded.delete(configFile);
    return { configFile: null, definition: {} };
  }
  const slot = loaded.get(configFile);
  if (slot && (!slot.files || slot.files.every(unchanged))) return { configFile, definition: (await slot.loading).definition };

  const next: CacheSlot = { loading: evaluate(configFile) };
  loaded.set(configFile, next);
  next.loading.then(
    (result) => void (next.files = result.files),
    () => void (loaded.get(configFile) === next && loaded.delete(configFile)),
  );
  return { configFile, definition: (await next.loading).definition };
}

/** The tags the project at `projectDir` declares optional (skippable per environment); none without a config. */
export async function optionalChangeSets(projectDir: string): Promise<string[]> {
  return (await loadProject(projectDir)).definition.optional ?? [];
}

async function evaluate(configFile: string): Promise<{ definition: ProjectDefinition; files: FileStamp[] }> {
  const evaluated: ModuleCache = {};
  let exported: unknown;
  try {
    // No shared module cache: a reload after an edit evaluates the project's modules afresh
    // (jiti's transpile cache on disk keeps that cheap), and nothing lands in require.cache.
    // No default-export interop: a config without `export default` must say so, not pass
    // its named exports off as the definition.
    const jiti = createJiti(configFile, { moduleCache: false, interopDefault: false });
    const module = (await jiti.evalModule(fs.readFileSync(configFile, 'utf8'), { filename: configFile, async: true, cache: evaluated })) as { default?: unknown } | undefined;
    exported = module?.default;
  } catch (error) {
    throw new StrataError('MALFORMED_PROJECT', `${displayPath(configFile)} could not be loaded: ${loadFailure(error)}`, { file: displayPath(configFile) });
  }
  const checked = definitionSchema.safeParse(exported);
  if (exported === undefined || !checked.success) {
    const issue = checked.error?.issues[0];
    const problem = exported === undefined || !issue ? 'it has no default export' : `${issue.path.join('.') || 'the default export'}: ${issue.message}`;
    throw new StrataError('MALFORMED_PROJECT', `${displayPath(configFile)}: ${problem} (expected export default defineProject({ policies, seeds }))`, { file: displayPath(configFile) });
  }
  const files = [...new Set([configFile, ...Object.keys(evaluated)])].filter((file) => !file.split(path.sep).includes('node_modules'));
  return { definition: exported as ProjectDefinition, files: files.flatMap(stamp) };
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

/**
 * The shape of a definition, checked when it is loaded so a hand-written policy or seed step
 * that does not fit fails with its path (`policies.2.retentionDays: …`) instead of a wrong page.
 */
const definitionSchema = z.object({
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
