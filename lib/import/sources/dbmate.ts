import fs from 'node:fs';
import path from 'node:path';
import type { ImportProblem, SourceListing, SourceMigration } from '../types';
import { byNumericVersion, duplicateVersions, migration, read, type SourceSide } from './common';

/** dbmate's file name: the version is the leading digits; the rest (usually `_<name>`) is free. */
const FILE = /^(\d+)_?(.*)\.sql$/;
/** dbmate's block markers, at the start of a line, with options after them (`transaction:false`). */
const MARKER = /^--\s*migrate:(up|down)(\s*$|\s+\S.*$)/;

/**
 * dbmate: `<version>_<name>.sql` holding a `-- migrate:up` block and a `-- migrate:down` block.
 * Read as dbmate reads it: the up block runs from its marker to the down marker, the down
 * block to the end of the file, and `transaction:false` on a marker runs that block outside a
 * transaction. Files dbmate itself refuses (no up block, down before up, statements before the
 * up marker) never ran anywhere, so they are reported and not imported.
 * SRC may be the migrations folder or the project folder holding dbmate's default `db/migrations`.
 */
export function readDbmate(src: string): SourceListing {
  const folder = dbmateFolder(src);
  const prefix = folder === src ? '' : `${path.relative(src, folder)}/`;
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  const problems: ImportProblem[] = [];
  for (const file of fs.readdirSync(folder).sort()) {
    const match = FILE.exec(file);
    if (!match || !fs.statSync(path.join(folder, file)).isFile()) {
      skipped.push(`${prefix}${file}`);
      continue;
    }
    const source = `${prefix}${file}`;
    const blocks = splitBlocks(read(path.join(folder, file)), source);
    if ('problem' in blocks) {
      problems.push({ source, problem: `${blocks.problem}: dbmate refuses this file, so it is not imported` });
      continue;
    }
    migrations.push(migration(match[1]!, match[2] || match[1]!, blocks.up, blocks.down));
  }
  migrations.sort(byNumericVersion);
  return { migrations, skipped, problems: [...problems, ...duplicateVersions(migrations)] };
}

function dbmateFolder(src: string): string {
  const nested = path.join(src, 'db', 'migrations');
  const hasOwnFiles = fs.readdirSync(src).some((f) => FILE.test(f));
  return !hasOwnFiles && fs.existsSync(nested) && fs.statSync(nested).isDirectory() ? nested : src;
}

function splitBlocks(text: string, source: string): { up: SourceSide; down: SourceSide | null } | { problem: string } {
  const lines = text.split('\n');
  const upAt = lines.findIndex((l) => MARKER.exec(l)?.[1] === 'up');
  const downAt = lines.findIndex((l) => MARKER.exec(l)?.[1] === 'down');
  if (upAt < 0) return { problem: 'no "-- migrate:up" block' };
  if (downAt >= 0 && downAt < upAt) return { problem: '"-- migrate:down" comes before "-- migrate:up"' };
  if (lines.slice(0, upAt).some((l) => l.trim() !== '' && !/^\s*--/.test(l))) return { problem: 'statements before "-- migrate:up"' };
  const options = (at: number) => ({ noTransaction: /(^|\s)transaction:false(\s|$)/.test(MARKER.exec(lines[at]!)![2]!) });
  const up = { source: `${source} (migrate:up)`, text: lines.slice(upAt + 1, downAt < 0 ? undefined : downAt).join('\n'), startLine: upAt + 2, ...options(upAt) };
  if (downAt < 0) return { up, down: null };
  const downText = lines.slice(downAt + 1).join('\n');
  // An empty down block is dbmate's "cannot be rolled back": no rollback file, reported as such.
  const down = downText.trim() === '' ? null : { source: `${source} (migrate:down)`, text: downText, startLine: downAt + 2, ...options(downAt) };
  return { up, down };
}
