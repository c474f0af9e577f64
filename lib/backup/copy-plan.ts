import type { Statement } from '../changesets/statements';
import type { DataAtRisk } from '../changesets/statement-effects';
import type { Sql } from '../db/client';
import { countRows, resolveTableNames, type TableName } from '../db/row-counts';
import { classifyTypeChange } from '../diff/type-change';
import { formatTypeName } from '../lint/ast';
import type { BackupMode } from './policy';

/**
 * What a backup before one change set copies, decided against the live target right before
 * the change set runs (after the change sets before it in the same run): for each table
 * with rows, either the whole table (dropped, truncated, deleted from — or every table the
 * change set touches under `always`) or its key plus the columns at risk (dropped, changed
 * to a type that can lose values, or SET by an UPDATE). A table without a primary key is
 * copied whole: without a key, column values cannot be put back on their rows.
 */
export interface CopySpec {
  table: TableName;
  /** Null: the whole table. Otherwise the key columns first, then those at risk. */
  columns: string[] | null;
  /** The primary key's columns ([] when the table has none). */
  key: string[];
  /** Why it is copied, for messages: `drop`, `update of price`, … */
  why: string[];
  rows: number;
}

interface LiveColumn {
  name: string;
  type: string;
}

export async function planCopies(sql: Sql, statements: Statement[], mode: BackupMode): Promise<CopySpec[]> {
  if (mode === 'off') return [];
  const risks = statements.flatMap((s) => s.atRisk);
  const wanted = new Map<string, { table: TableName; whole: boolean; columns: Set<string>; why: Set<string> }>();
  const want = (table: TableName, whole: boolean, columns: string[], why: string) => {
    const key = `${table.schema}.${table.name}`;
    const entry = wanted.get(key) ?? { table, whole: false, columns: new Set<string>(), why: new Set<string>() };
    entry.whole ||= whole;
    for (const c of columns) entry.columns.add(c);
    entry.why.add(why);
    wanted.set(key, entry);
  };
  for (const risk of risks) {
    for (const table of await resolveTableNames(sql, [risk.relation])) {
      if (risk.columns === null) {
        want(table, true, [], risk.how);
        continue;
      }
      const columns = await columnsAtRisk(sql, table, risk);
      if (columns.length) want(table, false, columns, `${risk.how} of ${columns.join(', ')}`);
    }
  }
  if (mode === 'always') {
    for (const table of await resolveTableNames(sql, [...new Set(statements.flatMap((s) => s.tables))])) want(table, true, [], 'always');
  }
  const entries = [...wanted.values()];
  const counts = await countRows(sql, entries.map((e) => e.table));
  const specs: CopySpec[] = [];
  for (const [i, entry] of entries.entries()) {
    const rows = counts[i]!.rows;
    if (rows === 0) continue;
    const key = await primaryKey(sql, entry.table);
    const whole = entry.whole || key.length === 0;
    const columns = whole ? null : [...key, ...[...entry.columns].filter((c) => !key.includes(c))];
    specs.push({ table: entry.table, columns, key, why: [...entry.why], rows });
  }
  return specs.sort((a, b) => `${a.table.schema}.${a.table.name}`.localeCompare(`${b.table.schema}.${b.table.name}`));
}

/** The risk's columns that exist now; for a type change, only those whose new type can lose values. */
async function columnsAtRisk(sql: Sql, table: TableName, risk: DataAtRisk): Promise<string[]> {
  const live = new Map((await liveColumns(sql, table)).map((c) => [c.name, c.type]));
  return (risk.columns ?? []).filter((column) => {
    const type = live.get(column);
    if (type === undefined) return false;
    if (risk.how !== 'retype') return true;
    const newType = formatTypeName(risk.newTypes?.[column] as Parameters<typeof formatTypeName>[0]);
    return !newType || classifyTypeChange(type, newType).narrowing;
  });
}

async function liveColumns(sql: Sql, table: TableName): Promise<LiveColumn[]> {
  const rows = await sql`
    select a.attname, format_type(a.atttypid, a.atttypmod) as type from pg_attribute a
    where a.attrelid = (quote_ident(${table.schema}) || '.' || quote_ident(${table.name}))::regclass and a.attnum > 0 and not a.attisdropped
    order by a.attnum`;
  return rows.map((r) => ({ name: String(r.attname), type: String(r.type) }));
}

/** The primary key's columns in key order; [] without one. */
export async function primaryKey(sql: Sql, table: TableName): Promise<string[]> {
  const rows = await sql`
    select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
    where i.indrelid = (quote_ident(${table.schema}) || '.' || quote_ident(${table.name}))::regclass and i.indisprimary
    order by array_position(i.indkey, a.attnum)`;
  return rows.map((r) => String(r.attname));
}
