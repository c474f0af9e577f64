import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { connect } from '../db/client';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import type { LockedConnection } from '../migrate/target-lock';
import { BACKUP_ID_PATTERN, type BackupRecord, type BackupTable } from './backup-record';
import type { CopySpec } from './copy-plan';
import { fingerprintSql, fingerprintText, toFingerprint } from './row-checksum';
import { notVerified, qualified, type BackupMeta } from './schema-store';

/**
 * Backups kept outside the target, under STRATA_BACKUP_DIR: one folder per environment, one
 * folder per backup holding a gzip-compressed COPY file per table and a manifest.json
 * (which also records each copied column's type, so the rows can be read back even after
 * their table was dropped). A backup becomes visible only once complete: it is written
 * under `<id>.partial` and renamed when every file verified.
 */
const MANIFEST_FILE = 'manifest.json';

interface FileManifest {
  id: string;
  createdAt: string;
  actor: string;
  changeSet: string;
  direction: 'up' | 'down';
  verified: boolean;
  tables: Array<BackupTable & { columnTypes: Array<{ name: string; type: string }> }>;
}

export async function copyIntoFiles(conn: LockedConnection, url: string, root: string, id: string, specs: CopySpec[], meta: BackupMeta): Promise<BackupRecord> {
  const final = path.join(root, id);
  const partial = `${final}.partial`;
  fs.mkdirSync(partial, { recursive: true });
  const tables: FileManifest['tables'] = [];
  try {
    await conn.unsafe('begin isolation level repeatable read');
    try {
      // The files are written by a second session reading this transaction's snapshot (see copyOutGzip).
      const [{ snapshot }] = (await conn.unsafe('select pg_export_snapshot() as snapshot')) as unknown as Array<{ snapshot: string }>;
      for (const [i, spec] of specs.entries()) {
        const copy = `t${i + 1}_${spec.table.name}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) + '.copy.gz';
        const file = path.join(partial, copy);
        const source = qualified(spec.table);
        const columnTypes = await columnTypesOf(conn, source, spec.columns);
        const list = columnTypes.map((c) => quoteIdent(c.name)).join(', ');
        const [original] = await conn.unsafe(fingerprintSql(source, spec.columns));
        const want = fingerprintText(toFingerprint(original as never));
        await copyOutGzip(url, snapshot, `copy (select ${list} from ${source}) to stdout`, file);
        // Read back what reached the disk, through PostgreSQL's own input parser: the copy is
        // verified only if the file, loaded, has the same rows as the source.
        const got = await fingerprintOfFile(conn, file, columnTypes);
        if (want !== got) throw notVerified(spec, want, got);
        tables.push({ source: `${spec.table.schema}.${spec.table.name}`, copy, columns: spec.columns, key: spec.key, rows: toFingerprint(original as never).rows, fingerprint: want, columnTypes });
      }
      await conn.unsafe('commit');
    } catch (error) {
      await conn.unsafe('rollback').catch(() => undefined);
      throw error;
    }
    const manifest: FileManifest = { id, createdAt: new Date().toISOString(), actor: meta.actor, changeSet: meta.changeSet, direction: meta.direction, verified: true, tables };
    fs.writeFileSync(path.join(partial, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
    fs.renameSync(partial, final);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return toRecord(readManifest(final)!, final);
}

/**
 * Streams a COPY TO STDOUT into a gzip file from its own session, which reads `snapshot` (the
 * backup transaction's, so the file holds exactly the rows that were fingerprinted). Its own
 * session because postgres.js can leave a connection unusable after a COPY stream that was
 * paused for backpressure (porsager/postgres#499): that session is thrown away, never the
 * locked one. Chunks (one per row) are batched to 1 MB before compression: handing each row
 * to the compressor on its own is 20 times slower.
 */
async function copyOutGzip(url: string, snapshot: string, copy: string, file: string): Promise<void> {
  const sql = connect(url, { max: 1, applicationName: 'strata:backup-copy' });
  try {
    const session = await sql.reserve();
    await session.unsafe('begin isolation level repeatable read read only');
    await session.unsafe(`set transaction snapshot '${snapshot.replace(/'/g, "''")}'`);
    const source = await session.unsafe(copy).readable();
    const gzip = createGzip({ level: 1 });
    const written = pipeline(gzip, fs.createWriteStream(file));
    let batch: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of source) {
      batch.push(chunk as Uint8Array);
      size += (chunk as Uint8Array).length;
      if (size < 1 << 20) continue;
      if (!gzip.write(Buffer.concat(batch))) await new Promise((resolve) => gzip.once('drain', resolve));
      batch = [];
      size = 0;
    }
    gzip.end(Buffer.concat(batch));
    await written;
  } finally {
    await sql.end({ timeout: 0.1 });
  }
}

/** The backups in this environment's folder, newest first. */
export function listFileBackups(root: string): BackupRecord[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((name) => BACKUP_ID_PATTERN.test(name))
    .sort()
    .reverse()
    .flatMap((name) => {
      const manifest = readManifest(path.join(root, name));
      return manifest ? [toRecord(manifest, path.join(root, name))] : [];
    });
}

export function dropFileBackup(root: string, id: string): void {
  if (!BACKUP_ID_PATTERN.test(id)) throw new StrataError('BAD_USAGE', `"${id}" is not a Strata backup name`);
  fs.rmSync(path.join(root, id), { recursive: true, force: true });
}

/**
 * Loads one copied table from its file into a temporary table of the connection's current
 * transaction (dropped at its end) and returns the temporary table's quoted name.
 */
export async function stageFileCopy(conn: LockedConnection, root: string, id: string, table: BackupTable, name: string): Promise<string> {
  const manifest = readManifest(path.join(root, id));
  const entry = manifest?.tables.find((t) => t.copy === table.copy);
  if (!entry) throw new StrataError('NOT_FOUND', `Backup ${id} has no copy ${table.copy}`);
  await conn.unsafe(`create temp table ${quoteIdent(name)} (${entry.columnTypes.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')}) on commit drop`);
  await pipeline(fs.createReadStream(path.join(root, id, entry.copy)), createGunzip(), await conn.unsafe(`copy ${quoteIdent(name)} from stdin`).writable());
  return quoteIdent(name);
}

async function fingerprintOfFile(conn: LockedConnection, file: string, columnTypes: Array<{ name: string; type: string }>): Promise<string> {
  const name = 'strata_backup_verify';
  await conn.unsafe(`create temp table ${quoteIdent(name)} (${columnTypes.map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ')})`);
  try {
    await pipeline(fs.createReadStream(file), createGunzip(), await conn.unsafe(`copy ${quoteIdent(name)} from stdin`).writable());
    const [loaded] = await conn.unsafe(fingerprintSql(quoteIdent(name), null));
    return fingerprintText(toFingerprint(loaded as never));
  } finally {
    await conn.unsafe(`drop table if exists ${quoteIdent(name)}`);
  }
}

/** The copied columns (all, or `columns`) in order, with their types as format_type prints them. */
async function columnTypesOf(conn: LockedConnection, relation: string, columns: string[] | null): Promise<Array<{ name: string; type: string }>> {
  const rows = await conn`
    select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
    where a.attrelid = ${relation}::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum`;
  const all = rows.map((r) => ({ name: String(r.attname), type: String(r.type) }));
  return columns ? columns.map((c) => all.find((a) => a.name === c)!).filter(Boolean) : all;
}

function readManifest(folder: string): FileManifest | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(folder, MANIFEST_FILE), 'utf8')) as FileManifest;
  } catch {
    return null;
  }
}

function toRecord(m: FileManifest, folder: string): BackupRecord {
  const sizeBytes = fs.readdirSync(folder).reduce((n, f) => n + fs.statSync(path.join(folder, f)).size, 0);
  return {
    id: m.id,
    location: 'files',
    createdAt: new Date(m.createdAt),
    actor: m.actor,
    changeSet: m.changeSet,
    direction: m.direction,
    tables: m.tables.map(({ columnTypes: _types, ...t }) => t),
    verified: m.verified,
    sizeBytes,
  };
}
