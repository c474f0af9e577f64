import type { Node, RangeVar, TypeName } from 'libpg-query';
import { formatTypeNameOf, INTERNAL_CHAR_TYPE } from '../db/type-names';

/**
 * Typed access to libpg-query parse trees. Every node is a one-key wrapper
 * (`{ ColumnDef: {...} }`); these helpers unwrap them with the compiler's help instead
 * of casting at every use, and read names the way PostgreSQL resolves them.
 */

/** Every node kind the parser can produce (`CreateStmt`, `ColumnDef`, …). */
export type NodeKind = Node extends infer N ? (N extends Record<infer K, unknown> ? K & string : never) : never;
/** The payload of a node of kind K. */
export type NodeOf<K extends NodeKind> = Extract<Node, Record<K, unknown>>[K];

/** The payload when `node` is of kind `kind`, else undefined. */
export function nodeOf<K extends NodeKind>(node: Node | undefined | null, kind: K): NodeOf<K> | undefined {
  if (!node || typeof node !== 'object' || !(kind in node)) return undefined;
  return (node as unknown as Record<K, NodeOf<K>>)[kind];
}

/** The payloads of every element of `list` that is of kind `kind`. */
export function nodesOf<K extends NodeKind>(list: Node[] | undefined, kind: K): Array<NodeOf<K>> {
  const found: Array<NodeOf<K>> = [];
  for (const node of list ?? []) {
    const payload = nodeOf(node, kind);
    if (payload !== undefined) found.push(payload);
  }
  return found;
}

/** `String` nodes of a name list (`schema.table`, type names, column lists). */
export function stringsOf(list: Node[] | undefined): string[] {
  return nodesOf(list, 'String').map((s) => s.sval ?? '');
}

/** Unqualified names live in `public` for the linter's purposes (the default search_path). */
export const DEFAULT_SCHEMA = 'public';

/** schema.name of a RangeVar, with the default schema filled in. */
export function tableKey(rv: RangeVar | undefined): string {
  if (!rv?.relname) return '';
  return `${rv.schemaname ?? DEFAULT_SCHEMA}.${rv.relname}`;
}

/** schema.name from a qualified name list (DROP objects, index names), default schema filled in. */
export function keyFromNames(names: string[]): string {
  if (names.length === 0) return '';
  const name = names[names.length - 1];
  const schema = names.length > 1 ? names[names.length - 2] : DEFAULT_SCHEMA;
  return `${schema}.${name}`;
}

/** The object name part of a schema.name key. */
export function nameOf(key: string): string {
  return key.slice(key.indexOf('.') + 1);
}

/** The schema part of a schema.name key. */
export function schemaOf(key: string): string {
  return key.slice(0, key.indexOf('.'));
}

/**
 * A TypeName as `format_type` would print it (`character varying(50)`, `integer[]`,
 * `timestamp without time zone`), so the diff's type classifier can compare types the
 * parser and the catalog spell differently.
 */
export function formatTypeName(typeName: TypeName | undefined): string {
  if (!typeName) return '';
  const names = stringsOf(typeName.names);
  const internal = names[names.length - 1] ?? '';
  const builtIn = names.length === 1 || names[0] === 'pg_catalog';
  const base = builtIn ? builtInTypeName(internal) : names.join('.');
  const mods = (typeName.typmods ?? []).map(typmodText).filter((m) => m !== '');
  const array = typeName.arrayBounds?.length ? '[]'.repeat(typeName.arrayBounds.length) : '';
  if (mods.length === 0) return `${base}${array}`;
  // The precision sits inside the name for the temporal types: timestamp(3) with time zone.
  const zoned = /^(timestamp|time) (with|without) time zone$/.exec(base);
  if (zoned) return `${zoned[1]}(${mods.join(',')}) ${zoned[2]} time zone${array}`;
  return `${base}(${mods.join(',')})${array}`;
}

/** format_type's name for a built-in type the parser names `internal` (pg_catalog.int4 → integer). */
function builtInTypeName(internal: string): string {
  // The keyword CHAR arrives as bpchar: a bare `char` here is the one-byte internal type.
  return internal === 'char' ? INTERNAL_CHAR_TYPE : formatTypeNameOf(internal);
}

function typmodText(node: Node): string {
  const c = nodeOf(node, 'A_Const');
  if (c?.ival) return String(c.ival.ival ?? 0);
  if (c?.sval) return c.sval.sval ?? '';
  const ref = nodeOf(node, 'ColumnRef');
  if (ref) return stringsOf(ref.fields).join('.');
  return '';
}

/** The bare base name of a type (`int4`, `varchar`, `serial`, `my_enum`), lowercased unless quoted-looking. */
export function baseTypeName(typeName: TypeName | undefined): string {
  const names = stringsOf(typeName?.names);
  return names[names.length - 1] ?? '';
}

/** True when the type is written without a schema (or in pg_catalog): only then is it a built-in spelling. */
export function isBuiltInSpelling(typeName: TypeName | undefined): boolean {
  const names = stringsOf(typeName?.names);
  return names.length === 1 || names[0] === 'pg_catalog';
}

/** Length of an identifier in bytes: PostgreSQL truncates names to 63 bytes, not characters. */
export function identifierBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}
