import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { detectLayout, NO_TRANSACTION_DIRECTIVE, readProject, sha256, type ProjectLayout, type SqlFile } from '../changesets/project';
import { splitStatements } from '../changesets/statements';
import { isStrataError, StrataError } from '../errors';
import { SOURCE_READERS } from './read-source';
import { IMPORT_FORMATS, type ImportedChangeSet, type ImportFormat, type ImportReport, type SourceMigration } from './types';

export interface ImportOptions {
  format: string;
  src: string;
  out: string;
  /** Replace the migrations/ and rollback/ folders of an existing, non-empty --out. */
  force?: boolean;
  /**
   * `journal` (drizzle-kit 0.x) or `folders` (drizzle-kit 1.0). Unset: the layout of the Drizzle
   * project already in --out, else `journal`.
   */
  layout?: string;
}

export const IMPORT_LAYOUTS: readonly ProjectLayout[] = ['journal', 'folders'];

/** A file name part Drizzle's journal accepts: letters, digits, `_`, `.`, `-`. */
const sanitise = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'migration';

/**
 * Turns a folder of another tool's migrations into a Drizzle project folder Strata manages, in
 * the source tool's order, with its names: drizzle-kit 0.x's layout (`migrations/meta/_journal.json`,
 * `migrations/NNNN_<name>.sql`, `rollback/NNNN_<name>.sql`) or drizzle-kit 1.0's
 * (`migrations/<yyyymmddhhmmss>_<name>/migration.sql` and `rollback.sql`). No snapshot is
 * written in either: drizzle-orm's migrators (hence drizzle-kit's `migrate`) read only the SQL,
 * and a snapshot is drizzle-kit generate's record of a TypeScript schema these migrations never had. Files the source runs outside a transaction
 * start with `-- strata:no-transaction`. Everything that did not convert cleanly is
 * reported (no down file, SQL PostgreSQL's parser rejects, statements that cannot run in the
 * transaction the source runs them in, timestamps out of order); nothing is changed to hide
 * it. Written to a temporary folder first, so a failure leaves nothing half-written, then
 * read back with the same loader every command uses.
 */
export async function importMigrations(options: ImportOptions): Promise<ImportReport> {
  const format = checkFormat(options.format);
  const src = path.resolve(options.src);
  const out = path.resolve(options.out);
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new StrataError('BAD_USAGE', `import: ${options.src} is not a folder`);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new StrataError('BAD_USAGE', `import: --out ${options.out} is a file, not a folder`);
  const layout = chooseLayout(options.layout, out, options.out);
  const outHasFiles = fs.existsSync(out) && fs.readdirSync(out).length > 0;
  if (outHasFiles && !options.force) throw new StrataError('BAD_USAGE', `import: ${options.out} exists and is not empty; choose another --out, or add --force to replace its migrations/ and rollback/`);
  if (isInside(out, src)) throw new StrataError('BAD_USAGE', 'import: --out must not be inside the source folder');
  // --force replaces DIR/migrations and DIR/rollback: never when that would delete the source being read.
  if (['migrations', 'rollback'].some((sub) => isInside(src, path.join(out, sub)))) {
    throw new StrataError('BAD_USAGE', `import: the source folder is inside ${options.out}'s migrations/ or rollback/, which the import replaces; choose another --out`);
  }

  const listing = SOURCE_READERS[format](src);
  if (listing.migrations.length === 0) {
    throw new StrataError('BAD_USAGE', `import: no ${format} migrations in ${options.src}${listing.skipped.length ? ` (found only: ${listing.skipped.slice(0, 5).join(', ')})` : ''}`);
  }
  const flagged: ImportReport['flagged'] = [...listing.problems];
  const width = Math.max(4, String(listing.migrations.length - 1).length);
  // drizzle-orm 0.x orders by the journal's `when` (ms); 1.0 by the folder name, whose created_at is whole seconds.
  const whens = changeSetTimes(listing.migrations, flagged, layout === 'folders' ? 1000 : 1);

  const staging = `${out}.strata-import-${randomBytes(4).toString('hex')}`;
  const changeSets: ImportedChangeSet[] = [];
  try {
    fs.mkdirSync(path.join(staging, 'migrations', ...(layout === 'journal' ? ['meta'] : [])), { recursive: true });
    if (layout === 'journal') fs.mkdirSync(path.join(staging, 'rollback'), { recursive: true });
    for (const [idx, m] of listing.migrations.entries()) {
      const tag = layout === 'folders' ? `${folderTimestamp(whens[idx]!)}_${sanitise(m.name)}` : `${String(idx).padStart(width, '0')}_${sanitise(m.name)}`;
      const files = layout === 'folders'
        ? { forward: path.join('migrations', tag, 'migration.sql'), rollback: path.join('migrations', tag, 'rollback.sql') }
        : { forward: path.join('migrations', `${tag}.sql`), rollback: path.join('rollback', `${tag}.sql`) };
      if (layout === 'folders') fs.mkdirSync(path.join(staging, 'migrations', tag));
      const forward = changeSetFile(format, m.upSource, m.up, m.upNoTransaction);
      fs.writeFileSync(path.join(staging, files.forward), forward.text);
      flagged.push(...(await fileProblems(m.upSource, forward.text, m.upNoTransaction, m.upStartLine - 1 - forward.headerLines)));
      if (m.down !== null && m.downSource) {
        const rollback = changeSetFile(format, m.downSource, m.down, m.downNoTransaction);
        fs.writeFileSync(path.join(staging, files.rollback), rollback.text);
        flagged.push(...(await fileProblems(m.downSource, rollback.text, m.downNoTransaction, m.downStartLine - 1 - rollback.headerLines)));
      } else {
        flagged.push({ source: m.upSource, problem: 'no down migration: the change set cannot be rolled back' });
      }
      changeSets.push({ tag, source: m.upSource, when: whens[idx]!, hasRollback: m.down !== null, noTransaction: m.upNoTransaction });
    }
    if (layout === 'journal') {
      const journal = { version: '7', dialect: 'postgresql', entries: changeSets.map((c, idx) => ({ idx, version: '7', when: c.when, tag: c.tag, breakpoints: true })) };
      fs.writeFileSync(path.join(staging, 'migrations', 'meta', '_journal.json'), `${JSON.stringify(journal, null, 2)}\n`);
    }
    readProject(staging); // the loader every command uses must accept what was written, before it replaces anything
    moveInto(staging, out);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  // And read back from where it landed: what the other commands will see with --dir DIR.
  const landed = readProject(out).changeSets.map((c) => c.tag);
  if (landed.join('\n') !== changeSets.map((c) => c.tag).join('\n')) throw new Error(`import: ${options.out} does not hold the change sets just written`);
  return { format, src, out, layout, changeSets, skipped: listing.skipped, flagged };
}

/**
 * The layout asked for, or the one of the Drizzle project already in --out, or `journal`. An
 * import never mixes layouts in one folder: drizzle-orm 1.0 refuses a migrations/ folder with a
 * journal, and 0.x ignores migration folders; so asking for the other layout is refused up front.
 */
function chooseLayout(requested: string | undefined, out: string, shownOut: string): ProjectLayout {
  if (requested !== undefined && !(IMPORT_LAYOUTS as readonly string[]).includes(requested)) {
    throw new StrataError('BAD_USAGE', `import: --layout must be journal (drizzle-kit 0.x) or folders (drizzle-kit 1.0)${requested ? ` (got "${requested}")` : ''}`);
  }
  const existing = fs.existsSync(out) ? detectLayout(out) : null;
  if (requested && existing && requested !== existing) {
    const has = existing === 'journal' ? "drizzle-kit 0.x's layout (migrations/meta/_journal.json)" : "drizzle-kit 1.0's layout (migrations/<timestamp>_<name>/)";
    throw new StrataError('BAD_USAGE', `import: ${shownOut} is a Drizzle project in ${has}; --layout ${requested} would mix the two in one folder. Leave out --layout to import in its layout, or choose another --out`);
  }
  return (requested as ProjectLayout | undefined) ?? existing ?? 'journal';
}

/** drizzle-kit 1.0's folder prefix for a time: yyyymmddhhmmss in UTC, as drizzle-orm 1.0 reads it back. */
export function folderTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** `inner` is `outer` or somewhere below it. */
function isInside(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}${path.sep}`);
}

function checkFormat(format: string): ImportFormat {
  if ((IMPORT_FORMATS as readonly string[]).includes(format)) return format as ImportFormat;
  throw new StrataError('BAD_USAGE', `import: --from must be one of ${IMPORT_FORMATS.join(', ')}${format ? ` (got "${format}")` : ''}`);
}

/**
 * The change set file: the source's SQL untouched, under a header saying where it came from
 * (the no-transaction directive first, since the loader reads it from the first line).
 */
function changeSetFile(format: ImportFormat, source: string, sql: string, noTransaction: boolean): { text: string; headerLines: number } {
  const header = [...(noTransaction ? [NO_TRANSACTION_DIRECTIVE] : []), `-- Imported from ${format}: ${source}`];
  return { text: `${header.join('\n')}\n${sql.endsWith('\n') || sql === '' ? sql : `${sql}\n`}`, headerLines: header.length };
}

/**
 * Change set times must strictly increase (Drizzle's migrators order and compare by them), in
 * steps of `step` ms: 1 ms for the journal's `when`, 1 s for drizzle-kit 1.0's folder names. The
 * source's timestamps where it has them, nudged forward by a step where they collide or go back
 * (reported), and consecutive steps from the first on for plain sequence versions (so a
 * sequence imported into folders starts at 19700101000001).
 */
function changeSetTimes(migrations: SourceMigration[], flagged: ImportReport['flagged'], step: number): number[] {
  const times: number[] = [];
  for (const m of migrations) {
    const previous = times.at(-1) ?? 0;
    const own = m.timestamp === null ? null : m.timestamp - (m.timestamp % step);
    if (own !== null && own <= previous) {
      flagged.push({ source: m.upSource, problem: `its timestamp ${new Date(m.timestamp!).toISOString()} is not after the previous migration's; recorded ${step === 1 ? '1 ms' : '1 s'} after it to keep the order` });
    }
    times.push(Math.max(own ?? 0, previous + step));
  }
  return times;
}

const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|START\s+TRANSACTION|ABORT)\b/i;

/**
 * What PostgreSQL's parser says about one converted file, in the transaction mode it will run
 * in. Line numbers are the source file's (`lineShift` maps the written file's lines back), since
 * that is the file a person opens.
 */
async function fileProblems(source: string, text: string, noTransaction: boolean, lineShift: number): Promise<ImportReport['flagged']> {
  const file: SqlFile = { file: source, text, checksum: sha256(text), noTransaction };
  let statements;
  try {
    statements = await splitStatements(file);
  } catch (error) {
    if (!isStrataError(error, 'MALFORMED_PROJECT')) throw error;
    const line = typeof error.details.line === 'number' ? error.details.line + lineShift : null;
    const reason = error.message.replace(/^.*?SQL does not parse: /, '');
    return [{ source, problem: `does not parse${line === null ? '' : ` (line ${line})`}: ${reason}` }];
  }
  const problems: ImportReport['flagged'] = [];
  if (statements.length === 0) problems.push({ source, problem: 'has no statements: running it changes nothing' });
  for (const s of statements) {
    const at = `line ${s.line + lineShift}: ${s.sql.split('\n')[0]!.slice(0, 80)}`;
    if (!noTransaction && s.outsideTransaction) problems.push({ source, problem: `${at} cannot run inside a transaction, and the source runs this file in one: it will fail` });
    if (TRANSACTION_CONTROL.test(s.sql)) problems.push({ source, problem: `${at} controls the transaction Strata runs the change set in` });
  }
  return problems;
}

/** Puts the written folder in place: a rename, or (with --force) a swap of migrations/ and rollback/. */
function moveInto(staging: string, out: string): void {
  if (!fs.existsSync(out) || fs.readdirSync(out).length === 0) {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.renameSync(staging, out);
    return;
  }
  for (const sub of ['migrations', 'rollback']) {
    fs.rmSync(path.join(out, sub), { recursive: true, force: true });
    // The folder layout has no rollback/: its rollback.sql files sit in the migration folders.
    if (fs.existsSync(path.join(staging, sub))) fs.renameSync(path.join(staging, sub), path.join(out, sub));
  }
}
