/**
 * The one way an identifier reaches SQL text. A branded string makes it a type error to
 * splice an unchecked name into SQL (the idea of pg-meta's SafeSql).
 */
export type QuotedIdentifier = string & { readonly __brand: 'QuotedIdentifier' };

/** Double-quotes a PostgreSQL identifier, doubling embedded quotes; rejects NUL bytes. */
export function quoteIdent(name: string): QuotedIdentifier {
  if (name.length === 0) throw new Error('Empty identifier');
  if (name.includes('\u0000')) throw new Error('Identifier contains a NUL byte');
  return `"${name.replace(/"/g, '""')}"` as QuotedIdentifier;
}

/** schema.name, each part quoted. */
export function quoteQualified(schema: string, name: string): QuotedIdentifier {
  return `${quoteIdent(schema)}.${quoteIdent(name)}` as QuotedIdentifier;
}
