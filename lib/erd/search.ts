import type { ErdGraph } from './graph';

/** One search result: a table (column null) or a column of a table. */
export interface SearchHit {
  tableId: string;
  column: string | null;
  /** `schema.table` or `schema.table.column`, for the result list. */
  label: string;
  /** 3 exact, 2 prefix, 1 substring. */
  score: number;
}

const EXACT = 3;
const PREFIX = 2;
const SUBSTRING = 1;

/**
 * Finds tables and columns by name for the ERD's jump-to box. Case-insensitive; a table
 * matches on its name or `schema.name`, a column on its name, `table.column` or
 * `schema.table.column`. Ranking: exact > prefix > substring; at equal score tables come
 * before columns; otherwise graph order (stable). Plain loops and per-score buckets (no sort)
 * keep it well under a frame on 2,000 tables × 10 columns.
 */
export function searchGraph(graph: ErdGraph, query: string, limit = 20): SearchHit[] {
  const needle = query.trim().toLowerCase();
  if (needle.length === 0 || limit <= 0) return [];
  // buckets[0..2]: tables by score 3..1, buckets[3..5]: columns by score 3..1.
  const buckets: SearchHit[][] = [[], [], [], [], [], []];
  const full = (bucket: number) => buckets[bucket].length >= limit;

  for (const node of graph.nodes) {
    const name = node.name.toLowerCase();
    const qualified = `${node.schema.toLowerCase()}.${name}`;
    const tableScore = Math.max(matchScore(name, needle), matchScore(qualified, needle));
    if (tableScore > 0 && !full(EXACT - tableScore)) {
      buckets[EXACT - tableScore].push({ tableId: node.id, column: null, label: `${node.schema}.${node.name}`, score: tableScore });
    }
    for (const column of node.columns) {
      const columnName = column.name.toLowerCase();
      let score = matchScore(columnName, needle);
      // Only qualified forms can match a needle containing a dot; skip the concatenation otherwise.
      if (score < EXACT && needle.includes('.')) {
        score = Math.max(score, matchScore(`${name}.${columnName}`, needle), matchScore(`${qualified}.${columnName}`, needle));
      }
      if (score === 0) continue;
      const bucket = 3 + EXACT - score;
      if (full(bucket)) continue;
      buckets[bucket].push({
        tableId: node.id,
        column: column.name,
        label: `${node.schema}.${node.name}.${column.name}`,
        score,
      });
    }
  }
  // Interleave: exact tables, exact columns, prefix tables, prefix columns, …
  const ordered = [buckets[0], buckets[3], buckets[1], buckets[4], buckets[2], buckets[5]];
  const hits: SearchHit[] = [];
  for (const bucket of ordered) {
    for (const hit of bucket) {
      if (hits.length >= limit) return hits;
      hits.push(hit);
    }
  }
  return hits;
}

function matchScore(haystack: string, needle: string): number {
  if (haystack === needle) return EXACT;
  if (haystack.startsWith(needle)) return PREFIX;
  return haystack.includes(needle) ? SUBSTRING : 0;
}
