import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { StrataError } from '../errors';

/**
 * A Drizzle project folder as Strata manages it, in either of drizzle-kit's layouts (detected
 * from what is on disk):
 * - 0.x, `journal`: `migrations/meta/_journal.json` and `migrations/NNNN_tag.sql`, plus Strata's
 *   `rollback/NNNN_tag.sql` and `checks/NNNN_tag.sql`;
 * - 1.0, `folders`: one folder per migration, `migrations/<yyyymmddhhmmss>_<name>/migration.sql`
 *   and `snapshot.json`, no journal; Strata's files sit beside them as `rollback.sql` and
 *   `checks.sql`, so a migration travels (and merges) as one folder.
 * Reading it never touches a database, so status pages stay cheap; statements are split only
 * when a run needs them.
 */
export interface ChangeSet {
  /** Position in the journal (drizzle's `idx`); in the folder layout, in folder-name order (drizzle-orm 1.0's order). */
  version: number;
  /**
   * drizzle-kit's tag: the file name without `.sql`, e.g. `0003_dataservice_phase1`; in the
   * folder layout the folder's name, e.g. `20261206195512_authors`.
   */
  tag: string;
  /**
   * drizzle's `when` (ms); drizzle-orm's migrator stores it as created_at. In the folder layout
   * drizzle-orm 1.0 derives it from the folder name's timestamp (UTC, whole seconds).
   */
  when: number;
  /**
   * Folder layout only: the folder's name, which drizzle-orm 1.0 records in the `name` column of
   * drizzle.__drizzle_migrations and uses (not the hash) to decide what is applied.
   */
  drizzleName?: string;
  /** Folder layout only: drizzle-kit's `snapshot.json` of the schema after this migration (path relative to the project). */
  snapshotFile?: string;
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

export type ProjectLayout = 'journal' | 'folders';

export interface Project {
  dir: string;
  changeSets: ChangeSet[];
  /** Which drizzle-kit wrote it: 0.x (`journal`) or 1.0 (`folders`). Absent on projects built in memory (journal-like). */
  layout?: ProjectLayout;
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

/**
 * The first line of a rollback file written by `strata draft-rollback` (lib/changesets/draft-rollback.ts):
 * a machine's guess that a person has not yet reviewed. Lint reports it (rule
 * unreviewed-draft-rollback) until whoever checked the SQL deletes the line; verify
 * round-trips it like any rollback.
 */
export const DRAFT_ROLLBACK_DIRECTIVE = '-- strata:draft-rollback';

/** Whether a rollback file's first line marks it as an unreviewed draft. */
export function isDraftRollback(text: string): boolean {
  return text.trimStart().split('\n', 1)[0]?.trim() === DRAFT_ROLLBACK_DIRECTIVE;
}

/** The folder, beside `migrations/` and `rollback/`, of each change set's checks. */
export const CHECKS_DIR = 'checks';

/** A path for messages: relative to the working directory when inside it, so errors do not expose the server's layout. */
function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') ? relative : file;
}

/** drizzle-kit 1.0's migration folder name: a UTC timestamp to the second, then the name. */
export const MIGRATION_FOLDER_PATTERN = /^(\d{14})_[A-Za-z0-9_.-]+$/;

/** The folders under `migrations/` holding a `migration.sql` (what drizzle-orm 1.0's migrator reads), sorted as it sorts them. */
export function migrationFolders(absoluteDir: string): string[] {
  const migrations = path.join(absoluteDir, 'migrations');
  if (!fs.existsSync(migrations)) return [];
  return fs
    .readdirSync(migrations, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrations, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
}

/**
 * Which layout a project folder is in, or null when it is in neither. Both at once is refused,
 * as drizzle-orm 1.0's migrator refuses it: it is a `drizzle-kit up` that stopped half-way (or
 * a merge of an upgraded branch into one that is not), and reading either half would show the
 * other's migrations as missing.
 */
export function detectLayout(absoluteDir: string): ProjectLayout | null {
  const journal = path.join(absoluteDir, 'migrations', 'meta', '_journal.json');
  const folders = migrationFolders(absoluteDir);
  if (fs.existsSync(journal) && folders.length > 0) {
    throw new StrataError(
      'MALFORMED_PROJECT',
      `${shown(path.join(absoluteDir, 'migrations'))} holds both drizzle-kit 0.x's journal (${shown(journal)}) and drizzle-kit 1.0's migration folders ` +
        `(${folders.slice(0, 3).join(', ')}${folders.length > 3 ? ', …' : ''}). Finish the upgrade: run \`drizzle-kit up\` (drizzle-kit 1.0), which moves every ` +
        `journal entry into a folder and deletes meta/; or, if the folders were added by mistake, remove them.`,
    );
  }
  if (fs.existsSync(journal)) return 'journal';
  return folders.length > 0 ? 'folders' : null;
}

/** drizzle-orm 1.0's created_at for a folder name: its 14-digit prefix read as UTC (drizzle's formatToMillis). */
export function folderMillis(folder: string): number {
  const d = folder.slice(0, 14);
  const n = (from: number, to: number) => Number.parseInt(d.slice(from, to), 10);
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14));
}

/**
 * The folder `drizzle-kit up` (1.0) makes of a 0.x journal entry: the entry's `when` as a UTC
 * second stamp, then the tag without its `NNNN_` number (drizzle-kit's migrateToFoldersV3 and
 * prepareSnapshotFolderName; drizzle-kit takes the year from local time, identical under UTC
 * except in the hours around New Year). It is the `name` drizzle-orm 1.0 will look for.
 */
export function upgradedFolderName(tag: string, when: number): string {
  const d = new Date(when);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  return `${stamp}_${tag.split('_').slice(1).join('_')}`;
}

/** The name of a change set as drizzle-orm 1.0 records it: its folder, or the folder `drizzle-kit up` will make of its journal entry. */
export function drizzleV1Name(changeSet: Pick<ChangeSet, 'tag' | 'when' | 'drizzleName'>): string {
  return changeSet.drizzleName ?? upgradedFolderName(changeSet.tag, changeSet.when);
}

/** Reads and validates a project folder in either layout; every problem names the file it is in. */
export function readProject(dir: string): Project {
  const absolute = path.resolve(dir);
  const journalFile = path.join(absolute, 'migrations', 'meta', '_journal.json');
  if (!fs.existsSync(absolute)) {
    throw new StrataError('MALFORMED_PROJECT', `Project folder not found: ${shown(absolute)}`);
  }
  const layout = detectLayout(absolute);
  if (layout === 'folders') return readFolderProject(absolute);
  if (layout === null) {
    throw new StrataError(
      'MALFORMED_PROJECT',
      `No drizzle journal at ${shown(journalFile)} and no migration folders (migrations/<timestamp>_<name>/migration.sql) in ${shown(path.join(absolute, 'migrations'))} (is --dir a Drizzle project folder?)`,
    );
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
  return { dir: absolute, changeSets, layout: 'journal' };
}

/** Where a change set's rollback file is (or belongs), relative to the project folder, in its project's layout. */
export function rollbackFileOf(changeSet: Pick<ChangeSet, 'tag' | 'drizzleName'>): string {
  return changeSet.drizzleName ? path.join('migrations', changeSet.drizzleName, 'rollback.sql') : path.join('rollback', `${changeSet.tag}.sql`);
}

/**
 * drizzle-kit 1.0's layout. Two folders of the same second would share drizzle's created_at,
 * which Strata and drizzle's own table upgrade match rows by, so they are refused here
 * (`strata check` explains them without refusing).
 */
function readFolderProject(absolute: string): Project {
  const folders = migrationFolders(absolute);
  for (const folder of folders) {
    if (!MIGRATION_FOLDER_PATTERN.test(folder)) {
      throw new StrataError(
        'MALFORMED_PROJECT',
        `${shown(path.join(absolute, 'migrations', folder))}: a migration folder's name must be <yyyymmddhhmmss>_<name> (letters, digits, _ . -), as drizzle-kit 1.0 writes it`,
      );
    }
  }
  const bySecond = new Map<number, string>();
  for (const folder of folders) {
    const other = bySecond.get(folderMillis(folder));
    if (other) {
      throw new StrataError(
        'MALFORMED_PROJECT',
        `${shown(path.join(absolute, 'migrations'))}: ${other} and ${folder} have the same timestamp; rename one to a later second (strata check explains)`,
      );
    }
    bySecond.set(folderMillis(folder), folder);
  }
  const changeSets = folders.map((folder, index): ChangeSet => {
    const forward = readSqlFile(absolute, path.join('migrations', folder, 'migration.sql'))!;
    const snapshot = path.join('migrations', folder, 'snapshot.json');
    return {
      version: index,
      tag: folder,
      when: folderMillis(folder),
      drizzleName: folder,
      snapshotFile: fs.existsSync(path.join(absolute, snapshot)) ? snapshot : undefined,
      forward,
      rollback: readSqlFile(absolute, path.join('migrations', folder, 'rollback.sql')),
      checks: readSqlFile(absolute, path.join('migrations', folder, 'checks.sql')),
    };
  });
  return { dir: absolute, changeSets, layout: 'folders' };
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
