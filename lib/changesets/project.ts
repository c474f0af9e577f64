import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { StrataError } from '../errors';

/**
 * A Drizzle project folder as Strata manages it: drizzle-kit's `migrations/` (journal,
 * SQL, snapshots) plus Strata's `rollback/NNNN_tag.sql` and `checks/NNNN_tag.sql`. Reading it never touches a
 * database, so status pages stay cheap; statements are split only when a run needs them.
 */
export interface ChangeSet {
  /** Position in the journal (drizzle's `idx`). */
  version: number;
  /** drizzle-kit's tag: the file name without `.sql`, e.g. `0003_dataservice_phase1`. */
  tag: string;
  /** drizzle's `when` (ms); drizzle-orm's migrator stores it as created_at. */
  when: number;
  forward: SqlFile;
  rollback: SqlFile | null;
  /**
   * `checks/NNNN_tag.sql`: queries that must return no rows, before or after the forward file
   * runs (lib/changesets/checks.ts). Not part of the checksum: adding checks to a change set
   * already applied leaves its history valid. Absent (undefined) on change sets built by hand.
   */
  checks?: SqlFile | null;
}

export interface SqlFile {
  /** Path relative to the project folder, for messages. */
  file: string;
  text: string;
  /** sha256 of the file's text: the same hash drizzle-orm's migrator records. */
  checksum: string;
  /** The first line says `-- strata:no-transaction`. */
  noTransaction: boolean;
}

export interface Project {
  dir: string;
  changeSets: ChangeSet[];
}

const journalSchema = z.object({
  dialect: z.string().optional(),
  entries: z.array(
    z.object({
      idx: z.number().int().nonnegative(),
      when: z.number().int().nonnegative(),
      tag: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'tag must be a plain file name'),
      breakpoints: z.boolean().optional(),
    }),
  ),
});

export const NO_TRANSACTION_DIRECTIVE = '-- strata:no-transaction';

/** The folder, beside `migrations/` and `rollback/`, of each change set's checks. */
export const CHECKS_DIR = 'checks';

/** Reads and validates a project folder; every problem names the file it is in. */
/** A path for messages: relative to the working directory when inside it, so errors do not expose the server's layout. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

export function readProject(dir: string): Project {
  const absolute = path.resolve(dir);
  const journalFile = path.join(absolute, 'migrations', 'meta', '_journal.json');
  if (!fs.existsSync(absolute)) {
    throw new StrataError('MALFORMED_PROJECT', `Project folder not found: ${shown(absolute)}`);
  }
  if (!fs.existsSync(journalFile)) {
    throw new StrataError('MALFORMED_PROJECT', `No drizzle journal at ${shown(journalFile)} (is --dir a Drizzle project folder?)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(journalFile, 'utf8'));
  } catch (error) {
    throw new StrataError('MALFORMED_PROJECT', `${shown(journalFile)} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = journalSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError('MALFORMED_PROJECT', `${shown(journalFile)}: ${issue?.path.join('.') || 'root'}: ${issue?.message}`);
  }
  const entries = parsed.data.entries;
  assertUnique(entries.map((e) => e.tag), 'tag', shown(journalFile));
  assertUnique(entries.map((e) => e.idx), 'idx', shown(journalFile));
  assertUnique(entries.map((e) => e.when), 'when', shown(journalFile));

  const changeSets = entries.map((entry) => {
    const forwardPath = path.join('migrations', `${entry.tag}.sql`);
    const rollbackPath = path.join('rollback', `${entry.tag}.sql`);
    const forward = readSqlFile(absolute, forwardPath);
    if (!forward) {
      throw new StrataError('MALFORMED_PROJECT', `Journal entry ${entry.tag} has no SQL file: ${shown(path.join(absolute, forwardPath))}`);
    }
    const checks = readSqlFile(absolute, path.join(CHECKS_DIR, `${entry.tag}.sql`));
    return { version: entry.idx, tag: entry.tag, when: entry.when, forward, rollback: readSqlFile(absolute, rollbackPath), checks };
  });
  return { dir: absolute, changeSets };
}

function readSqlFile(dir: string, relative: string): SqlFile | null {
  const full = path.join(dir, relative);
  if (!fs.existsSync(full)) return null;
  const text = fs.readFileSync(full, 'utf8');
  return {
    file: relative,
    text,
    checksum: sha256(text),
    noTransaction: text.trimStart().split('\n', 1)[0]?.trim() === NO_TRANSACTION_DIRECTIVE,
  };
}

function assertUnique(values: Array<string | number>, field: string, file: string): void {
  const seen = new Set<string | number>();
  for (const value of values) {
    if (seen.has(value)) throw new StrataError('MALFORMED_PROJECT', `${file}: duplicate ${field} ${value}`);
    seen.add(value);
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The change set with this tag (or version number), or a NOT_FOUND error. */
export function findChangeSet(project: Project, tagOrVersion: string): ChangeSet {
  const found = project.changeSets.find(
    (c) => c.tag === tagOrVersion || String(c.version) === tagOrVersion || c.tag.startsWith(`${tagOrVersion}_`),
  );
  if (!found) throw new StrataError('NOT_FOUND', `No change set "${tagOrVersion}" in ${shown(project.dir)}`);
  return found;
}
