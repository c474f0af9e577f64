import type { InferredRelationship } from './inferred';
import type { Column, EnumType, Index, SchemaModel, Table } from '../introspect/schema-model';
import { type ErdEdge, type ErdNode, schemaToGraph } from './graph';
import {
  bookkeepingSchemas,
  checkExpression,
  columnsInOrder,
  compareText,
  partitionsByRoot,
  selectTables,
  sortedBy,
  type TableSelection,
} from './model-helpers';

/** What the DBML export includes. */
export type DbmlOptions = Pick<TableSelection, 'includeBookkeeping'> & {
  /** Relationships no key declares (inferred.ts): written as refs marked `// inferred: why`. Default none. */
  inferred?: InferredRelationship[];
};

/**
 * The whole schema as DBML, for dbdiagram.io / dbdocs and for review diffs beside a
 * change set. Partitions are folded into their parent (noted on it), FK clones are left out,
 * and relationships come from the same graph as the live ERD.
 *
 * Escaping rules (those of DBML's lexer):
 * - Schema, table, column, enum and enum-value names are always double-quoted; inside, `\` →
 *   `\\`, `"` → `\"`, and line breaks / tabs become `\n`, `\r`, `\t`.
 * - Notes and string defaults are single-quoted, with the same escapes but `'` → `\'`.
 * - Types print raw when DBML's grammar takes them (`bigint`, `varchar(255)`,
 *   `numeric(12,2)`), else double-quoted (`"character varying(255)"`, `"text[]"`); a column
 *   of a user enum names it as `"schema"."enum"` so DBML links the two.
 * - Defaults: numbers and true/false raw, `'literal'::type` as the string `'literal'`,
 *   anything else as a backtick expression. Expressions (defaults, index keys, checks) cannot
 *   contain a backtick in DBML; one inside is replaced by `ˋ` (U+02CB).
 */
export function toDbml(model: SchemaModel, options: DbmlOptions = {}): string {
  const tables = selectTables(model, options);
  const graph = schemaToGraph(model, options);
  const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
  const folded = partitionsByRoot(model);
  const hidden = options.includeBookkeeping ? new Set<string>() : bookkeepingSchemas(model);
  const blocks: string[] = [projectBlock(model)];

  const enums = model.enums.filter((e) => !hidden.has(e.schema)).sort((a, b) => compareText(a.schema, b.schema) || compareText(a.name, b.name));
  for (const enumType of enums) blocks.push(enumBlock(enumType));
  for (const table of tables) blocks.push(tableBlock(table, folded.get(table.id)?.length ?? 0));
  const nameCounts = new Map<string, number>();
  for (const edge of graph.edges) nameCounts.set(edge.name, (nameCounts.get(edge.name) ?? 0) + 1);
  const refs = sortedBy(graph.edges, (edge) => `${edge.source}\u0000${edge.name}`).map((edge) =>
    // Constraint names are unique per table only; DBML wants unique ref names.
    refLine(edge, nodesById, (nameCounts.get(edge.name) ?? 0) > 1 ? edge.id : edge.name),
  );
  if (refs.length > 0) blocks.push(refs.join('\n'));
  const views = model.views.filter((v) => !hidden.has(v.schema)).sort((a, b) => compareText(a.schema, b.schema) || compareText(a.name, b.name));
  if (views.length > 0) {
    blocks.push(
      ['// Views (DBML has no views; listed for reference):']
        .concat(views.map((v) => `// ${qualified(v.schema, v.name)}${v.materialized ? ' (materialized)' : ''}`))
        .join('\n'),
    );
  }
  return `${blocks.join('\n\n')}\n`;
}

/** A double-quoted DBML name (table, column, enum, value), escaped per DBML's lexer. */
export function dbmlName(name: string): string {
  return `"${escapeDbml(name, '"')}"`;
}

/** A single-quoted DBML string (notes, string defaults), escaped per DBML's lexer. */
export function dbmlString(text: string): string {
  return `'${escapeDbml(text, "'")}'`;
}

/** Backslash-escapes `\`, the enclosing quote and line breaks / tabs (DBML strings are one line). */
function escapeDbml(text: string, quote: '"' | "'"): string {
  return text.replace(/[\\'"\n\r\t]/g, (c) => (c === '"' || c === "'" ? (c === quote ? `\\${c}` : c) : CONTROL_ESCAPES[c]));
}

const CONTROL_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function qualified(schema: string, name: string): string {
  return `${dbmlName(schema)}.${dbmlName(name)}`;
}

function expression(text: string): string {
  return `\`${text.replace(/`/g, '\u02cb')}\``;
}

function projectBlock(model: SchemaModel): string {
  return [
    `Project ${dbmlName(model.database)} {`,
    "  database_type: 'PostgreSQL'",
    `  Note: ${dbmlString(`PostgreSQL ${model.serverVersion}`)}`,
    '}',
  ].join('\n');
}

function enumBlock(enumType: EnumType): string {
  const lines: string[] = [];
  if (enumType.comment) lines.push(`// ${enumType.comment.replace(/\s+/g, ' ').trim()}`);
  lines.push(`Enum ${qualified(enumType.schema, enumType.name)} {`);
  for (const value of enumType.values) lines.push(`  ${dbmlName(value)}`);
  lines.push('}');
  return lines.join('\n');
}

function tableBlock(table: Table, partitionCount: number): string {
  const lines = [`Table ${qualified(table.schema, table.name)} {`];
  const pk = table.primaryKey?.columns ?? [];
  const singleUnique = new Set(table.uniqueConstraints.filter((u) => u.columns.length === 1).map((u) => u.columns[0]));
  for (const column of columnsInOrder(table)) {
    const settings = columnSettings(column, pk.length === 1 && pk[0] === column.name, singleUnique.has(column.name));
    lines.push(`  ${dbmlName(column.name)} ${columnType(column)}${settings.length > 0 ? ` [${settings.join(', ')}]` : ''}`);
  }
  const note = [table.comment, table.partitionKey && `Partitioned by ${table.partitionKey}; ${partitionCount} partitions.`]
    .filter(Boolean)
    .join('\n');
  if (note) lines.push('', `  Note: ${dbmlString(note)}`);
  const indexes = indexLines(table);
  if (indexes.length > 0) lines.push('', '  indexes {', ...indexes.map((line) => `    ${line}`), '  }');
  const checks = sortedBy(table.checkConstraints, (c) => c.name).map(
    (check) => `${expression(checkExpression(check.definition))} [name: ${dbmlString(check.name)}]`,
  );
  if (checks.length > 0) lines.push('', '  checks {', ...checks.map((line) => `    ${line}`), '  }');
  lines.push('}');
  return lines.join('\n');
}

function columnType(column: Column): string {
  if (column.enumType && !column.type.endsWith('[]')) {
    const dot = column.enumType.indexOf('.');
    return qualified(column.enumType.slice(0, dot), column.enumType.slice(dot + 1));
  }
  return /^[A-Za-z_][A-Za-z0-9_]*(\(\d+(,\d+)?\))?$/.test(column.type) ? column.type : dbmlName(column.type);
}

function columnSettings(column: Column, primaryKey: boolean, unique: boolean): string[] {
  const settings: string[] = [];
  if (primaryKey) settings.push('pk');
  if (column.identity) settings.push('increment');
  if (!column.nullable) settings.push('not null');
  if (unique) settings.push('unique');
  if (column.default !== null) settings.push(`default: ${defaultValue(column.default)}`);
  const note = [column.generated && `generated: ${column.generated}`, column.comment].filter(Boolean).join('\n');
  if (note) settings.push(`note: ${dbmlString(note)}`);
  return settings;
}

/** PostgreSQL's printed default → the closest DBML default (see the rules on {@link toDbml}). */
function defaultValue(text: string): string {
  if (/^-?\d+(\.\d+)?$/.test(text) || /^(true|false)$/i.test(text)) return text.toLowerCase();
  const literal = /^'((?:[^']|'')*)'(::[^']+)?$/.exec(text);
  if (literal) return dbmlString(literal[1].replace(/''/g, "'"));
  return expression(text);
}

/**
 * Composite primary key, UNIQUE constraints on several columns, and every index not backing
 * a constraint. Single-column PK and UNIQUE are already column settings.
 */
function indexLines(table: Table): string[] {
  const lines: string[] = [];
  const pk = table.primaryKey;
  if (pk && pk.columns.length > 1) lines.push(`${columnList(pk.columns)} [pk, name: ${dbmlString(pk.name)}]`);
  for (const unique of sortedBy(table.uniqueConstraints, (u) => u.name)) {
    if (unique.columns.length > 1) lines.push(`${columnList(unique.columns)} [unique, name: ${dbmlString(unique.name)}]`);
  }
  for (const index of sortedBy(table.indexes, (i) => i.name)) {
    if (index.constraint !== null || index.primary) continue;
    lines.push(`${indexKeys(index)} [${indexSettings(index).join(', ')}]`);
  }
  return lines;
}

function columnList(columns: string[]): string {
  return `(${columns.map(dbmlName).join(', ')})`;
}

function indexKeys(index: Index): string {
  const keys = index.keys.map((key) => (key.column !== null ? dbmlName(key.column) : expression(key.expression ?? '')));
  return keys.length === 1 && index.keys[0].column !== null ? keys[0] : `(${keys.join(', ')})`;
}

function indexSettings(index: Index): string[] {
  const settings: string[] = [];
  if (index.unique) settings.push('unique');
  settings.push(`name: ${dbmlString(index.name)}`);
  if (index.method === 'hash') settings.push('type: hash');
  const notes: string[] = [];
  if (index.method !== 'btree' && index.method !== 'hash') notes.push(`using ${index.method}`);
  const ordering = index.keys.filter((key) => key.descending).map((key) => `${key.column ?? key.expression} DESC`);
  if (ordering.length > 0) notes.push(ordering.join(', '));
  if (index.include.length > 0) notes.push(`include (${index.include.join(', ')})`);
  if (index.predicate) notes.push(`where ${index.predicate}`);
  if (!index.valid) notes.push('invalid (not used by the planner)');
  if (notes.length > 0) settings.push(`note: ${dbmlString(notes.join('; '))}`);
  return settings;
}

function refLine(edge: ErdEdge, nodes: Map<string, ErdNode>, name: string): string {
  const source = nodes.get(edge.source) as ErdNode;
  const target = nodes.get(edge.target) as ErdNode;
  const side = (node: ErdNode, columns: string[]) =>
    `${qualified(node.schema, node.name)}.${columns.length === 1 ? dbmlName(columns[0]) : columnList(columns)}`;
  const settings: string[] = [];
  if (edge.onDelete !== 'no action') settings.push(`delete: ${edge.onDelete}`);
  if (edge.onUpdate !== 'no action') settings.push(`update: ${edge.onUpdate}`);
  const relation = edge.cardinality === 'one-to-one' ? '-' : '>';
  // In a one-to-one DBML ref, the second endpoint is the FK side: write it referenced-first.
  const endpoints =
    relation === '-'
      ? `${side(target, edge.targetColumns)} - ${side(source, edge.sourceColumns)}`
      : `${side(source, edge.sourceColumns)} > ${side(target, edge.targetColumns)}`;
  const line = `Ref ${dbmlName(name)}: ${endpoints}${settings.length > 0 ? ` [${settings.join(', ')}]` : ''}`;
  return edge.inferred ? `${line} // inferred: ${edge.inferred.replace(/[\r\n]+/g, ' ')}` : line;
}
