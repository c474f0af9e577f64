import { quoteIdent, quoteQualified } from '../db/identifiers';
import { StrataError } from '../errors';
import type { ProgressEvent } from '../migrate/run-context';
import type { LockedConnection } from '../migrate/target-lock';
import type { BackupRecord, BackupTable } from './backup-record';
import { backupFolderOf, findBackup } from './backups';
import { primaryKey } from './copy-plan';
import { stageFileCopy } from './file-store';
import { fingerprintSql, fingerprintText, toFingerprint } from './row-checksum';
import { schemaCopyRelation } from './schema-store';
import type { BackupSettings } from './settings';

/**
 * Puts back what a change set destroyed, from its backup. Meant to run after that change set
 * was rolled back: a dropped table is back (empty), so its rows are inserted; a dropped
 * column is back (empty or defaulted), so its values are written again on their rows by
 * primary key; values an UPDATE or a type change rewrote get their old values back.
 *
 * The dry run and the real restore are one function: both stage each copy, check it still
 * matches the checksum taken when it was made, and count what would be written; only the
 * real one writes, in one transaction (all or nothing), and refuses when any table has a
 * problem (missing table or column, no key), naming each.
 */
export interface TableRestore {
  table: string;
  /** `rows`: a whole-table copy (missing rows inserted, changed ones updated); `columns`: values written back by key. */
  mode: 'rows' | 'columns';
  columns: string[];
  key: string[];
  inBackup: number;
  /** Rows the restore inserts (whole-table copies: their key is missing from the table). */
  insert: number;
  /** Rows whose restored columns differ from the backup's values: they are written. */
  update: number;
  /** Rows already equal to the backup. */
  unchanged: number;
  /** Column copies whose row (key) no longer exists: nothing to write them onto. */
  notRestorable: number;
  /** Why this table cannot be restored now, and what to do; null when it can. */
  problem: string | null;
}

export interface RestoreResult {
  backup: BackupRecord;
  /** False for a dry run: nothing was written. */
  written: boolean;
  tables: TableRestore[];
}

export async function restoreBackup(
  conn: LockedConnection,
  settings: BackupSettings,
  id: string,
  options: { write: boolean; onProgress?: (event: ProgressEvent) => void },
): Promise<RestoreResult> {
  const backup = await findBackup(conn, settings, id);
  const tables: TableRestore[] = [];
  await conn.unsafe('begin');
  try {
    const ordered = await parentsFirst(conn, backup.tables);
    for (const [i, entry] of ordered.entries()) {
      options.onProgress?.({ type: 'restore-table', table: entry.source, position: i, total: ordered.length });
      const staged = backup.location === 'schema' ? schemaCopyRelation(backup.id, entry) : await stageFileCopy(conn, backupFolderOf(settings)!, backup.id, entry, `strata_restore_${i + 1}`);
      await assertStillVerified(conn, backup, entry, staged);
      tables.push(await restoreTable(conn, entry, staged, options.write));
    }
    const problems = tables.filter((t) => t.problem);
    if (options.write && problems.length) {
      throw new StrataError('INVALID_STATE', `Nothing was restored: ${problems.map((t) => `${t.table}: ${t.problem}`).join('; ')}`);
    }
    await conn.unsafe(options.write ? 'commit' : 'rollback');
  } catch (error) {
    await conn.unsafe('rollback').catch(() => undefined);
    throw error;
  }
  return { backup, written: options.write, tables };
}

/** A copy changed since it was made (by hand, or a damaged file) is never restored from. */
async function assertStillVerified(conn: LockedConnection, backup: BackupRecord, entry: BackupTable, staged: string): Promise<void> {
  if (!entry.fingerprint) return;
  const [now] = await conn.unsafe(fingerprintSql(staged, null));
  const got = fingerprintText(toFingerprint(now as never));
  if (got !== entry.fingerprint) {
    throw new StrataError('BACKUP_NOT_VERIFIED', `The copy of ${entry.source} in ${backup.id} no longer matches the checksum taken when it was made (${entry.fingerprint.split(':')[0]} rows then, ${got.split(':')[0]} now): it was changed or damaged, so nothing was restored.`);
  }
}

async function restoreTable(conn: LockedConnection, entry: BackupTable, staged: string, write: boolean): Promise<TableRestore> {
  const [schema, ...rest] = entry.source.split('.');
  const name = rest.join('.');
  const target = quoteQualified(schema!, name);
  const mode: TableRestore['mode'] = entry.columns ? 'columns' : 'rows';
  const base: TableRestore = { table: entry.source, mode, columns: entry.columns ?? [], key: entry.key, inBackup: entry.rows, insert: 0, update: 0, unchanged: 0, notRestorable: 0, problem: null };
  const [exists] = await conn`select to_regclass(${target}) is not null as ok`;
  if (!exists?.ok) return { ...base, problem: `the table does not exist: roll back (or re-apply) the change set that dropped it, then restore` };
  const targetColumns = await writableColumns(conn, target);
  const copied = await copiedColumns(conn, staged);
  const missing = copied.filter((c) => !targetColumns.includes(c));
  if (mode === 'columns' && missing.length) {
    return { ...base, problem: `column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist: roll back the change set that dropped ${missing.length === 1 ? 'it' : 'them'} (its rollback adds ${missing.length === 1 ? 'it' : 'them'} back), then restore` };
  }
  const columns = copied.filter((c) => targetColumns.includes(c));
  const key = await primaryKey(conn, { schema: schema!, name });
  const keyed = key.length > 0 && key.every((k) => columns.includes(k));
  const shown = { ...base, columns, key };
  if (!keyed) {
    if (mode === 'columns') return { ...shown, problem: 'the table has no primary key any more, so the values cannot be matched to their rows' };
    const [{ n }] = (await conn.unsafe(`select count(*)::bigint as n from ${target}`)) as unknown as Array<{ n: string }>;
    if (Number(n) > 0) return { ...shown, problem: 'the table has rows and no primary key: restoring would duplicate rows; empty it first (or add its key back)' };
    if (write) await insertAll(conn, target, staged, columns);
    return { ...shown, insert: entry.rows };
  }
  const list = columns.map(quoteIdent);
  const match = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' and ');
  const values = columns.filter((c) => !key.includes(c));
  const differs = values.length ? `(row(${values.map((c) => `t.${quoteIdent(c)}`).join(', ')}))::text is distinct from (row(${values.map((c) => `s.${quoteIdent(c)}`).join(', ')}))::text` : 'false';
  // One join, not a lookup per copied row: the key is the primary key, so an unmatched row has a null key.
  const matched = `t.${quoteIdent(key[0]!)} is not null`;
  const [counts] = await conn.unsafe(`
    select count(*) filter (where ${matched} and ${differs})::bigint as update,
           count(*) filter (where ${matched} and not (${differs}))::bigint as unchanged,
           count(*) filter (where not ${matched})::bigint as missing
    from ${staged} s left join ${target} t on ${match}`);
  const update = Number(counts?.update ?? 0);
  const missingRows = Number(counts?.missing ?? 0);
  const result: TableRestore = { ...shown, update, unchanged: Number(counts?.unchanged ?? 0), insert: mode === 'rows' ? missingRows : 0, notRestorable: mode === 'columns' ? missingRows : 0 };
  if (!write) return result;
  if (values.length && update) {
    await conn.unsafe(`update ${target} t set ${values.map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ')} from ${staged} s where ${match} and ${differs}`);
  }
  if (mode === 'rows' && missingRows) {
    await conn.unsafe(`insert into ${target} (${list.join(', ')}) overriding system value
      select ${list.map((c) => `s.${c}`).join(', ')} from ${staged} s where not exists (select 1 from ${target} t where ${match})`);
    await advanceSequences(conn, target, columns);
  }
  return result;
}

async function insertAll(conn: LockedConnection, target: string, staged: string, columns: string[]): Promise<void> {
  const list = columns.map(quoteIdent).join(', ');
  await conn.unsafe(`insert into ${target} (${list}) overriding system value select ${list} from ${staged}`);
  await advanceSequences(conn, target, columns);
}

/** Restored ids must not be handed out again: each serial or identity sequence moves past the largest restored value. */
async function advanceSequences(conn: LockedConnection, target: string, columns: string[]): Promise<void> {
  for (const column of columns) {
    const [seq] = await conn`select pg_get_serial_sequence(${target}, ${column}) as name`;
    if (!seq?.name) continue;
    await conn.unsafe(`select setval(${literal(String(seq.name))}, greatest((select max(${quoteIdent(column)}) from ${target}), (select last_value from ${seq.name})))`);
  }
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Columns a restore can write: not dropped, not generated. */
async function writableColumns(conn: LockedConnection, relation: string): Promise<string[]> {
  const rows = await conn`select attname from pg_attribute where attrelid = to_regclass(${relation}) and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`;
  return rows.map((r) => String(r.attname));
}

async function copiedColumns(conn: LockedConnection, staged: string): Promise<string[]> {
  const rows = await conn`select attname from pg_attribute where attrelid = to_regclass(${staged}) and attnum > 0 and not attisdropped order by attnum`;
  return rows.map((r) => String(r.attname));
}

/** The tables in an order that inserts referenced rows before the rows that reference them. */
async function parentsFirst(conn: LockedConnection, tables: BackupTable[]): Promise<BackupTable[]> {
  const names = tables.map((t) => t.source);
  const edges = await conn`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent from pg_constraint c
    where c.contype = 'f' and c.conrelid <> c.confrelid
      and c.conrelid in (select to_regclass(n) from unnest(${conn.array(names.map((n) => quoteQualified(n.split('.')[0]!, n.split('.').slice(1).join('.'))))}::text[]) n)`;
  const regclassName = new Map(await Promise.all(tables.map(async (t) => {
    const [r] = await conn`select to_regclass(${quoteQualified(t.source.split('.')[0]!, t.source.split('.').slice(1).join('.'))})::text as name`;
    return [String(r?.name ?? ''), t.source] as const;
  })));
  const parentsOf = new Map<string, string[]>();
  for (const e of edges) {
    const child = regclassName.get(String(e.child));
    const parent = regclassName.get(String(e.parent));
    if (child && parent) parentsOf.set(child, [...(parentsOf.get(child) ?? []), parent]);
  }
  const done = new Set<string>();
  const ordered: BackupTable[] = [];
  const visit = (t: BackupTable, seen: Set<string>) => {
    if (done.has(t.source) || seen.has(t.source)) return;
    seen.add(t.source);
    for (const p of parentsOf.get(t.source) ?? []) visit(tables.find((x) => x.source === p)!, seen);
    done.add(t.source);
    ordered.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}
