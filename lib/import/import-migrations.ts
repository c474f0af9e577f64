import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NO_TRANSACTION_DIRECTIVE, readProject, sha256, type SqlFile } from '../changesets/project';
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
}

/** A file name part Drizzle's journal accepts: letters, digits, `_`, `.`, `-`. */
const sanitise = (name: string) => name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '') || 'migration';

/**
 * Turns a folder of another tool's migrations into a Drizzle project folder Strata manages:
 * `migrations/meta/_journal.json`, `migrations/NNNN_<name>.sql`, `rollback/NNNN_<name>.sql`,
 * in the source tool's order, with its names. Files the source runs outside a transaction
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
  const whens = journalTimes(listing.migrations, flagged);

  const staging = `${out}.strata-import-${randomBytes(4).toString('hex')}`;
  const changeSets: ImportedChangeSet[] = [];
  try {
    fs.mkdirSync(path.join(staging, 'migrations', 'meta'), { recursive: true });
    fs.mkdirSync(path.join(staging, 'rollback'), { recursive: true });
    for (const [idx, m] of listing.migrations.entries()) {
      const tag = `${String(idx).padStart(width, '0')}_${sanitise(m.name)}`;
      const forward = changeSetFile(format, m.upSource, m.up, m.upNoTransaction);
      fs.writeFileSync(path.join(staging, 'migrations', `${tag}.sql`), forward.text);
      flagged.push(...(await fileProblems(m.upSource, forward.text, m.upNoTransaction, m.upStartLine - 1 - forward.headerLines)));
      if (m.down !== null && m.downSource) {
        const rollback = changeSetFile(format, m.downSource, m.down, m.downNoTransaction);
        fs.writeFileSync(path.join(staging, 'rollback', `${tag}.sql`), rollback.text);
        flagged.push(...(await fileProblems(m.downSource, rollback.text, m.downNoTransaction, m.downStartLine - 1 - rollback.headerLines)));
      } else {
        flagged.push({ source: m.upSource, problem: 'no down migration: the change set cannot be rolled back' });
      }
      changeSets.push({ tag, source: m.upSource, when: whens[idx]!, hasRollback: m.down !== null, noTransaction: m.upNoTransaction });
    }
    const journal = { version: '7', dialect: 'postgresql', entries: changeSets.map((c, idx) => ({ idx, version: '7', when: c.when, tag: c.tag, breakpoints: true })) };
    fs.writeFileSync(path.join(staging, 'migrations', 'meta', '_journal.json'), `${JSON.stringify(journal, null, 2)}\n`);
    readProject(staging); // the loader every command uses must accept what was written, before it replaces anything
    moveInto(staging, out);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  // And read back from where it landed: what the other commands will see with --dir DIR.
  const landed = readProject(out).changeSets.map((c) => c.tag);
  if (landed.join('\n') !== changeSets.map((c) => c.tag).join('\n')) throw new Error(`import: ${options.out} does not hold the change sets just written`);
  return { format, src, out, changeSets, skipped: listing.skipped, flagged };
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
 * Journal times must strictly increase (Drizzle's migrator compares them): the source's
 * timestamps where it has them, nudged forward by a millisecond where they collide or go
 * back (reported), and consecutive numbers from 1 ms on for plain sequence versions.
 */
function journalTimes(migrations: SourceMigration[], flagged: ImportReport['flagged']): number[] {
  const times: number[] = [];
  for (const m of migrations) {
    const previous = times.at(-1) ?? 0;
    if (m.timestamp !== null && m.timestamp <= previous) {
      flagged.push({ source: m.upSource, problem: `its timestamp ${new Date(m.timestamp).toISOString()} is not after the previous migration's; recorded 1 ms after it to keep the order` });
    }
    times.push(Math.max(m.timestamp ?? 0, previous + 1));
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
    fs.renameSync(path.join(staging, sub), path.join(out, sub));
  }
}
