import type { RelationRow } from './catalog-rows';

/** Row estimate and size of one relation as the model reports them. */
export interface RelationFigures {
  rowEstimate: number | null;
  totalBytes: number;
}

/**
 * A relation's own estimate: pg_class.reltuples, or null when the table was never
 * analysed. PG14+ says so with -1; PG13 stores 0 for both "never analysed" and "analysed
 * and empty", so there a 0 on a table with no pages is reported as unknown (null).
 */
export function ownRowEstimate(row: RelationRow, serverVersionNum: number): number | null {
  if (row.reltuples < 0) return null;
  if (serverVersionNum < 140000 && row.reltuples === 0 && row.relpages === 0) return null;
  return Math.round(row.reltuples);
}

/**
 * Estimates and sizes with partitioned parents rolled up. A partitioned parent stores no
 * rows itself, so its pg_total_relation_size is 0 (its indexes too) and its reltuples
 * is whatever the last manual ANALYZE of the parent left. Both are therefore replaced by
 * sums over its partitions, recursively for sub-partitioned trees:
 * - totalBytes: the parent's own size plus every partition's total size;
 * - rowEstimate: the sum of the leaf partitions' estimates that are known; null when no
 *   leaf has one (never analysed), so an unknown is never shown as 0.
 * Only partitions read by this introspection count (a partition in an unread schema does
 * not). Linear in the number of relations.
 */
export function rollUpPartitions(relations: RelationRow[], serverVersionNum: number): Map<number, RelationFigures> {
  const children = new Map<number, RelationRow[]>();
  for (const row of relations) {
    if (row.parent === null) continue;
    const list = children.get(row.parent);
    if (list) list.push(row);
    else children.set(row.parent, [row]);
  }
  const figures = new Map<number, RelationFigures>();
  const figure = (row: RelationRow): RelationFigures => {
    const known = figures.get(row.oid);
    if (known) return known;
    const own: RelationFigures = { rowEstimate: ownRowEstimate(row, serverVersionNum), totalBytes: row.total_bytes ?? 0 };
    let result = own;
    if (row.relkind === 'p') {
      let rows: number | null = null;
      let bytes = own.totalBytes;
      for (const child of children.get(row.oid) ?? []) {
        const sub = figure(child);
        bytes += sub.totalBytes;
        if (sub.rowEstimate !== null) rows = (rows ?? 0) + sub.rowEstimate;
      }
      result = { rowEstimate: rows, totalBytes: bytes };
    }
    figures.set(row.oid, result);
    return result;
  };
  for (const row of relations) figure(row);
  return figures;
}
