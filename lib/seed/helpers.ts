import { createHash, createHmac } from 'node:crypto';
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import type { SeedDb } from './types';

/**
 * The building blocks seed sets are written with: fixed identifiers, hashes, and upserts
 * on the primary key through Drizzle, so a rerun writes the same rows again instead of
 * adding new ones, and a schema change that breaks a seed breaks its type check and test.
 */

/** A fixed uuid for `name`: its md5 as a uuid, exactly what SQL's `md5(name)::uuid` gives. */
export function seedUuid(name: string): string {
  const h = createHash('md5').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function hmacSha256Hex(key: string, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

/** `schema.table` of a Drizzle table, as the live database names it. */
export function tableName(table: PgTable): string {
  const config = getTableConfig(table);
  return `${config.schema ?? 'public'}.${config.name}`;
}

/** The quoted `"schema"."table"` of a Drizzle table, for raw SQL (COPY, TRUNCATE). */
export function quotedTable(table: PgTable): string {
  const config = getTableConfig(table);
  return quoteQualified(config.schema ?? 'public', config.name);
}

/** The columns of the table's primary key (single-column or composite). */
export function primaryKeyColumns(table: PgTable): PgColumn[] {
  const config = getTableConfig(table);
  const single = config.columns.filter((c) => c.primary);
  if (single.length) return single;
  const composite = config.primaryKeys[0]?.columns;
  if (!composite?.length) throw new Error(`${tableName(table)} has no primary key to upsert on`);
  return composite;
}

export interface UpsertOptions {
  /** The conflict target (default: the primary key). */
  target?: PgColumn[];
  /** Leave existing rows alone (rows that record history, e.g. migration bookkeeping). */
  doNothing?: boolean;
  /** Write explicit values into a GENERATED ALWAYS identity column. */
  overridingSystemValue?: boolean;
}

/** The insert builder without its per-table typing (rows are typed by upsertRows' signature). */
interface UntypedInsert {
  values(rows: unknown[]): {
    onConflictDoNothing(config: { target: PgColumn[] }): Promise<{ count?: number }>;
    onConflictDoUpdate(config: { target: PgColumn[]; set: Record<string, SQL> }): Promise<{ count?: number }>;
  };
}

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
const MAX_BATCH_ROWS = 1_000;

/**
 * INSERT … ON CONFLICT (primary key) DO UPDATE SET every given column = excluded, in
 * batches; returns the rows written (inserted or updated). Every row must give the same
 * columns; columns left out keep their default on insert and are not touched on update.
 */
export async function upsertRows<T extends PgTable>(db: SeedDb, table: T, rows: Array<T['$inferInsert']>, options: UpsertOptions = {}): Promise<number> {
  if (!rows.length) return 0;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0] as object);
  for (const row of rows) {
    const given = Object.keys(row as object);
    if (given.length !== keys.length || given.some((k, i) => k !== keys[i])) {
      throw new Error(`${tableName(table)}: every seed row must give the same columns in the same order (${keys.join(', ')})`);
    }
  }
  const target = options.target ?? primaryKeyColumns(table);
  const targetNames = new Set(target.map((c) => c.name));
  const set: Record<string, SQL> = {};
  for (const key of keys) {
    const column = columns[key];
    if (!column) throw new Error(`${tableName(table)} has no column "${key}"`);
    if (!targetNames.has(column.name)) set[key] = sql.raw(`excluded.${quoteIdent(column.name)}`);
  }
  const batch = Math.max(1, Math.min(MAX_BATCH_ROWS, Math.floor(MAX_PARAMETERS / keys.length)));
  let written = 0;
  for (let i = 0; i < rows.length; i += batch) {
    const chunk = rows.slice(i, i + batch);
    const builder = db.insert(table);
    const insert = (options.overridingSystemValue ? builder.overridingSystemValue() : builder) as unknown as UntypedInsert;
    const values = insert.values(chunk);
    const result = options.doNothing || !Object.keys(set).length
      ? await values.onConflictDoNothing({ target })
      : await values.onConflictDoUpdate({ target, set });
    written += result.count ?? chunk.length;
  }
  return written;
}

/**
 * Moves the identity sequence of `column` past the largest id, never backwards: seeds give
 * identity columns fixed values, and the application's next insert must not collide.
 */
export async function syncIdentity(db: SeedDb, table: PgTable, column: PgColumn): Promise<void> {
  const config = getTableConfig(table);
  const qualified = `${quoteIdent(config.schema ?? 'public')}.${quoteIdent(config.name)}`;
  await db.execute(sql`
    select setval(s.seq, m.max_id)
    from (select pg_get_serial_sequence(${qualified}, ${column.name})::regclass as seq) s,
         (select max(${column}) as max_id from ${table}) m
    where m.max_id is not null and m.max_id > coalesce(pg_sequence_last_value(s.seq), 0)`);
}

/** Milliseconds in a day, an hour, a minute: seeds do their date arithmetic in UTC. */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** `base` shifted by `ms` (negative: earlier). */
export function at(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

/** Picks from `items` with `random` (a mulberry32 stream). */
export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length) % items.length]!;
}

/** An integer in [min, max] with `random`. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const copyEscape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/** One COPY text-format field: \N for null, backslash escapes for the special characters. */
export function copyField(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return COPY_SPECIAL.test(value) ? copyEscape(value) : value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 't' : 'f';
    default:
      if (value === null || value === undefined) return '\\N';
      if (value instanceof Date) return value.toISOString();
      return copyEscape(JSON.stringify(value));
  }
}
