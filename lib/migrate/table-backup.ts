import { randomBytes } from 'node:crypto';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import { StrataError } from '../errors';
import type { LockedConnection } from './target-lock';

/**
 * Before a rollback destroys rows, the affected tables are copied into a timestamped backup
 * schema on the same database (`strata_backup_<utc>_<version>_<random>`), with a manifest
 * saying what came from where, so that a mistaken rollback can be undone with
 * `strata backup restore`. Same database, so no credentials or dump tools are involved;
 * the cost is disk space, which the history makes visible. Which tables have rows is read
 * by lib/db/row-counts.ts, like every row count a run or a dry run shows.
 */

export const BACKUP_SCHEMA_PREFIX = 'strata_backup_';
const BACKUP_SCHEMA_PATTERN = /^strata_backup_[a-z0-9_]{1,49}$/;
const MANIFEST = '_manifest';

type Queryable = LockedConnection;

export interface TableBackup {
  schema: string;
  tables: Array<{ source: string; backupTable: string; rows: number }>;
}

/** Copies `tables` into a new backup schema inside one transaction; returns where. */
export async function backupTables(sql: Queryable, tables: string[], label: string, meta: { actor: string; changeSets: string[] }): Promise<TableBackup> {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '').replace('T', 't').slice(0, 15);
  const schema = `${BACKUP_SCHEMA_PREFIX}${stamp}_${label.toLowerCase().replace(/[^a-z0-9]/g, '')}_${randomBytes(2).toString('hex')}`;
  const backup: TableBackup = { schema, tables: [] };
  await sql.unsafe('begin');
  try {
    await sql.unsafe(`create schema ${quoteIdent(schema)}`);
    await sql.unsafe(`create table ${quoteQualified(schema, MANIFEST)} (
      source text not null, backup_table text not null, rows bigint not null,
      copied_at timestamptz not null default now(), actor text not null, change_sets text[] not null)`);
    for (const [i, source] of tables.entries()) {
      const [sourceSchema, ...rest] = source.split('.');
      const sourceName = rest.join('.');
      // Short, unique names: the source's own name may already use all 63 bytes.
      const backupTable = `t${i + 1}_${sourceName}`.slice(0, 60);
      const copied = await sql.unsafe(`create table ${quoteQualified(schema, backupTable)} as table ${quoteQualified(sourceSchema!, sourceName)}`);
      const rows = Number(copied.count ?? 0);
      await sql`insert into ${sql(schema)}.${sql(MANIFEST)} (source, backup_table, rows, actor, change_sets)
        values (${source}, ${backupTable}, ${rows}, ${meta.actor}, ${sql.array(meta.changeSets)})`;
      backup.tables.push({ source, backupTable, rows });
    }
    await sql.unsafe('commit');
  } catch (error) {
    await sql.unsafe('rollback').catch(() => undefined);
    throw error;
  }
  return backup;
}

/** Backups on this database, newest first. */
export async function listBackups(sql: Queryable): Promise<TableBackup[]> {
  const schemas = await sql`
    select nspname from pg_namespace where nspname like ${`${BACKUP_SCHEMA_PREFIX}%`}
      and to_regclass(quote_ident(nspname) || '._manifest') is not null
    order by nspname desc`;
  const result: TableBackup[] = [];
  for (const { nspname } of schemas) result.push(await readManifest(sql, String(nspname)));
  return result;
}

async function readManifest(sql: Queryable, schema: string): Promise<TableBackup> {
  const rows = await sql.unsafe(`select source, backup_table, rows from ${quoteQualified(schema, MANIFEST)} order by backup_table`);
  return { schema, tables: rows.map((r) => ({ source: String(r.source), backupTable: String(r.backup_table), rows: Number(r.rows) })) };
}

/**
 * Puts backed-up rows back into their tables (which must exist again, e.g. after
 * re-applying the rolled-back change set): the columns both sides share, identity values
 * kept. A row whose primary key exists gets its backed-up values back (that is what undoes
 * a dropped column); tables without a primary key only gain missing rows. One
 * transaction: all or nothing.
 */
export async function restoreBackup(sql: Queryable, schema: string): Promise<Array<{ table: string; rows: number }>> {
  if (!BACKUP_SCHEMA_PATTERN.test(schema)) {
    throw new StrataError('BAD_USAGE', `"${schema}" is not a Strata backup schema name (strata_backup_…)`);
  }
  const [exists] = await sql`select to_regclass(${`${schema}.${MANIFEST}`}) is not null as ok`;
  if (!exists?.ok) throw new StrataError('NOT_FOUND', `No backup schema "${schema}" on this target`);
  const manifest = await readManifest(sql, schema);
  const restored: Array<{ table: string; rows: number }> = [];
  await sql.unsafe('begin');
  try {
    for (const entry of manifest.tables) {
      const [sourceSchema, ...rest] = entry.source.split('.');
      const sourceName = rest.join('.');
      const [present] = await sql`select to_regclass(${quoteQualified(sourceSchema!, sourceName)}) is not null as ok`;
      if (!present?.ok) {
        throw new StrataError('INVALID_STATE', `Cannot restore ${entry.source}: the table does not exist. Re-apply the change set that creates it, then restore.`);
      }
      const columns = await sql`
        select a.attname from pg_attribute a
        where a.attrelid = to_regclass(${quoteQualified(sourceSchema!, sourceName)}) and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
          and a.attname in (select b.attname from pg_attribute b where b.attrelid = to_regclass(${quoteQualified(schema, entry.backupTable)}) and b.attnum > 0 and not b.attisdropped)
        order by a.attnum`;
      const names = columns.map((c) => String(c.attname));
      if (names.length === 0) continue;
      const list = names.map(quoteIdent).join(', ');
      const key = await primaryKeyColumns(sql, sourceSchema!, sourceName);
      const updatable = names.filter((n) => !key.includes(n));
      // With a key, a row that is back (re-applied table, or a dropped column re-added)
      // gets the backed-up values again; without one, only missing rows can be added.
      const onConflict =
        key.length && key.every((k) => names.includes(k)) && updatable.length
          ? `on conflict (${key.map(quoteIdent).join(', ')}) do update set ${updatable.map((n) => `${quoteIdent(n)} = excluded.${quoteIdent(n)}`).join(', ')}`
          : 'on conflict do nothing';
      const result = await sql.unsafe(
        `insert into ${quoteQualified(sourceSchema!, sourceName)} (${list}) overriding system value
         select ${list} from ${quoteQualified(schema, entry.backupTable)} ${onConflict}`,
      );
      restored.push({ table: entry.source, rows: Number(result.count ?? 0) });
    }
    await sql.unsafe('commit');
  } catch (error) {
    await sql.unsafe('rollback').catch(() => undefined);
    throw error;
  }
  return restored;
}

async function primaryKeyColumns(sql: Queryable, schema: string, name: string): Promise<string[]> {
  const rows = await sql`
    select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = to_regclass(${quoteQualified(schema, name)}) and i.indisprimary order by array_position(i.indkey, a.attnum)`;
  return rows.map((r) => String(r.attname));
}
