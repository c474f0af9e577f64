import type { InferredRelationship } from './inferred';
import type { SchemaModel } from '../introspect/schema-model';
import { type ErdColumn, type ErdEdge, type ErdNode, schemaToGraph } from './graph';

/** What the Mermaid export includes. */
export interface MermaidOptions {
  /** Include the `strata` and `drizzle` bookkeeping schemas. Default false. */
  includeBookkeeping?: boolean;
  /** Only key attributes (pk/fk/unique): keeps very large schemas renderable. Default false. */
  keysOnly?: boolean;
  /** Relationships no key declares (inferred.ts): drawn dashed, labelled "inferred …". Default none. */
  inferred?: InferredRelationship[];
}

/**
 * The whole schema as a Mermaid `erDiagram`: an ERD that renders in any Markdown viewer
 * and can be committed beside each change set. Built from the same graph as the live
 * ERD, so both show the same entities, keys and cardinalities.
 *
 * Escaping rules (Mermaid's ER grammar accepts only a narrow set of raw names):
 * - Entities are written `"alias"["schema.name"]`. The alias is `schema__name` with every
 *   character outside `[A-Za-z0-9_]` replaced by `_` (numbered `_2`, `_3`… on collision); it is
 *   quoted too, so it can never be read as a keyword (`to`, `one`, `class`…). The label keeps
 *   the real name except `"` → `'` and `%` `\` → `_`, which Mermaid cannot take in a label.
 * - Attribute types: PostgreSQL's multi-word names are shortened (`character varying` →
 *   `varchar`, `timestamp with time zone` → `timestamptz`, `double precision` → `float8`…), a
 *   trailing `[]` becomes `_array`, then every run of other characters becomes one `_`:
 *   `character varying(255)` → `varchar_255`, `numeric(12,2)` → `numeric_12_2`.
 * - Attribute names get the same `_` rule; when that changes a name, the real name leads the
 *   attribute comment. Names `PK`, `FK`, `UK` get a trailing `_` (they are key tokens).
 * - Comments and relationship labels are double-quoted, with `"` → `'`, `~` → `-`, whitespace
 *   runs collapsed to one space, and `direction LR` (etc.) written `direction_LR`: Mermaid
 *   reads that phrase as a directive wherever it appears on a line.
 *
 * Relationships use crow's feet: the referencing side is `}o` (zero or more) or, for a
 * one-to-one FK, `|o` (zero or one); the referenced side is `||` (exactly one) or, when the
 * FK is nullable, `o|` (zero or one). The line is solid (`--`, identifying) when the FK
 * columns are part of the referencing table's primary key, dashed (`..`) otherwise. The label
 * is the constraint name.
 */
export function toMermaid(model: SchemaModel, options: MermaidOptions = {}): string {
  const graph = schemaToGraph(model, { includeBookkeeping: options.includeBookkeeping, inferred: options.inferred });
  const aliases = entityAliases(graph.nodes);
  const nodesById = new Map(graph.nodes.map((node) => [node.id, node]));
  const lines = ['erDiagram'];
  for (const node of graph.nodes) {
    const alias = aliases.get(node.id) as string;
    const columns = options.keysOnly ? node.columns.filter((column) => column.isKey) : node.columns;
    const head = `    "${alias}"["${mermaidLabel(`${node.schema}.${node.name}`)}"]`;
    if (columns.length === 0) {
      lines.push(head);
      continue;
    }
    lines.push(`${head} {`);
    for (const column of columns) lines.push(`        ${attribute(column)}`);
    lines.push('    }');
  }
  for (const edge of graph.edges) {
    const source = nodesById.get(edge.source) as ErdNode;
    lines.push(
      `    "${aliases.get(edge.source)}" ${relationship(edge, source)} "${aliases.get(edge.target)}" : "${mermaidText(edge.name)}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The Mermaid-safe spelling of a PostgreSQL type, by the rule documented on {@link toMermaid}.
 * Exported for tests and for anyone who labels Mermaid attributes the same way.
 */
export function mermaidType(type: string): string {
  let text = type.trim();
  let array = '';
  while (text.endsWith('[]')) {
    text = text.slice(0, -2);
    array += '_array';
  }
  for (const [pattern, short] of TYPE_ALIASES) text = text.replace(pattern, short);
  return mermaidWord(text + array);
}

const TYPE_ALIASES: Array<[RegExp, string]> = [
  [/^character varying\b/, 'varchar'],
  [/^character\b/, 'char'],
  [/^bit varying\b/, 'varbit'],
  [/^double precision$/, 'float8'],
  [/^timestamp(\(\d+\))? with time zone$/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone$/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone$/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone$/, 'time$1'],
];

/** `[A-Za-z0-9_]` only, starting with a letter or `_`, never a bare key token. */
function mermaidWord(text: string): string {
  let word = text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (word === '') word = '_';
  if (/^[0-9]/.test(word)) word = `_${word}`;
  if (/^(pk|fk|uk)$/i.test(word)) word = `${word}_`;
  return word;
}

function attribute(column: ErdColumn): string {
  const name = mermaidWord(column.name);
  const keys = [column.pk && 'PK', column.fk && 'FK', column.unique && 'UK'].filter(Boolean).join(', ');
  const notes: string[] = [];
  if (name !== column.name) notes.push(column.name);
  if (column.comment) notes.push(column.comment);
  const parts = [mermaidType(column.type), name];
  if (keys) parts.push(keys);
  if (notes.length > 0) parts.push(`"${mermaidText(notes.join(': '))}"`);
  return parts.join(' ');
}

function relationship(edge: ErdEdge, source: ErdNode): string {
  const referencing = edge.cardinality === 'one-to-one' ? '|o' : '}o';
  const referenced = edge.optional ? 'o|' : '||';
  const pk = new Set(source.columns.filter((column) => column.pk).map((column) => column.name));
  // An inferred relationship is never drawn as identifying: no key says it is one.
  const identifying = !edge.inferred && edge.sourceColumns.every((column) => pk.has(column));
  return `${referencing}${identifying ? '--' : '..'}${referenced}`;
}

function entityAliases(nodes: readonly ErdNode[]): Map<string, string> {
  const aliases = new Map<string, string>();
  const taken = new Set<string>();
  for (const node of nodes) {
    const base = `${mermaidWord(node.schema)}__${mermaidWord(node.name)}`;
    let alias = base;
    for (let n = 2; taken.has(alias.toLowerCase()); n++) alias = `${base}_${n}`;
    taken.add(alias.toLowerCase());
    aliases.set(node.id, alias);
  }
  return aliases;
}

/** Text inside a quoted entity label: no `"`, `%`, `\` or line breaks (Mermaid's ENTITY_NAME). */
function mermaidLabel(text: string): string {
  return mermaidText(text).replace(/[%\\]/g, '_');
}

/**
 * Text inside a quoted comment, label or role: one line, no double quotes, no `~` (Mermaid
 * lexes `~…~` as a generic type before it sees a comment), and never the words "direction TB"
 * and the like (a line-level directive Mermaid matches anywhere on a line).
 */
function mermaidText(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/~/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/(direction) (tb|bt|rl|lr)/gi, '$1_$2');
}
