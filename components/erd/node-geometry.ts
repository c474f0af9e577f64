import { ERD_NODE_METRICS, nodeRows, nodeSize, rowCenterY, type NodeRows } from '@/lib/erd/elk-graph';

/**
 * How a table node is drawn, in pixels at zoom 1: lib/erd's geometry (header, fixed row
 * height, rows capped with "+N more"), so ELK reserves exactly the space the node takes and a
 * column's handle sits at a known offset. The simplified (zoomed-out) node keeps its handles
 * at the same offsets, so edges stay put when the level of detail changes.
 */
export const HEADER_HEIGHT = ERD_NODE_METRICS.headerHeight;
export const ROW_HEIGHT = ERD_NODE_METRICS.rowHeight;
export const MAX_ROWS = ERD_NODE_METRICS.maxRows;
/** Below this zoom, nodes are drawn simplified (name and column count only). */
export const DETAIL_ZOOM = 0.45;
/** Below this zoom, nodes are plain coloured blocks: text would be sub-pixel anyway. */
export const BLOCK_ZOOM = 0.12;

export { nodeRows, nodeSize, type NodeRows };

/** Vertical centre of a column's row (or of the "+N more" row when it is not drawn). */
export function rowCentre(rows: NodeRows, column: string): number {
  const index = rows.rows.findIndex((c) => c.name === column);
  return rowCenterY(index >= 0 ? index : rows.rows.length);
}
