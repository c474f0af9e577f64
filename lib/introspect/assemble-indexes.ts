import type { IndexRow } from './catalog-rows';
import type { Index, IndexKey } from './schema-model';

/** pg_index.indoption bits (src/include/catalog/pg_index.h). */
const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

/**
 * Decodes one pg_index row into an Index. Keys are read from indkey/indoption/indclass
 * rather than parsed out of the CREATE INDEX text, so a column named `"a, b"` or an
 * expression containing `DESC` cannot confuse it.
 *
 * @param columnNames attnum → name of the indexed relation's live columns.
 * @param nonDefaultOpclasses oid → name of operator classes that are not their type's
 *   default; any other opclass is the default one and is reported as null.
 */
export function decodeIndex(row: IndexRow, columnNames: Map<number, string>, nonDefaultOpclasses: Map<number, string>): Index {
  const keys: IndexKey[] = [];
  for (let k = 0; k < row.key_count; k++) {
    const attnum = row.attnums[k] ?? 0;
    const option = row.options[k] ?? 0;
    keys.push({
      column: attnum === 0 ? null : columnName(columnNames, attnum, row.name),
      expression: attnum === 0 ? (row.expressions?.[k] ?? null) : null,
      opclass: nonDefaultOpclasses.get(row.opclasses[k] ?? 0) ?? null,
      descending: (option & INDOPTION_DESC) !== 0,
      nullsFirst: (option & INDOPTION_NULLS_FIRST) !== 0,
    });
  }
  return {
    name: row.name,
    method: row.method,
    unique: row.is_unique,
    primary: row.is_primary,
    constraint: row.constraint_name,
    keys,
    include: row.attnums.slice(row.key_count).map((attnum) => columnName(columnNames, attnum, row.name)),
    predicate: row.predicate,
    valid: row.is_valid,
    definition: row.definition,
    partitioned: row.partitioned,
  };
}

function columnName(columnNames: Map<number, string>, attnum: number, index: string): string {
  const name = columnNames.get(attnum);
  // An index cannot outlive its columns; a miss means the catalog changed under us.
  if (name === undefined) throw new Error(`Index ${index} refers to column number ${attnum}, which was not read`);
  return name;
}
