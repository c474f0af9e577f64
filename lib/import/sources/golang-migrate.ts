import fs from 'node:fs';
import path from 'node:path';
import type { ImportProblem, SourceListing } from '../types';
import { byNumericVersion, duplicateVersions, migration, read } from './common';

/** golang-migrate's file name: `<version>_<title>.up.sql` / `.down.sql`, version an unsigned number (sequence or timestamp). */
const FILE = /^(\d+)_(.+)\.(up|down)\.sql$/;

/** golang-migrate: pairs of up and down files, ordered by version as a number. It has no per-file transaction setting. */
export function readGolangMigrate(src: string): SourceListing {
  const ups = new Map<string, string>();
  const downs = new Map<string, string>();
  const skipped: string[] = [];
  for (const file of fs.readdirSync(src).sort()) {
    const match = FILE.exec(file);
    if (!match || !fs.statSync(path.join(src, file)).isFile()) skipped.push(file);
    else (match[3] === 'up' ? ups : downs).set(`${match[1]}_${match[2]}`, file);
  }
  const problems: ImportProblem[] = [...downs.keys()].filter((k) => !ups.has(k)).map((k) => ({ source: downs.get(k)!, problem: 'a down file without its up file: not imported' }));
  const migrations = [...ups].map(([key, file]) => {
    const [, version, name] = /^(\d+)_(.+)$/.exec(key)!;
    const down = downs.get(key);
    return migration(version!, name!, { source: file, text: read(path.join(src, file)) }, down ? { source: down, text: read(path.join(src, down)) } : null);
  });
  migrations.sort(byNumericVersion);
  return { migrations, skipped, problems: [...problems, ...duplicateVersions(migrations)] };
}
