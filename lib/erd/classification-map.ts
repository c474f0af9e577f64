import type { TablePolicy } from '../retention/types';
import type { ClassificationLookup } from './model-helpers';

/** Classification tags by table id: plain JSON, so the server can hand it to the browser. */
export type ClassificationMap = Record<string, { table: string[]; columns: Record<string, string[]> }>;

export function toClassificationMap(policies: TablePolicy[]): ClassificationMap {
  const map: ClassificationMap = {};
  for (const p of policies) map[p.table] = { table: [...p.classification], columns: { ...(p.columns ?? {}) } };
  return map;
}

/** The ERD's lookup over a map: a table's own tags, or a column's. */
export function lookupFromMap(map: ClassificationMap): ClassificationLookup {
  return (tableId, column) => {
    const entry = map[tableId];
    if (!entry) return [];
    return column === undefined ? entry.table : (entry.columns[column] ?? []);
  };
}
