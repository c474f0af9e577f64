import fs from 'node:fs';
import path from 'node:path';
import type { SourceListing, SourceMigration } from '../types';
import { byNumericVersion, duplicateVersions, migration, read } from './common';

const FILE = /^(\d+)[_-](.+)\.sql$/;
const DOWN_FILE = /(\.down|_down)\.sql$/;

/**
 * Plain numbered SQL (`001_init.sql`, `003-add-x.sql`), ordered by number. A rollback only when
 * `001_init.down.sql`, `001_init_down.sql` or `down/001_init.sql` exists; there is no
 * convention for running a file outside a transaction.
 */
export function readPlainSql(src: string): SourceListing {
  const entries = fs.readdirSync(src, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const files = new Set(entries.filter((f) => f.isFile()).map((f) => f.name));
  const downDir = path.join(src, 'down');
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory() && entry.name === 'down') continue;
    const match = entry.isFile() ? FILE.exec(entry.name) : null;
    if (!match) {
      skipped.push(entry.name);
      continue;
    }
    if (DOWN_FILE.test(entry.name)) continue; // read with its up file below (an orphan is reported there)
    const base = entry.name.slice(0, -'.sql'.length);
    const sibling = [`${base}.down.sql`, `${base}_down.sql`].find((n) => files.has(n));
    const downFile = sibling ? path.join(src, sibling) : fs.existsSync(path.join(downDir, entry.name)) ? path.join(downDir, entry.name) : null;
    const down = downFile ? { source: path.relative(src, downFile), text: read(downFile) } : null;
    migrations.push(migration(match[1]!, match[2]!, { source: entry.name, text: read(path.join(src, entry.name)) }, down));
  }
  migrations.sort(byNumericVersion);
  const used = new Set(migrations.map((m) => m.downSource));
  const orphans = [...files].filter((f) => DOWN_FILE.test(f) && FILE.test(f) && !used.has(f));
  const orphanDirFiles = fs.existsSync(downDir) ? fs.readdirSync(downDir).map((f) => `down/${f}`).filter((f) => !used.has(f)) : [];
  const problems = [...orphans, ...orphanDirFiles].map((source) => ({ source, problem: 'a down file without its up file: not imported' }));
  return { migrations, skipped, problems: [...problems, ...duplicateVersions(migrations)] };
}
