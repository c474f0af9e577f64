import type { Column, EnumType, Extension, Index, SchemaInfo, SchemaModel, Table, UniqueConstraint, View } from '../introspect/schema-model';
import { isBookkeepingSchema } from '../introspect/schema-model';
import { columnsInOrder, sortedBy } from '../erd/model-helpers';

/*
 * DDL-like text for people to read, never to run: the one-line fragments a diff shows per
 * object, and a whole schema rendered deterministically so two models can be compared as
 * text. Everything here is display; SQL that runs goes through lib/db/identifiers.
 */

/**
 * Schemas the diff compares. Strata's and drizzle's bookkeeping, and the backup and shadow
 * schemas Strata creates during rollbacks and dry runs, are Strata's own business: showing
 * them would drown the user's changes.
 */
export function isDiffedSchema(schema: string): boolean {
  return !isBookkeepingSchema(schema) && !schema.startsWith('strata_shadow');
}

/**
 * PostgreSQL's reserved and type/function-name keywords: as identifiers they must be
 * quoted. Column-name keywords (`time`, `position`) are left bare; they work as names.
 */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation ' +
    'column concurrently constraint create cross current_catalog current_date current_role current_schema current_time ' +
    'current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze ' +
    'from full grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit ' +
    'localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references ' +
    'returning right select session_user similar some symmetric system_user table tablesample then to trailing true union ' +
    'unique user using variadic verbose when where window with'
  ).split(' '),
);

/** An identifier as a person would write it: bare when PostgreSQL allows, double-quoted otherwise. */
export function displayIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

export function displayQualified(schema: string, name: string): string {
  return `${displayIdent(schema)}.${displayIdent(name)}`;
}

/**
 * A model id (`schema.name`, unquoted) for display. Split at the first dot: schema names with
 * dots are vanishingly rare, table names with dots merely rare.
 */
export function displayId(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? displayIdent(id) : displayQualified(id.slice(0, dot), id.slice(dot + 1));
}

const identList = (names: readonly string[]) => names.map(displayIdent).join(', ');

/** One column as in CREATE TABLE, e.g. `size_bytes bigint NOT NULL DEFAULT 0`. */
export function columnDdl(column: Column): string {
  const parts = [displayIdent(column.name), column.type];
  if (column.collation) parts.push(`COLLATE ${displayIdent(column.collation)}`);
  // STORED or VIRTUAL is not in the model; the expression is what a reviewer compares.
  if (column.generated !== null) parts.push(`GENERATED ALWAYS AS (${column.generated})`);
  if (column.identity) parts.push(`GENERATED ${column.identity.toUpperCase()} AS IDENTITY`);
  if (!column.nullable) parts.push('NOT NULL');
  if (column.default !== null) parts.push(`DEFAULT ${column.default}`);
  return parts.join(' ');
}

export function primaryKeyDdl(columns: readonly string[]): string {
  return `PRIMARY KEY (${identList(columns)})`;
}

export function uniqueDdl(unique: UniqueConstraint): string {
  const nulls = unique.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
  return `UNIQUE${nulls} (${identList(unique.columns)})${unique.deferrable ? ' DEFERRABLE' : ''}`;
}

/** `TABLE files.project_files (7 columns)`, with what else the diff compares on a table. */
export function tableSummary(table: Table): string {
  const count = `${table.columns.length} column${table.columns.length === 1 ? '' : 's'}`;
  let text = `${tableKeyword(table)} ${displayQualified(table.schema, table.name)} (${count})`;
  if (table.partitionKey) text += ` PARTITION BY ${table.partitionKey}`;
  if (table.partitionOf) text += ` PARTITION OF ${displayId(table.partitionOf)}${table.partitionBound ? ` ${table.partitionBound}` : ''}`;
  if (table.rlsEnabled) text += table.rlsForced ? ' ROW LEVEL SECURITY FORCED' : ' ROW LEVEL SECURITY';
  return text;
}

function tableKeyword(table: Table): string {
  if (table.kind === 'foreign') return 'FOREIGN TABLE';
  if (table.persistence === 'unlogged') return 'UNLOGGED TABLE';
  if (table.persistence === 'temporary') return 'TEMPORARY TABLE';
  return 'TABLE';
}

/** `VIEW app.v AS SELECT …` on one line: the definition is what changes. */
export function viewSummary(view: View): string {
  const keyword = view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
  return `${keyword} ${displayQualified(view.schema, view.name)} AS ${oneLine(view.definition)}`;
}

/** `SCHEMA files (owner app)`, with its comment when it has one: what the diff compares on a schema. */
export function schemaSummary(schema: SchemaInfo): string {
  // No owner: owners are not compared (see schema-diff), so showing them would suggest they were.
  const comment = schema.comment === null ? '' : ` (comment ${literal(oneLine(schema.comment))})`;
  return `SCHEMA ${displayIdent(schema.name)}${comment}`;
}

/** `EXTENSION pg_trgm 1.6 (schema public)`. */
export function extensionSummary(extension: Extension): string {
  return `EXTENSION ${displayIdent(extension.name)} ${extension.version} (schema ${displayIdent(extension.schema)})`;
}

export function enumSummary(type: EnumType): string {
  return `ENUM ${displayQualified(type.schema, type.name)} (${type.values.map(literal).join(', ')})`;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Indexes that are their own objects, not the implementation of a PRIMARY KEY or UNIQUE constraint. */
export function standaloneIndexes(table: Pick<Table, 'uniqueConstraints'>, indexes: readonly Index[]): Index[] {
  const uniques = new Set(table.uniqueConstraints.map((u) => u.name));
  return indexes.filter((index) => !index.primary && !(index.constraint !== null && uniques.has(index.constraint)));
}

/** What to render. */
export interface RenderDdlOptions {
  /**
   * Only these ids (tables, and views and enums by their own id): e.g. the `table` of every
   * change in a diff, to show just the touched objects. Schemas are then only those of
   * these objects, and extensions are left out.
   */
  tables?: string[];
}

/**
 * The user schemas as DDL text, for a before/after text diff: the schemas, then the
 * extensions (each by name), then enums, tables by id (each followed by its standalone
 * indexes), then views. The same model always gives the same text (sorted throughout;
 * introspectedAt and statistics are not shown).
 */
export function renderSchemaDdl(model: SchemaModel, options: RenderDdlOptions = {}): string {
  const only = options.tables ? new Set(options.tables) : null;
  const wanted = (schema: string, id: string) => isDiffedSchema(schema) && (only === null || only.has(id));
  const blocks: string[] = [];
  // With a restriction, the schemas of the objects shown (a schema has no id of its own to ask for).
  const shownSchemas =
    only === null ? null : new Set([...model.tables, ...model.views, ...model.enums].filter((o) => only.has(o.id)).map((o) => o.schema));
  const schemas = sortedBy(model.schemas, (s) => s.name).filter((s) => isDiffedSchema(s.name) && (shownSchemas === null || shownSchemas.has(s.name)));
  if (schemas.length > 0) blocks.push(schemas.map((s) => `CREATE SCHEMA ${displayIdent(s.name)};`).join('\n'));
  if (only === null && model.extensions.length > 0) {
    const line = (e: Extension) => `CREATE EXTENSION ${displayIdent(e.name)} WITH SCHEMA ${displayIdent(e.schema)} VERSION ${literal(e.version)};`;
    blocks.push(sortedBy(model.extensions, (e) => e.name).map(line).join('\n'));
  }
  for (const type of sortedBy(model.enums, (e) => e.id)) {
    if (!wanted(type.schema, type.id)) continue;
    blocks.push(`CREATE TYPE ${displayQualified(type.schema, type.name)} AS ENUM (${type.values.map(literal).join(', ')});`);
  }
  for (const table of sortedBy(model.tables, (t) => t.id)) {
    if (wanted(table.schema, table.id)) blocks.push(renderTable(table));
  }
  for (const view of sortedBy(model.views, (v) => v.id)) {
    if (!wanted(view.schema, view.id)) continue;
    const keyword = view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
    const body = view.definition.replace(/\s+$/, '').replace(/;$/, '');
    const lines = [`CREATE ${keyword} ${displayQualified(view.schema, view.name)} AS`, `${body};`];
    for (const index of sortedBy(view.indexes, (i) => i.name)) lines.push(`${index.definition};`);
    blocks.push(lines.join('\n'));
  }
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}

function renderTable(table: Table): string {
  const name = displayQualified(table.schema, table.name);
  const lines: string[] = [];
  // A partition's columns and inherited keys are its parent's: one line says it all.
  if (table.kind === 'partition' && table.partitionOf) {
    lines.push(`CREATE TABLE ${name} PARTITION OF ${displayId(table.partitionOf)} ${table.partitionBound ?? ''}`.trimEnd() + ';');
  } else {
    const body = [...columnsInOrder(table).map(columnDdl), ...constraintLines(table)];
    const partitioned = table.partitionKey ? ` PARTITION BY ${table.partitionKey}` : '';
    if (body.length === 0) lines.push(`CREATE ${tableKeyword(table)} ${name} ()${partitioned};`);
    else lines.push(`CREATE ${tableKeyword(table)} ${name} (`, body.map((line) => `  ${line}`).join(',\n'), `)${partitioned};`);
  }
  if (table.rlsEnabled) lines.push(`ALTER TABLE ${name} ENABLE ROW LEVEL SECURITY;`);
  if (table.rlsForced) lines.push(`ALTER TABLE ${name} FORCE ROW LEVEL SECURITY;`);
  const indexes = standaloneIndexes(table, table.indexes).filter((index) => !(table.kind === 'partition' && index.partitioned));
  for (const index of sortedBy(indexes, (i) => i.name)) lines.push(`${index.definition};`);
  return lines.join('\n');
}

function constraintLines(table: Table): string[] {
  const line = (name: string, body: string) => `CONSTRAINT ${displayIdent(name)} ${body}`;
  const lines: string[] = [];
  if (table.primaryKey) lines.push(line(table.primaryKey.name, primaryKeyDdl(table.primaryKey.columns)));
  for (const unique of sortedBy(table.uniqueConstraints, (u) => u.name)) lines.push(line(unique.name, uniqueDdl(unique)));
  for (const check of sortedBy(table.checkConstraints, (c) => c.name)) lines.push(line(check.name, check.definition));
  for (const exclusion of sortedBy(table.exclusionConstraints, (c) => c.name)) lines.push(line(exclusion.name, exclusion.definition));
  for (const fk of sortedBy(table.foreignKeys.filter((f) => !f.inherited), (f) => f.name)) lines.push(line(fk.name, fk.definition));
  return lines;
}
