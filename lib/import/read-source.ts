import fs from 'node:fs';
import path from 'node:path';
import type { ImportFormat, SourceListing, SourceMigration } from './types';
import { versionTimestamp } from './version-time';

const read = (file: string) => fs.readFileSync(file, 'utf8');

function migration(version: string, name: string, up: { source: string; text: string }, down: { source: string; text: string } | null, noTx = { up: false, down: false }): SourceMigration {
  return {
    version,
    name,
    upSource: up.source,
    downSource: down?.source ?? null,
    up: up.text,
    down: down?.text ?? null,
    upNoTransaction: noTx.up,
    downNoTransaction: noTx.down,
    timestamp: versionTimestamp(version),
  };
}

/** Numbers sort as numbers (`2` before `10`), anything else as text. */
function byVersion(a: SourceMigration, b: SourceMigration): number {
  const [x, y] = [a.version.replace(/-/g, ''), b.version.replace(/-/g, '')];
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
    const d = BigInt(x) - BigInt(y);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

function duplicates(migrations: SourceMigration[]): string[] {
  const seen = new Map<string, string>();
  const problems: string[] = [];
  for (const m of migrations) {
    const key = m.version.replace(/-/g, '');
    if (seen.has(key)) problems.push(`${m.upSource}: version ${m.version} is also used by ${seen.get(key)}`);
    else seen.set(key, m.upSource);
  }
  return problems;
}

/** Diesel: `<version>_<name>/up.sql` + `down.sql` (+ metadata.toml `run_in_transaction = false`); ordered by version without dashes. */
function readDiesel(src: string): SourceListing {
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  const problems: string[] = [];
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const match = /^(\d{4}-\d{2}-\d{2}-\d{6}(?:-\d{4})?|\d{14})_(.+)$/.exec(entry.name);
    if (!entry.isDirectory() || !match) {
      skipped.push(entry.name);
      continue;
    }
    const dir = path.join(src, entry.name);
    if (!fs.existsSync(path.join(dir, 'up.sql'))) {
      problems.push(`${entry.name}: no up.sql`);
      continue;
    }
    const metadata = path.join(dir, 'metadata.toml');
    // The only setting Diesel reads there; a TOML parser for one boolean would be overkill.
    const noTx = fs.existsSync(metadata) && /^\s*run_in_transaction\s*=\s*false\s*$/m.test(read(metadata));
    const down = fs.existsSync(path.join(dir, 'down.sql')) ? { source: `${entry.name}/down.sql`, text: read(path.join(dir, 'down.sql')) } : null;
    migrations.push(migration(match[1]!, match[2]!, { source: `${entry.name}/up.sql`, text: read(path.join(dir, 'up.sql')) }, down, { up: noTx, down: noTx }));
  }
  // Diesel orders by the version with its dashes removed, compared as text (so 2025-…-0000 sorts by its date).
  const key = (m: SourceMigration) => m.version.replace(/-/g, '');
  migrations.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { migrations, skipped: skipped.sort(), problems: [...problems, ...duplicates(migrations)] };
}

/** golang-migrate: `<version>_<title>.up.sql` / `.down.sql`. */
function readGolangMigrate(src: string): SourceListing {
  const files = fs.readdirSync(src).sort();
  const ups = new Map<string, string>();
  const downs = new Map<string, string>();
  const skipped: string[] = [];
  for (const file of files) {
    const match = /^(\d+)_(.+)\.(up|down)\.sql$/.exec(file);
    if (!match) skipped.push(file);
    else (match[3] === 'up' ? ups : downs).set(`${match[1]}_${match[2]}`, file);
  }
  const problems = [...downs.keys()].filter((k) => !ups.has(k)).map((k) => `${downs.get(k)}: a down file without its up file`);
  const migrations = [...ups].map(([key, file]) => {
    const [, version, name] = /^(\d+)_(.+)$/.exec(key)!;
    const down = downs.get(key);
    return migration(version!, name!, { source: file, text: read(path.join(src, file)) }, down ? { source: down, text: read(path.join(src, down)) } : null);
  });
  return { migrations: migrations.sort(byVersion), skipped, problems: [...problems, ...duplicates(migrations)] };
}

const DBMATE_MARKER = /^--\s*migrate:(up|down)\b(.*)$/;

/** dbmate: `<version>_<name>.sql` with `-- migrate:up [transaction:false]` and `-- migrate:down` sections. */
function readDbmate(src: string): SourceListing {
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  const problems: string[] = [];
  for (const file of fs.readdirSync(src).sort()) {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) {
      skipped.push(file);
      continue;
    }
    const sections: Record<'up' | 'down', { text: string[]; noTx: boolean } | undefined> = { up: undefined, down: undefined };
    let current: 'up' | 'down' | null = null;
    for (const line of read(path.join(src, file)).split('\n')) {
      const marker = DBMATE_MARKER.exec(line.trim());
      if (marker) {
        current = marker[1] as 'up' | 'down';
        sections[current] = { text: [], noTx: /\btransaction:false\b/.test(marker[2]!) };
      } else if (current) sections[current]!.text.push(line);
    }
    if (!sections.up) {
      problems.push(`${file}: no "-- migrate:up" section`);
      continue;
    }
    const down = sections.down && sections.down.text.join('\n').trim() !== '' ? { source: `${file} (migrate:down)`, text: sections.down.text.join('\n') } : null;
    migrations.push(migration(match[1]!, match[2]!, { source: `${file} (migrate:up)`, text: sections.up.text.join('\n') }, down, { up: sections.up.noTx, down: sections.down?.noTx ?? false }));
  }
  return { migrations: migrations.sort(byVersion), skipped, problems: [...problems, ...duplicates(migrations)] };
}

/** Plain numbered SQL: `001_init.sql`; a rollback when `001_init.down.sql`, `001_init_down.sql` or `down/001_init.sql` exists. */
function readPlainSql(src: string): SourceListing {
  const files = fs.readdirSync(src, { withFileTypes: true });
  const names = new Set(files.filter((f) => f.isFile()).map((f) => f.name));
  const downDir = path.join(src, 'down');
  const isDown = (file: string) => /(\.down|_down)\.sql$/.test(file);
  const migrations: SourceMigration[] = [];
  const skipped: string[] = [];
  for (const entry of files.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const match = entry.isFile() ? /^(\d+)[_-](.+)\.sql$/.exec(entry.name) : null;
    if (!match || isDown(entry.name)) {
      if (!(entry.isDirectory() && entry.name === 'down') && !isDown(entry.name)) skipped.push(entry.name);
      continue;
    }
    const base = entry.name.slice(0, -'.sql'.length);
    const downName = [`${base}.down.sql`, `${base}_down.sql`].find((n) => names.has(n));
    const downFile = downName ? path.join(src, downName) : fs.existsSync(path.join(downDir, entry.name)) ? path.join(downDir, entry.name) : null;
    const down = downFile ? { source: path.relative(src, downFile), text: read(downFile) } : null;
    migrations.push(migration(match[1]!, match[2]!, { source: entry.name, text: read(path.join(src, entry.name)) }, down));
  }
  return { migrations: migrations.sort(byVersion), skipped, problems: duplicates(migrations) };
}

export const SOURCE_READERS: Record<ImportFormat, (src: string) => SourceListing> = {
  sql: readPlainSql,
  'golang-migrate': readGolangMigrate,
  dbmate: readDbmate,
  diesel: readDiesel,
};
