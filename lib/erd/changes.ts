import type { Column, SchemaModel, Table } from '../introspect/schema-model';
import { compareText } from './model-helpers';

/** The column attributes whose change the ERD marks. */
export type ColumnAttribute = 'type' | 'nullable' | 'default';

/** A column present before and after whose type, nullability or default differs. */
export interface ColumnChange {
  name: string;
  changed: ColumnAttribute[];
  previous: Pick<Column, ColumnAttribute>;
  next: Pick<Column, ColumnAttribute>;
}

/** What happened to one table that exists in both models. */
export interface TableChanges {
  addedColumns: string[];
  removedColumns: string[];
  changedColumns: ColumnChange[];
}

/**
 * What changed between the model the user last looked at and the current one, for the ERD's
 * "changed since your last visit" marks. Deliberately shallow (tables and columns by name):
 * the full, severity-rated comparison is lib/diff's job. All lists are sorted by name.
 */
export interface SchemaChanges {
  addedTables: string[];
  removedTables: string[];
  /** Only tables with at least one column change, keyed by table id. */
  changedTables: Record<string, TableChanges>;
}

/**
 * Compares two models table by table (by id) and column by column (by name: type, nullable,
 * default). A renamed column shows as one removed and one added; guessing renames is the
 * diff engine's job, with a human confirming.
 */
export function schemaChanges(previous: SchemaModel, next: SchemaModel): SchemaChanges {
  const before = new Map(previous.tables.map((table) => [table.id, table]));
  const after = new Map(next.tables.map((table) => [table.id, table]));
  const addedTables = [...after.keys()].filter((id) => !before.has(id)).sort(compareText);
  const removedTables = [...before.keys()].filter((id) => !after.has(id)).sort(compareText);
  const changedTables: Record<string, TableChanges> = {};
  for (const id of [...after.keys()].sort(compareText)) {
    const old = before.get(id);
    if (!old) continue;
    const changes = tableChanges(old, after.get(id) as Table);
    if (changes) changedTables[id] = changes;
  }
  return { addedTables, removedTables, changedTables };
}

/** Every table id the changes touch (added or changed): what the ERD highlights. */
export function changedTableIds(changes: SchemaChanges): Set<string> {
  return new Set([...changes.addedTables, ...Object.keys(changes.changedTables)]);
}

/** True when nothing changed: lets the UI skip the "what's new" banner. */
export function hasNoChanges(changes: SchemaChanges): boolean {
  return (
    changes.addedTables.length === 0 &&
    changes.removedTables.length === 0 &&
    Object.keys(changes.changedTables).length === 0
  );
}

function tableChanges(previous: Table, next: Table): TableChanges | null {
  const before = new Map(previous.columns.map((column) => [column.name, column]));
  const after = new Map(next.columns.map((column) => [column.name, column]));
  const addedColumns = [...after.keys()].filter((name) => !before.has(name)).sort(compareText);
  const removedColumns = [...before.keys()].filter((name) => !after.has(name)).sort(compareText);
  const changedColumns: ColumnChange[] = [];
  for (const name of [...after.keys()].sort(compareText)) {
    const old = before.get(name);
    if (!old) continue;
    const current = after.get(name) as Column;
    const changed = (['type', 'nullable', 'default'] as const).filter((attribute) => old[attribute] !== current[attribute]);
    if (changed.length === 0) continue;
    changedColumns.push({
      name,
      changed,
      previous: { type: old.type, nullable: old.nullable, default: old.default },
      next: { type: current.type, nullable: current.nullable, default: current.default },
    });
  }
  if (addedColumns.length + removedColumns.length + changedColumns.length === 0) return null;
  return { addedColumns, removedColumns, changedColumns };
}
