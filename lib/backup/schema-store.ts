import type { Sql } from '../db/client';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import type { TableName } from '../db/row-counts';
import { StrataError } from '../errors';
import type { LockedConnection } from '../migrate/target-lock';
import { BACKUP_ID_PREFIX, type BackupRecord, type BackupTable } from './backup-record';
import type { CopySpec } from './copy-plan';
import { fingerprintSql, fingerprintText, toFingerprint } from './row-checksum';

/**
 * Backups kept in the target itself, one schema each: no credentials, dump tools or disk
 * outside the database are involved; the cost is the database's own disk, which the
 * environment page shows. `_manifest` says what came from where (its first columns are the
 * layout of the first Strata backups, which stay readable), `_backup` what it was taken for.
 */
const MANIFEST = '_manifest';
const META = '_backup';

export interface BackupMeta {
  actor: string;
  changeSet: string;
  direction: 'up' | 'down';
}

/**
 * Copies every spec into a new schema `id` in one REPEATABLE READ transaction, so each copy
 * and its source are read in the same snapshot, and verifies each copy against its source
 * (row count and checksum) before committing. A copy that does not match rolls everything
 * back — the schema included — and throws BACKUP_NOT_VERIFIED.
 */
export async function copyIntoSchema(conn: LockedConnection, id: string, specs: CopySpec[], meta: BackupMeta): Promise<BackupRecord> {
  const tables: BackupTable[] = [];
  await conn.unsafe('begin isolation level repeatable read');
  try {
    await conn.unsafe(`create schema ${quoteIdent(id)}`);
    await conn.unsafe(`create table ${quoteQualified(id, MANIFEST)} (
      source text not null, backup_table text not null, rows bigint not null,
      copied_at timestamptz not null default now(), actor text not null, change_sets text[] not null,
      columns text[], key_columns text[] not null default '{}', fingerprint text)`);
    await conn.unsafe(`create table ${quoteQualified(id, META)} (
      change_set text not null, direction text not null, actor text not null,
      created_at timestamptz not null default now(), verified boolean not null)`);
    for (const [i, spec] of specs.entries()) {
      // Short, unique names: the source's own name may already use all 63 bytes.
      const copy = `t${i + 1}_${spec.table.name}`.slice(0, 60);
      const source = qualified(spec.table);
      const list = spec.columns ? spec.columns.map(quoteIdent).join(', ') : '*';
      await conn.unsafe(`create table ${quoteQualified(id, copy)} as select ${list} from ${source}`);
      const [original] = await conn.unsafe(fingerprintSql(source, spec.columns));
      const [copied] = await conn.unsafe(fingerprintSql(quoteQualified(id, copy), null));
      const want = fingerprintText(toFingerprint(original as never));
      const got = fingerprintText(toFingerprint(copied as never));
      if (want !== got) throw notVerified(spec, want, got);
      const entry: BackupTable = { source: `${spec.table.schema}.${spec.table.name}`, copy, columns: spec.columns, key: spec.key, rows: toFingerprint(original as never).rows, fingerprint: want };
      await conn`insert into ${conn(id)}.${conn(MANIFEST)} (source, backup_table, rows, actor, change_sets, columns, key_columns, fingerprint)
        values (${entry.source}, ${copy}, ${entry.rows}, ${meta.actor}, ${conn.array([meta.changeSet])}, ${spec.columns ? conn.array(spec.columns) : null}, ${conn.array(spec.key)}, ${want})`;
      tables.push(entry);
    }
    await conn`insert into ${conn(id)}.${conn(META)} (change_set, direction, actor, verified) values (${meta.changeSet}, ${meta.direction}, ${meta.actor}, true)`;
    await conn.unsafe('commit');
  } catch (error) {
    await conn.unsafe('rollback').catch(() => undefined);
    throw error;
  }
  const [size] = await conn`select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ${id}`;
  return { id, location: 'schema', createdAt: new Date(), actor: meta.actor, changeSet: meta.changeSet, direction: meta.direction, tables, verified: true, sizeBytes: Number(size?.bytes ?? 0) };
}

export function notVerified(spec: CopySpec, want: string, got: string): StrataError {
  const name = `${spec.table.schema}.${spec.table.name}`;
  return new StrataError(
    'BACKUP_NOT_VERIFIED',
    `The copy of ${name} does not match it (source ${describe(want)}, copy ${describe(got)}): the backup is discarded and the change set did not run. Nothing changed.`,
  );
}

function describe(fingerprint: string): string {
  const [rows, sum] = fingerprint.split(':');
  return `${rows} rows, checksum …${(sum ?? '').slice(-8)}`;
}

/** The backup schemas on this target, newest first (their names start with the UTC time). */
export async function listSchemaBackups(sql: Sql): Promise<BackupRecord[]> {
  const schemas = await sql`
    select n.nspname, to_regclass(quote_ident(n.nspname) || '.' || ${META}) is not null as has_meta,
      (select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c where c.relnamespace = n.oid and c.relkind = 'r')::bigint as bytes
    from pg_namespace n
    where n.nspname like ${`${BACKUP_ID_PREFIX}%`} and to_regclass(quote_ident(n.nspname) || '.' || ${MANIFEST}) is not null
    order by n.nspname desc`;
  const found: BackupRecord[] = [];
  for (const s of schemas) found.push(await readSchemaBackup(sql, String(s.nspname), Boolean(s.has_meta), Number(s.bytes)));
  return found;
}

async function readSchemaBackup(sql: Sql, id: string, hasMeta: boolean, sizeBytes: number): Promise<BackupRecord> {
  const rows = await sql.unsafe(`select * from ${quoteQualified(id, MANIFEST)} order by backup_table`);
  const [meta] = hasMeta ? await sql.unsafe(`select * from ${quoteQualified(id, META)}`) : [];
  const first = rows[0];
  const tables: BackupTable[] = rows.map((r) => ({
    source: String(r.source),
    copy: String(r.backup_table),
    // Backups from before column copies existed hold whole tables, unverified.
    columns: (r.columns as string[] | null | undefined) ?? null,
    key: (r.key_columns as string[] | undefined) ?? [],
    rows: Number(r.rows),
    fingerprint: (r.fingerprint as string | null | undefined) ?? null,
  }));
  return {
    id,
    location: 'schema',
    createdAt: new Date(meta?.created_at ?? first?.copied_at ?? Date.now()),
    actor: String(meta?.actor ?? first?.actor ?? 'unknown'),
    changeSet: meta ? String(meta.change_set) : ((first?.change_sets as string[] | undefined)?.join(', ') ?? null),
    direction: meta ? (meta.direction as 'up' | 'down') : first ? 'down' : null,
    tables,
    verified: Boolean(meta?.verified),
    sizeBytes,
  };
}

export async function dropSchemaBackup(sql: Sql, id: string): Promise<void> {
  await sql.unsafe(`drop schema if exists ${quoteIdent(id)} cascade`);
}

/** Where the rows of one copy can be read (a relation name, quoted). */
export function schemaCopyRelation(id: string, table: BackupTable): string {
  return quoteQualified(id, table.copy);
}

export function qualified(table: TableName): string {
  return quoteQualified(table.schema, table.name);
}
