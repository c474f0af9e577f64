import fs from 'node:fs';
import path from 'node:path';
import type { Column, SchemaModel, Table } from '../../lib/introspect/schema-model';

/*
 * An oracle for the schema diff, built from drizzle-kit's own record of a project: the
 * `migrations/meta/NNNN_snapshot.json` files, drizzle's model of the schema after each
 * change set. Diffing two consecutive snapshots says what drizzle-kit meant a change set to
 * change, without running anything and without any of Strata's code (introspection, diff),
 * so comparing it with what a dry run's diff reports is an independent check.
 *
 * Entries have the diff's granularity (lib/diff/schema-diff.ts): an added or removed table,
 * enum or view is one entry, not one per column and index; a changed one is listed object
 * by object; a schema is added or removed (drizzle records neither its owner nor a comment,
 * and no extensions at all). Naming differences between drizzle and PostgreSQL are
 * normalised here, never by loosening what the test compares.
 */

/** The parts of drizzle-kit's PostgreSQL snapshot (version 7) the oracle reads. */
export interface DrizzleSnapshot {
  id: string;
  prevId: string;
  tables: Record<string, SnapshotTable>;
  enums: Record<string, { name: string; schema: string; values: string[] }>;
  schemas: Record<string, string>;
  views?: Record<string, SnapshotView>;
}

export interface SnapshotTable {
  name: string;
  schema: string;
  columns: Record<string, SnapshotColumn>;
  indexes: Record<string, SnapshotIndex>;
  foreignKeys: Record<string, SnapshotForeignKey>;
  compositePrimaryKeys: Record<string, { name: string; columns: string[] }>;
  uniqueConstraints: Record<string, { name: string; columns: string[]; nullsNotDistinct?: boolean }>;
  checkConstraints?: Record<string, { name: string; value: string }>;
  isRLSEnabled?: boolean;
}

export interface SnapshotColumn {
  name: string;
  type: string;
  /** Schema of a user type (enum), when the column has one. */
  typeSchema?: string;
  primaryKey: boolean;
  notNull: boolean;
  default?: string | number | boolean;
  identity?: { type: 'always' | 'byDefault'; name?: string };
  generated?: { as: string; type: string };
}

export interface SnapshotIndex {
  name: string;
  columns: Array<{ expression: string; isExpression: boolean; asc: boolean; nulls?: string; opclass?: string }>;
  isUnique: boolean;
  where?: string;
  method: string;
  with?: Record<string, unknown>;
}

export interface SnapshotForeignKey {
  name: string;
  tableFrom: string;
  tableTo: string;
  schemaTo?: string;
  columnsFrom: string[];
  columnsTo: string[];
  onDelete?: string;
  onUpdate?: string;
}

export interface SnapshotView {
  name: string;
  schema: string;
  definition?: string;
  materialized?: boolean;
}

export function readSnapshot(projectDir: string, tag: string): DrizzleSnapshot {
  const file = path.join(projectDir, 'migrations', 'meta', `${tag.slice(0, 4)}_snapshot.json`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DrizzleSnapshot;
}

/** What a diff of the empty database starts from. */
export const EMPTY_SNAPSHOT: DrizzleSnapshot = { id: '', prevId: '', tables: {}, enums: {}, schemas: {}, views: {} };

/**
 * `added column files.project_files.size`, `changed column t.c [type,nullable]`: a
 * change's action, kind and object, and for a change the attributes that differ.
 * A table, enum or view is named once (its `table` is its own id), a schema or an
 * extension by its name (`added schema files`: it has no table).
 */
export function entryOf(change: { action: string; kind: string; table: string | null; name: string; attributes?: string[] }): string {
  const object = change.table === null || change.table === change.name ? change.name : `${change.table}.${change.name}`;
  const attributes = change.action === 'changed' ? ` [${[...(change.attributes ?? [])].sort().join(',')}]` : '';
  return `${change.action} ${change.kind} ${object}${attributes}`;
}

/** The same entries with added and removed swapped: what undoing the changes must report. */
export function inverseEntries(entries: readonly string[]): string[] {
  return entries
    .map((e) => (e.startsWith('added ') ? `removed ${e.slice(6)}` : e.startsWith('removed ') ? `added ${e.slice(8)}` : e))
    .sort();
}

interface Entry {
  action: 'added' | 'removed' | 'changed';
  kind: string;
  table: string | null;
  name: string;
  attributes?: string[];
}

/** The changes from one snapshot to the next, as sorted entries (see entryOf). */
export function diffSnapshots(before: DrizzleSnapshot, after: DrizzleSnapshot): string[] {
  const entries: Entry[] = [];
  // `public` is never in a snapshot's schemas: drizzle takes it as given, and so does the diff (it is in both models).
  for (const [name, pair] of paired(before.schemas, after.schemas)) {
    if (!pair.before || !pair.after) entries.push(objectEntry('schema', null, name, pair, []));
  }
  for (const [id, pair] of paired(before.tables, after.tables)) {
    if (!pair.before || !pair.after) {
      entries.push({ action: pair.before ? 'removed' : 'added', kind: 'table', table: id, name: id });
      continue;
    }
    if (Boolean(pair.before.isRLSEnabled) !== Boolean(pair.after.isRLSEnabled)) {
      entries.push({ action: 'changed', kind: 'table', table: id, name: id, attributes: ['rls'] });
    }
    entries.push(...diffTableObjects(id, pair.before, pair.after));
  }
  for (const [id, pair] of paired(before.enums, after.enums)) {
    if (pair.before && pair.after && same(pair.before.values, pair.after.values)) continue;
    entries.push(objectEntry('enum', id, id, pair, ['values']));
  }
  for (const [id, pair] of paired(before.views ?? {}, after.views ?? {})) {
    const attributes = [];
    if (pair.before && pair.after) {
      if (Boolean(pair.before.materialized) !== Boolean(pair.after.materialized)) attributes.push('materialized');
      if (oneLine(pair.before.definition) !== oneLine(pair.after.definition)) attributes.push('definition');
      if (attributes.length === 0) continue;
    }
    entries.push(objectEntry('view', id, id, pair, attributes));
  }
  return entries.map(entryOf).sort();
}

function diffTableObjects(id: string, old: SnapshotTable, current: SnapshotTable): Entry[] {
  const entries: Entry[] = [];
  for (const [name, pair] of paired(old.columns, current.columns)) {
    const attributes = pair.before && pair.after ? columnAttributes(pair.before, pair.after) : [];
    if (pair.before && pair.after && attributes.length === 0) continue;
    entries.push(objectEntry('column', id, name, pair, attributes));
  }
  // One primary key per table: a renamed key is that key changed.
  const keys = { before: primaryKeyOf(old), after: primaryKeyOf(current) };
  if (keys.before || keys.after) {
    const attributes = [];
    if (keys.before && keys.after) {
      if (keys.before.name !== keys.after.name) attributes.push('name');
      if (!same(keys.before.columns, keys.after.columns)) attributes.push('columns');
    }
    if (!keys.before || !keys.after || attributes.length > 0) {
      entries.push(objectEntry('primary_key', id, (keys.after ?? keys.before)!.name, keys, attributes));
    }
  }
  const fkDefinition = (fk: SnapshotForeignKey) => [fk.columnsFrom, fk.schemaTo ?? 'public', fk.tableTo, fk.columnsTo, fk.onDelete ?? 'no action', fk.onUpdate ?? 'no action'];
  for (const [name, pair] of paired(old.foreignKeys, current.foreignKeys)) {
    entries.push(...compared('foreign_key', id, name, pair, { definition: fkDefinition }));
  }
  for (const [name, pair] of paired(old.uniqueConstraints, current.uniqueConstraints)) {
    entries.push(...compared('unique', id, name, pair, { columns: (u) => u.columns, nullsNotDistinct: (u) => Boolean(u.nullsNotDistinct) }));
  }
  for (const [name, pair] of paired(old.checkConstraints ?? {}, current.checkConstraints ?? {})) {
    entries.push(...compared('check', id, name, pair, { definition: (c) => oneLine(c.value) }));
  }
  // Unique indexes (CREATE UNIQUE INDEX) are indexes in both models; UNIQUE constraints are
  // uniqueConstraints in drizzle's and uniqueConstraints (not indexes) in the diff's.
  const indexDefinition = (i: SnapshotIndex) => [i.method, i.isUnique, i.columns, i.where ? oneLine(i.where) : null, i.with ?? {}];
  for (const [name, pair] of paired(old.indexes, current.indexes)) {
    entries.push(...compared('index', id, name, pair, { definition: indexDefinition }));
  }
  return entries;
}

function columnAttributes(was: SnapshotColumn, is: SnapshotColumn): string[] {
  const attributes: Record<string, (c: SnapshotColumn) => unknown> = {
    type: columnType,
    nullable: (c) => !c.notNull,
    default: (c) => (c.default === undefined ? null : String(c.default)),
    identity: (c) => c.identity?.type ?? null,
    generated: (c) => c.generated?.as ?? null,
  };
  return Object.keys(attributes).filter((a) => !same(attributes[a]!(was), attributes[a]!(is)));
}

/**
 * The table's primary key as PostgreSQL names it: a composite key carries its name in the
 * snapshot; a column-level `primaryKey` is auto-named `<table>_pkey` by PostgreSQL.
 */
export function primaryKeyOf(table: SnapshotTable): { name: string; columns: string[] } | null {
  const composite = Object.values(table.compositePrimaryKeys)[0];
  if (composite) return { name: composite.name, columns: composite.columns };
  const columns = Object.values(table.columns).filter((c) => c.primaryKey).map((c) => c.name);
  return columns.length > 0 ? { name: pgAutoName(table.name, 'pkey'), columns } : null;
}

/** PostgreSQL's ChooseRelationName for ASCII names: `<name>_<suffix>`, the name cut to fit 63 bytes. */
function pgAutoName(name: string, suffix: string): string {
  return `${name.slice(0, 63 - suffix.length - 1)}_${suffix}`;
}

function compared<T>(kind: string, table: string, name: string, pair: Pair<T>, attributes: Record<string, (item: T) => unknown>): Entry[] {
  if (!pair.before || !pair.after) return [objectEntry(kind, table, name, pair, [])];
  const differing = Object.keys(attributes).filter((a) => !same(attributes[a]!(pair.before!), attributes[a]!(pair.after!)));
  return differing.length > 0 ? [{ action: 'changed', kind, table, name, attributes: differing }] : [];
}

function objectEntry(kind: string, table: string | null, name: string, pair: Pair<unknown>, attributes: string[]): Entry {
  const action = !pair.before ? 'added' : !pair.after ? 'removed' : 'changed';
  return action === 'changed' ? { action, kind, table, name, attributes } : { action, kind, table, name };
}

interface Pair<T> {
  before?: T | null;
  after?: T | null;
}

function paired<T>(before: Record<string, T>, after: Record<string, T>): Array<[string, Pair<T>]> {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.map((name) => [name, { before: before[name], after: after[name] }]);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const oneLine = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

/*
 * Table contents, the snapshot's and the database's, as comparable lines: for tables the
 * diff reports as one `added table` entry, this is what that entry stands for.
 */

/**
 * A snapshot column type as PostgreSQL's format_type prints it: `varchar(50)` is
 * `character varying(50)`, `timestamp` is `timestamp without time zone`, `numeric(10, 4)`
 * is `numeric(10,4)`, and a user type outside `public` is schema-qualified.
 */
export function columnType(column: SnapshotColumn): string {
  const array = /(\[\])+$/.exec(column.type)?.[0] ?? '';
  let base = column.type.slice(0, column.type.length - array.length).trim();
  if (column.typeSchema && column.typeSchema !== 'public') return `${column.typeSchema}.${base}${array}`;
  base = base.replace(/\s*,\s*/g, ',');
  const spelled: Array<[RegExp, string]> = [
    [/^varchar(\(\d+\))?$/, 'character varying$1'],
    [/^char(\(\d+\))?$/, 'character$1'],
    [/^(timestamp|time)(\(\d+\))?$/, '$1$2 without time zone'],
    [/^(timestamp|time)(\(\d+\))? with time zone$/, '$1$2 with time zone'],
    [/^timestamptz(\(\d+\))?$/, 'timestamp$1 with time zone'],
    [/^(int|int4|serial)$/, 'integer'],
    [/^(int8|bigserial)$/, 'bigint'],
    [/^(int2|smallserial)$/, 'smallint'],
    [/^float8$/, 'double precision'],
    [/^float4$/, 'real'],
    [/^bool$/, 'boolean'],
    [/^decimal/, 'numeric'],
  ];
  for (const [pattern, replacement] of spelled) {
    if (pattern.test(base)) {
      base = base.replace(pattern, replacement);
      break;
    }
  }
  return `${base}${array}`;
}

/** A cast as PostgreSQL prints one: `::text`, `::character varying`, `::timestamp(3) without time zone`, `::app.mood[]`. */
const CAST = /::(?:"?[a-z_][a-z0-9_]*"?\.)?"?[a-z_][a-z0-9_]*"?(?:\(\d+(?:,\s*\d+)?\))?(?:\s+(?:varying|precision|with(?:out)? time zone))?(?:\(\d+\))?(?:\[\])*/gi;

/**
 * A default with the casts PostgreSQL adds stripped (`'active'::text` is `'active'`,
 * `(now() AT TIME ZONE 'utc'::text)` is `(now() AT TIME ZONE 'utc')`), a quoted number
 * unquoted (PostgreSQL prints numeric `'0.80'` as `0.80` but `'0'` as `'0'::numeric`),
 * keywords in lower case, and a `time` literal with its seconds (`'17:00'` is stored as
 * `'17:00:00'`).
 */
export function normalDefault(value: string | number | boolean | null | undefined, type: string): string | null {
  if (value === null || value === undefined) return null;
  let text = String(value)
    .replace(CAST, '')
    .replace(/\b(now|true|false|null)\b/gi, (k) => k.toLowerCase())
    .trim()
    .replace(/^'(-?\d+(?:\.\d+)?)'$/, '$1');
  if (/^time(\(\d+\))? without time zone$/.test(type)) text = text.replace(/^'(\d\d:\d\d)'$/, "'$1:00'");
  return text;
}

/** The objects of a snapshot table as PostgreSQL would show them, one sorted line each. */
export function snapshotTableLines(table: SnapshotTable): string[] {
  const lines = Object.values(table.columns).map((c) => {
    const type = columnType(c);
    const identity = c.identity ? (c.identity.type === 'always' ? 'always' : 'by default') : null;
    // An identity column's sequence is not a default to PostgreSQL.
    return columnLine(c.name, type, !c.notNull, identity ? null : normalDefault(c.default, type), identity, c.generated?.as ?? null);
  });
  const pk = primaryKeyOf(table);
  if (pk) lines.push(`primary_key ${pk.name} (${pk.columns.join(', ')})`);
  for (const fk of Object.values(table.foreignKeys)) {
    lines.push(fkLine(fk.name, fk.columnsFrom, `${fk.schemaTo ?? 'public'}.${fk.tableTo}`, fk.columnsTo, fk.onDelete ?? 'no action', fk.onUpdate ?? 'no action'));
  }
  for (const u of Object.values(table.uniqueConstraints)) lines.push(uniqueLine(u.name, u.columns, Boolean(u.nullsNotDistinct)));
  for (const c of Object.values(table.checkConstraints ?? {})) lines.push(`check ${c.name}`);
  for (const i of Object.values(table.indexes)) {
    const keys = i.columns.map((k) => indexKey(k.expression, k.opclass ?? null, !k.asc, k.nulls ? k.nulls === 'first' : !k.asc));
    lines.push(indexLine(i.name, i.method, i.isUnique, keys, i.where ?? null));
  }
  return lines.sort();
}

/** The same lines for a table of an introspected model (lib/introspect). */
export function modelTableLines(table: Table): string[] {
  const lines = table.columns.map((c: Column) => columnLine(c.name, c.type, c.nullable, normalDefault(c.default, c.type), c.identity, c.generated));
  if (table.primaryKey) lines.push(`primary_key ${table.primaryKey.name} (${table.primaryKey.columns.join(', ')})`);
  for (const fk of table.foreignKeys) lines.push(fkLine(fk.name, fk.columns, fk.references.table, fk.references.columns, fk.onDelete, fk.onUpdate));
  for (const u of table.uniqueConstraints) lines.push(uniqueLine(u.name, u.columns, u.nullsNotDistinct));
  for (const c of table.checkConstraints) lines.push(`check ${c.name}`);
  for (const i of table.indexes) {
    if (i.primary || (i.constraint !== null && table.uniqueConstraints.some((u) => u.name === i.constraint))) continue;
    const keys = i.keys.map((k) => indexKey(k.column ?? k.expression ?? '', k.opclass, k.descending, k.nullsFirst));
    lines.push(indexLine(i.name, i.method, i.unique, keys, i.predicate));
  }
  return lines.sort();
}

/** Every user table of a model but partitions (whose parent carries their objects), by id. */
export function modelTables(model: SchemaModel, schemas: readonly string[]): Map<string, Table> {
  return new Map(model.tables.filter((t) => schemas.includes(t.schema) && t.kind !== 'partition').map((t) => [t.id, t]));
}

function columnLine(name: string, type: string, nullable: boolean, defaultValue: string | null, identity: string | null, generated: string | null): string {
  const parts = [`column ${name} ${type}`, nullable ? 'null' : 'not null'];
  if (defaultValue !== null) parts.push(`default ${defaultValue}`);
  if (identity) parts.push(`identity ${identity}`);
  if (generated) parts.push(`generated ${oneLine(generated)}`);
  return parts.join(' ');
}

function fkLine(name: string, columns: string[], target: string, targetColumns: string[], onDelete: string, onUpdate: string): string {
  return `foreign_key ${name} (${columns.join(', ')}) -> ${target} (${targetColumns.join(', ')}) on delete ${onDelete} on update ${onUpdate}`;
}

function uniqueLine(name: string, columns: string[], nullsNotDistinct: boolean): string {
  return `unique ${name} (${columns.join(', ')})${nullsNotDistinct ? ' nulls not distinct' : ''}`;
}

function indexKey(expression: string, opclass: string | null, descending: boolean, nullsFirst: boolean): string {
  return [expression, opclass, descending ? 'desc' : 'asc', nullsFirst ? 'nulls first' : 'nulls last'].filter(Boolean).join(' ');
}

/** A partial index's predicate compared without the parentheses PostgreSQL adds. */
function indexLine(name: string, method: string, unique: boolean, keys: string[], predicate: string | null): string {
  const where = predicate === null ? '' : ` where ${oneLine(predicate).replace(/^\((.*)\)$/, '$1')}`;
  return `index ${name}${unique ? ' unique' : ''} ${method} (${keys.join(', ')})${where}`;
}
