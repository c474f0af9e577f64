import fs from 'node:fs';
import path from 'node:path';
import type { ImportProblem, SourceListing, SourceMigration } from '../types';
import { duplicateVersions, migration, read } from './common';

/** `<version>_<name>`: Diesel's versions are digits with optional dashes (2024-10-25-112826, 20170708133715, 2025-11-19-091444-0000). */
const FOLDER = /^(\d[\d-]*)_(.+)$/;
/** The only metadata.toml setting Diesel reads; a TOML parser for one boolean (with an optional comment) would be overkill. */
const NO_TRANSACTION = /^\s*run_in_transaction\s*=\s*false\s*(#.*)?$/m;

/** Diesel: `<version>_<name>/up.sql` + `down.sql` (+ metadata.toml `run_in_transaction = false`). */
export function readDiesel(src: string): SourceListing {
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  const problems: ImportProblem[] = [];
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const match = FOLDER.exec(entry.name);
    if (!entry.isDirectory() || !match) {
      skipped.push(entry.name);
      continue;
    }
    const dir = path.join(src, entry.name);
    if (!fs.existsSync(path.join(dir, 'up.sql'))) {
      problems.push({ source: entry.name, problem: 'no up.sql: not imported (Diesel skips it too)' });
      continue;
    }
    const metadata = path.join(dir, 'metadata.toml');
    const noTransaction = fs.existsSync(metadata) && NO_TRANSACTION.test(read(metadata));
    const downFile = path.join(dir, 'down.sql');
    const down = fs.existsSync(downFile) ? { source: `${entry.name}/down.sql`, text: read(downFile), noTransaction } : null;
    migrations.push(migration(match[1]!, match[2]!, { source: `${entry.name}/up.sql`, text: read(path.join(dir, 'up.sql')), noTransaction }, down));
  }
  // Diesel orders by the version with its dashes removed, compared as text (so 2025-…-0000 sorts by its date).
  const key = (m: SourceMigration) => m.version.replace(/-/g, '');
  migrations.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { migrations, skipped: skipped.sort(), problems: [...problems, ...duplicateVersions(migrations)] };
}
