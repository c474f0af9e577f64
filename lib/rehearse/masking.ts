import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../db/identifiers';
import { StrataError } from '../errors';
import { sensitivityOf } from '../migrate/check-runner';
import type { TablePolicy } from '../retention/types';

/**
 * How a column classified PII or secret is copied into a rehearsal's scratch database: as
 * a SELECT expression evaluated ON THE TARGET, so a masked value never leaves it.
 *
 * - hashed, when the column is part of a primary key, unique constraint/index or foreign
 *   key: the same value always masks to the same value within one rehearsal, so keys stay
 *   unique and foreign keys still match. Text: md5 of the value; uuid: md5 as a uuid;
 *   bytea: md5's bytes; integers: an affine bijection (odd multiplier, offset) modulo the
 *   type's range with keys drawn per rehearsal, so distinct keys stay distinct (a truncated
 *   hash would collide on a few hundred thousand rows);
 * - nulled, when nullable;
 * - otherwise a constant of the column's type ('masked', 0, false, the epoch, '{}', …).
 */

export interface ColumnFacts {
  name: string;
  /** format_type(): the type as a cast names it (`character varying(40)`, `platform.plan_tier`). */
  type: string;
  /** pg_type.typcategory of the (domain's base) type: S string, N numeric, D date/time, B boolean, E enum, A array, U user… */
  category: string;
  /** The (domain's base) type's name: `uuid`, `int4`, `bytea`, `jsonb`, … */
  baseType: string;
  /** varchar(n)/char(n)'s n; null otherwise. */
  maxLength: number | null;
  notNull: boolean;
  /** Part of a primary key, unique constraint or index, or foreign key (either side). */
  inKey: boolean;
  /** Columns (`schema.table.column`) a foreign key links this one to, either side. */
  links: string[];
}

export interface MaskedColumn {
  column: string;
  classification: string;
  how: 'hashed' | 'nulled';
}

/** Per-rehearsal keys of the integer bijections (odd multipliers), so masked integers cannot be undone by someone who knows the code. */
export interface MaskKeys {
  multiplier: bigint;
  offset: bigint;
}

export function newMaskKeys(): MaskKeys {
  const a = BigInt(`0x${randomBytes(8).toString('hex')}`) | 1n;
  return { multiplier: a, offset: BigInt(`0x${randomBytes(8).toString('hex')}`) };
}

const INTEGER_BITS: Record<string, number> = { int2: 16, int4: 32, int8: 64 };

/**
 * The SELECT list that copies `columns` of `table` (policy: its entry in the registry, if
 * any), with what was masked and how (a constant counts as `nulled`: the value is gone).
 */
export function copyExpressions(
  table: string,
  columns: ColumnFacts[],
  policy: TablePolicy | undefined,
  keys: MaskKeys,
  /** Key columns hashed because a foreign key links them to a hashed column (hashedKeyColumns). */
  linked: Map<string, string> = new Map(),
): { select: string[]; masked: MaskedColumn[] } {
  const select: string[] = [];
  const masked: MaskedColumn[] = [];
  for (const column of columns) {
    const q = quoteIdent(column.name);
    const sensitive = policy ? sensitivityOf(policy, column.name) : null;
    const link = linked.get(`${table}.${column.name}`);
    if (!sensitive && !link) {
      select.push(q);
      continue;
    }
    const classification = sensitive ? sensitive.tags.join(', ') : link!;
    if (column.inKey || link) {
      select.push(`${hashed(table, column, keys)} as ${q}`);
      masked.push({ column: column.name, classification, how: 'hashed' });
    } else {
      select.push(`${column.notNull ? constantOf(table, column) : `null::${column.type}`} as ${q}`);
      masked.push({ column: column.name, classification, how: 'nulled' });
    }
  }
  return { select, masked };
}

/**
 * Every column that must be hashed so foreign keys still match: the classified key columns,
 * and, transitively, every column a foreign key links to one of them (either side: an
 * unclassified orders.person_id must follow a hashed people.id, and an unclassified
 * people.email must follow a classified, hashed reference to it). `schema.table.column` →
 * the classification it follows.
 */
export function hashedKeyColumns(tables: Array<{ table: string; columns: ColumnFacts[] }>, policies: Map<string, TablePolicy>): Map<string, string> {
  const byKey = new Map<string, ColumnFacts>(tables.flatMap((t) => t.columns.map((c) => [`${t.table}.${c.name}`, c] as const)));
  const hashedCols = new Map<string, string>();
  const queue: string[] = [];
  for (const t of tables) {
    const policy = policies.get(t.table);
    for (const c of t.columns) {
      const sensitive = policy ? sensitivityOf(policy, c.name) : null;
      if (sensitive && c.inKey) {
        hashedCols.set(`${t.table}.${c.name}`, sensitive.tags.join(', '));
        queue.push(`${t.table}.${c.name}`);
      }
    }
  }
  while (queue.length) {
    const key = queue.pop()!;
    for (const other of byKey.get(key)?.links ?? []) {
      if (hashedCols.has(other) || !byKey.has(other)) continue;
      hashedCols.set(other, `linked to ${key} (${hashedCols.get(key)})`);
      queue.push(other);
    }
  }
  return hashedCols;
}

function hashed(table: string, column: ColumnFacts, keys: MaskKeys): string {
  const q = quoteIdent(column.name);
  const bits = INTEGER_BITS[column.baseType];
  if (bits) {
    const range = 1n << BigInt(bits);
    const half = range >> 1n;
    const a = keys.multiplier % range;
    const b = keys.offset % range;
    // (x + 2^(n-1)) is in [0, 2^n); an odd multiplier is invertible modulo 2^n: a bijection.
    return `(((${q}::numeric + ${half}) * ${a} + ${b}) % ${range} - ${half})::${column.type}`;
  }
  if (column.baseType === 'uuid') return `md5(${q}::text)::uuid::${column.type}`;
  if (column.baseType === 'bytea') return `decode(md5(${q}::text), 'hex')::${column.type}`;
  if (column.category === 'S') {
    const digest = `md5(${q}::text)`;
    return `${column.maxLength !== null && column.maxLength < 32 ? `left(${digest}, ${column.maxLength})` : digest}::${column.type}`;
  }
  throw new StrataError('BAD_USAGE', `Cannot mask ${table}.${column.name}: it is classified and part of a key, and its type ${column.type} cannot be hashed (text, uuid, bytea and integer keys can)`, {
    table,
    column: column.name,
  });
}

function constantOf(table: string, column: ColumnFacts): string {
  const cast = `::${column.type}`;
  switch (column.category) {
    case 'S':
      return `'${'masked'.slice(0, column.maxLength ?? 6)}'${cast}`;
    case 'N':
      return `0${cast}`;
    case 'B':
      return `false${cast}`;
    case 'D':
      return column.baseType === 'time' || column.baseType === 'timetz' ? `'00:00'${cast}` : `'epoch'${cast}`;
    case 'T':
      return `'0'${cast}`;
    case 'A':
      return `'{}'${cast}`;
    case 'E':
      return `(enum_range(null${cast}))[1]`;
    case 'I':
      return `'0.0.0.0'${cast}`;
  }
  const byType: Record<string, string> = { uuid: `'00000000-0000-0000-0000-000000000000'`, json: `'{}'`, jsonb: `'{}'`, bytea: `'\\x'` };
  if (byType[column.baseType]) return `${byType[column.baseType]}${cast}`;
  throw new StrataError('BAD_USAGE', `Cannot mask ${table}.${column.name}: it is classified, NOT NULL, and has no masking constant for type ${column.type}`, { table, column: column.name });
}
