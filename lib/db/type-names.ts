/**
 * PostgreSQL spells one type several ways: the parser's internal names (`int4`, `varchar`,
 * `timestamptz`), the short names people type (`int`, `decimal`, `char`), and what
 * `format_type` prints (`integer`, `character varying`, `timestamp with time zone`). The
 * catalog side of Strata (introspection, the diff) speaks format_type; this table brings
 * the other spellings to it, so the diff's type classifier and the linter's reading of a
 * parse tree compare the same words.
 */
const FORMAT_TYPE_NAMES: Readonly<Record<string, string>> = {
  int: 'integer',
  integer: 'integer',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  decimal: 'numeric',
  bool: 'boolean',
  varchar: 'character varying',
  char: 'character',
  bpchar: 'character',
  varbit: 'bit varying',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  time: 'time without time zone',
  timetz: 'time with time zone',
};

/**
 * The one-byte internal type, as format_type prints it. Its parse-tree name is `char`, the
 * same word as the SQL keyword for `character`; the parser turns the keyword into `bpchar`,
 * so a bare `char` in a parse tree is always this type (written `"char"`).
 */
export const INTERNAL_CHAR_TYPE = '"char"';

/**
 * What format_type prints for a built-in type name (lowercase, without modifiers); other
 * names unchanged. One liberty: `bpchar` without a length, which format_type keeps calling
 * `bpchar`, reads as `character` here too, so the linter's char rules see it for what it is.
 */
export function formatTypeNameOf(name: string): string {
  return Object.hasOwn(FORMAT_TYPE_NAMES, name) ? FORMAT_TYPE_NAMES[name]! : name;
}
