import type { ErdColumn, ErdNode } from './graph';

/**
 * The geometry shared by layout and rendering. The UI draws nodes with these numbers (header,
 * row height, row cap, font metrics), so ELK reserves exactly the space the drawn node takes.
 */
export const ERD_NODE_METRICS = {
  /** Header band: table name and schema. */
  headerHeight: 40,
  rowHeight: 24,
  /** Space below the last row. */
  bottomPadding: 4,
  /** Rows drawn before a "+N more columns" row; keeps 300-column tables from towering. */
  maxRows: 30,
  /** Average advance of the 12px monospace font the node uses. */
  charWidth: 7.2,
  /** Left + right padding inside the node. */
  horizontalPadding: 24,
  /** Key marker column (PK/FK icon) before the column name. */
  markerWidth: 20,
  /** Gap between column name and type. */
  nameTypeGap: 16,
  /** Room for the "N partitions" badge in the header, besides its digits. */
  badgeBaseWidth: 72,
  minWidth: 180,
  maxWidth: 480,
} as const;

/** The rows a node draws, and how many candidate columns did not fit. */
export interface NodeRows {
  rows: ErdColumn[];
  /** Candidate columns beyond the row cap: drawn as one "+N more" row when > 0. */
  overflow: number;
}

/**
 * The rows a node draws: all columns, or only pk/fk/unique ones in keys-only mode, capped at
 * `maxRows` with key columns kept first so every relationship has a row to attach to. Rows
 * keep column order.
 */
export function nodeRows(node: ErdNode, keysOnly: boolean): NodeRows {
  const candidates = keysOnly ? node.columns.filter((column) => column.isKey) : node.columns;
  const cap = ERD_NODE_METRICS.maxRows;
  if (candidates.length <= cap) return { rows: candidates, overflow: 0 };
  const shown = new Set<ErdColumn>();
  for (const column of candidates) if (column.isKey && shown.size < cap - 1) shown.add(column);
  for (const column of candidates) if (shown.size < cap - 1) shown.add(column);
  const rows = candidates.filter((column) => shown.has(column));
  return { rows, overflow: candidates.length - rows.length };
}

/**
 * Width and height of a node as the UI draws it, from its rows and longest label. Exported so
 * the React node and the ELK layout can never disagree about a node's size.
 */
export function nodeSize(node: ErdNode, keysOnly: boolean): { width: number; height: number } {
  const m = ERD_NODE_METRICS;
  const { rows, overflow } = nodeRows(node, keysOnly);
  const badge = node.partitionCount > 0 ? m.badgeBaseWidth + String(node.partitionCount).length * m.charWidth : 0;
  let contentWidth = Math.max(textWidth(node.name), textWidth(node.schema)) * m.charWidth + badge;
  for (const column of rows) {
    const rowWidth = m.markerWidth + (textWidth(column.name) + textWidth(column.type)) * m.charWidth + m.nameTypeGap;
    if (rowWidth > contentWidth) contentWidth = rowWidth;
  }
  const width = Math.min(m.maxWidth, Math.max(m.minWidth, Math.ceil(contentWidth + m.horizontalPadding)));
  const slots = rows.length + (overflow > 0 ? 1 : 0);
  return { width, height: m.headerHeight + Math.max(slots, 1) * m.rowHeight + m.bottomPadding };
}

/** Vertical centre of a row slot, relative to the node's top: where that row's handles sit. */
export function rowCenterY(slot: number): number {
  return ERD_NODE_METRICS.headerHeight + slot * ERD_NODE_METRICS.rowHeight + ERD_NODE_METRICS.rowHeight / 2;
}

/** Display width in monospace cells: East Asian wide characters take two. */
function textWidth(text: string): number {
  let width = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      width += 2;
      i++;
    } else {
      width += code >= 0x1100 && isWide(code) ? 2 : 1;
    }
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6)
  );
}
