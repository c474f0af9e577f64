import { diffSchemas } from '../diff/schema-diff';
import { DIFF_KIND_LABEL, type DiffChange } from '../diff/types';
import type { SchemaModel } from '../introspect/schema-model';


function objectName(change: DiffChange): string {
  if (change.table === null || change.table === change.name) return change.name;
  const schema = change.table.split('.')[0];
  // Indexes and constraints are named within their schema; columns within their table.
  return change.kind === 'column' ? `${change.table}.${change.name}` : `${schema}.${change.name} on ${change.table}`;
}

/**
 * What differs between the schema a step should have left (`expected`) and the one it did
 * (`actual`), one object per line in words: "index public.ix_t_a on public.t is still there
 * after the rollback". Empty when the two are identical as far as the SchemaDiff sees
 * (schemas, extensions, tables, columns, keys, checks, indexes, enums, views).
 */
export function schemaDifferences(expected: SchemaModel, actual: SchemaModel, when: { extra: string; missing: string }): string[] {
  return diffSchemas(expected, actual).changes.map((change) => {
    const what = `${DIFF_KIND_LABEL[change.kind]} ${objectName(change)}`;
    if (change.action === 'added') return `${what} ${when.extra}`;
    if (change.action === 'removed') return `${what} ${when.missing}`;
    return `${what} differs (${change.attributes.join(', ')}): expected ${change.before ?? '—'}, found ${change.after ?? '—'}`;
  });
}
