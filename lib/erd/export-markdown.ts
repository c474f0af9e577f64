import type { EnumType, SchemaModel, Table, View } from '../introspect/schema-model';
import type { InferredRelationship } from './inferred';
import {
  type ClassificationLookup,
  bookkeepingSchemas,
  columnsInOrder,
  compareTables,
  compareText,
  foldedStatistics,
  type IncomingReference,
  incomingReferences,
  keyColumns,
  partitionsByRoot,
  selectTables,
  sortedBy,
  visibleForeignKeys,
} from './model-helpers';

/** Options of the entity dictionary. */
export interface MarkdownDictionaryOptions {
  /** First heading; default `Entity dictionary: <database>`. */
  title?: string;
  /** Adds a Classification column (and a table-level line) from the policies. */
  classifications?: ClassificationLookup;
  /** Include the `strata` and `drizzle` bookkeeping schemas. Default false. */
  includeBookkeeping?: boolean;
  /**
   * Show figures that drift without any schema change (row estimates). Default true; false
   * for the committed copy, which CI regenerates and compares byte for byte.
   */
  liveFigures?: boolean;
  /**
   * Relationships no key declares (inferred.ts): listed per table under their own heading,
   * apart from the foreign keys, each with its reason. Default none.
   */
  inferred?: InferredRelationship[];
}

/**
 * The entity dictionary: every schema, table, column, key, index, check, enum and
 * view, as Markdown a reviewer reads beside each change set. Deterministic (no timestamps,
 * code-unit ordering), so regenerating it after a migration shows exactly what changed.
 *
 * Escaping: names are code spans (fenced with more backticks than they contain); free text
 * (comments) has `&`, `<`, `>` turned into entities so it cannot inject HTML; in table cells
 * `|` becomes `\|` and line breaks become `<br>`.
 */
export function toMarkdownDictionary(model: SchemaModel, options: MarkdownDictionaryOptions = {}): string {
  const tables = selectTables(model, options);
  const hidden = options.includeBookkeeping ? new Set<string>() : bookkeepingSchemas(model);
  const context: Context = {
    folded: partitionsByRoot(model),
    incoming: incomingReferences(tables),
    classify: options.classifications ?? null,
    liveFigures: options.liveFigures ?? true,
    inferred: new Map(),
  };
  for (const relation of options.inferred ?? []) context.inferred.set(relation.table, [...(context.inferred.get(relation.table) ?? []), relation]);
  const schemaNames = [...new Set([...model.schemas.map((s) => s.name), ...tables.map((t) => t.schema)])]
    .filter((name) => !hidden.has(name))
    .sort(compareText);

  const out: string[] = [`# ${text(options.title ?? `Entity dictionary: ${model.database}`)}`, ''];
  out.push(
    `PostgreSQL ${text(model.serverVersion)}, database ${code(model.database)}: ` +
      `${plural(tables.length, 'table')} in ${plural(schemaNames.length, 'schema')}.`,
  );
  if (context.liveFigures) out.push('Row counts are planner estimates (`pg_class.reltuples`), not exact counts.');
  out.push('');
  for (const schema of schemaNames) {
    const info = model.schemas.find((s) => s.name === schema);
    out.push(`## Schema ${code(schema)}`, '');
    if (info?.comment) out.push(text(info.comment), '');
    for (const table of tables) if (table.schema === schema) out.push(...tableSection(table, context));
    out.push(...enumSection(schema, model.enums.filter((e) => e.schema === schema)));
    out.push(...viewSection(schema, model.views.filter((v) => v.schema === schema)));
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

interface Context {
  folded: Map<string, Table[]>;
  incoming: Map<string, IncomingReference[]>;
  classify: ClassificationLookup | null;
  liveFigures: boolean;
  inferred: Map<string, InferredRelationship[]>;
}

function tableSection(table: Table, context: Context): string[] {
  const out = [`### ${code(`${table.schema}.${table.name}`)}`, ''];
  if (table.comment) out.push(text(table.comment), '');
  const partitions = context.folded.get(table.id) ?? [];
  const facts: string[] = [];
  if (table.kind === 'foreign') facts.push('Foreign table.');
  if (table.partitionKey) facts.push(`Partitioned by ${code(table.partitionKey)}; ${plural(partitions.length, 'partition')}.`);
  if (context.liveFigures) {
    const { rowEstimate } = foldedStatistics(table, partitions);
    facts.push(
      rowEstimate === null
        ? 'Estimated rows: unknown (never analysed).'
        : `Estimated rows: ~${count(Math.round(rowEstimate))} (planner estimate).`,
    );
  }
  const tableTags = context.classify?.(table.id) ?? [];
  if (tableTags.length > 0) facts.push(`Classification: ${text(tableTags.join(', '))}.`);
  if (facts.length > 0) out.push(facts.join(' '), '');

  out.push(...columnsTable(table, context.classify), '');
  if (table.primaryKey) out.push(`Primary key: ${code(table.primaryKey.name)} (${codeList(table.primaryKey.columns)})`, '');

  const outgoing = sortedBy(visibleForeignKeys(table), (fk) => fk.name);
  if (outgoing.length > 0) {
    out.push('Foreign keys:', '');
    out.push(
      ...grid(
        ['Constraint', 'Columns', 'References', 'On delete', 'On update'],
        outgoing.map((fk) => [
          code(fk.name),
          codeList(fk.columns),
          `${code(fk.references.table)} (${codeList(fk.references.columns)})`,
          fk.onDelete,
          fk.onUpdate,
        ]),
      ),
      '',
    );
  }
  const incoming = context.incoming.get(table.id) ?? [];
  if (incoming.length > 0) {
    out.push('Referenced by:', '');
    out.push(
      ...grid(
        ['Table', 'Constraint', 'Columns'],
        incoming.map((ref) => [code(ref.table.id), code(ref.foreignKey.name), codeList(ref.foreignKey.columns)]),
      ),
      '',
    );
  }
  const inferred = sortedBy(context.inferred.get(table.id) ?? [], (relation) => relation.id);
  if (inferred.length > 0) {
    out.push('Inferred relationships (no foreign key declares them):', '');
    for (const relation of inferred) {
      const target = relation.references
        ? `${code(relation.references.table)} (${codeList(relation.references.columns)})`
        : relation.candidates.length > 0
          ? `one of ${relation.candidates.map(code).join(', ')} (polymorphic)`
          : 'a table its type column names (polymorphic)';
      out.push(`- ${codeList(relation.columns)} → ${target}, inferred: ${text(relation.reason)}`);
    }
    out.push('');
  }
  const indexes = sortedBy(table.indexes, (index) => index.name);
  if (indexes.length > 0) {
    out.push('Indexes:', '');
    out.push(
      ...grid(
        ['Index', 'Method', 'Keys', 'Unique', 'Predicate'],
        indexes.map((index) => [
          code(index.name),
          index.method,
          index.keys.map((key) => code(`${key.column ?? key.expression ?? ''}${key.descending ? ' DESC' : ''}`)).join(', ') +
            (index.include.length > 0 ? ` include ${codeList(index.include)}` : ''),
          index.primary ? 'primary' : index.unique ? 'yes' : 'no',
          index.predicate ? code(index.predicate) : '',
        ]),
      ),
      '',
    );
  }
  const checks = sortedBy(table.checkConstraints, (check) => check.name);
  if (checks.length > 0) {
    out.push('Checks:', '');
    out.push(...grid(['Constraint', 'Definition'], checks.map((check) => [code(check.name), code(check.definition)])), '');
  }
  if (partitions.length > 0) {
    out.push('Partitions:', '');
    out.push(
      ...grid(
        ['Partition', 'Bound'],
        [...partitions].sort(compareTables).map((p) => [code(p.id), p.partitionBound ? code(p.partitionBound) : '']),
      ),
      '',
    );
  }
  return out;
}

function columnsTable(table: Table, classify: ClassificationLookup | null): string[] {
  const keys = keyColumns(table);
  const headers = ['Column', 'Type', 'Nullable', 'Default', 'Keys', 'Comment'];
  if (classify) headers.push('Classification');
  const rows = columnsInOrder(table).map((column) => {
    const markers = [
      keys.primary.has(column.name) && 'PK',
      keys.foreign.has(column.name) && 'FK',
      keys.unique.has(column.name) && 'UK',
    ].filter(Boolean);
    const defaultText = column.identity
      ? `identity (${column.identity})`
      : column.generated
        ? `generated: ${code(column.generated)}`
        : column.default !== null
          ? code(column.default)
          : '';
    const nullable = column.nullable ? 'yes' : 'no';
    const row = [code(column.name), code(column.type), nullable, defaultText, markers.join(', '), text(column.comment ?? '')];
    if (classify) row.push(text(classify(table.id, column.name).join(', ')));
    return row;
  });
  return grid(headers, rows);
}

function enumSection(schema: string, enums: EnumType[]): string[] {
  if (enums.length === 0) return [];
  const rows = sortedBy(enums, (e) => e.name).map((e) => [code(e.name), e.values.map(code).join(', '), text(e.comment ?? '')]);
  return [`### Enums in ${code(schema)}`, '', ...grid(['Enum', 'Values', 'Comment'], rows), ''];
}

function viewSection(schema: string, views: View[]): string[] {
  if (views.length === 0) return [];
  const rows = sortedBy(views, (v) => v.name).map((v) => [
    code(v.name),
    v.materialized ? 'materialized' : 'view',
    v.columns.map((c) => `${code(c.name)} (${text(c.type)})`).join(', '),
    text(v.comment ?? ''),
  ]);
  return [`### Views in ${code(schema)}`, '', ...grid(['View', 'Kind', 'Columns', 'Comment'], rows), ''];
}

/** A GitHub-flavoured Markdown table; cells are already formatted, only `|` and breaks escaped. */
function grid(headers: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)];
}

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A code span that survives any content: longer fence than any backtick run inside. */
function code(value: string): string {
  const flat = value.replace(/\r?\n/g, ' ');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function codeList(values: string[]): string {
  return values.map(code).join(', ');
}

/** Free text (comments, titles): HTML-significant characters become entities. */
function text(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function plural(value: number, noun: string): string {
  return `${count(value)} ${noun}${value === 1 ? '' : 's'}`;
}

/** 1234567 → "1,234,567", the same on every machine (no locale). */
function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
