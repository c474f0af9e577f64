import { DIFF_KIND_LABEL, type DiffChange, type SchemaDiff } from '@/lib/diff/types';
import { ERD_NODE_METRICS } from '@/lib/erd/elk-graph';
import type { ErdGraph } from '@/lib/erd/graph';
import { bookkeepingSchemas, columnsInOrder, partitionRoot, tablesById } from '@/lib/erd/model-helpers';
import type { Column, SchemaModel, Table } from '@/lib/introspect/schema-model';
import type { ChangeMarks, ColumnDiffDetail } from './build-flow';

/**
 * What the diff ERD draws and marks, from two models and the SchemaDiff between them. Pure:
 * no React, no storage. The drawn model is `after` plus what the change removes (tables from
 * `before`, and removed columns put back where they stood), so a reviewer sees what goes.
 */
export type DiffMark = 'added' | 'changed' | 'removed';

export interface DiffColumnMark extends ColumnDiffDetail {
  mark: DiffMark;
}

export interface DiffTableMark {
  mark: DiffMark;
  /** What changed on the table besides its columns: "index users_email_idx added", … */
  notes: string[];
  /** Marked columns by name (none for tables that are added or removed as a whole). */
  columns: Record<string, DiffColumnMark>;
}

export interface DiffCounts {
  tables: Record<DiffMark, number>;
  columns: Record<DiffMark, number>;
  /** Changes the diagram cannot show: schemas, extensions, views, enums, objects of tables it does not know. */
  notDrawn: number;
}

export interface DiffMarks {
  /** `after`, plus removed tables (from `before`) and removed columns re-inserted. */
  model: SchemaModel;
  /** By drawn table id (a partition's changes land on its partitioned root). */
  tables: Map<string, DiffTableMark>;
  counts: DiffCounts;
  /** A touched table lives in a bookkeeping schema: the graph must include those. */
  includeBookkeeping: boolean;
}


export function diffMarks(before: SchemaModel, after: SchemaModel, diff: SchemaDiff): DiffMarks {
  const model = drawnModel(before, after, diff.changes);
  const byId = tablesById(model);
  const tables = new Map<string, DiffTableMark>();
  let notDrawn = 0;

  const entry = (id: string): DiffTableMark => {
    let mark = tables.get(id);
    if (!mark) tables.set(id, (mark = { mark: 'changed', notes: [], columns: {} }));
    return mark;
  };

  // Whole-table changes first, so column and constraint changes know their table's fate.
  const ordered = [...diff.changes].sort((a, b) => Number(b.kind === 'table') - Number(a.kind === 'table'));
  for (const change of ordered) {
    const tableless = change.kind === 'schema' || change.kind === 'extension' || change.kind === 'view' || change.kind === 'enum';
    if (tableless || change.table === null) {
      notDrawn++;
      continue;
    }
    const table = byId.get(change.table);
    if (!table) {
      notDrawn++; // a materialized view's index or column, or a table neither model has
      continue;
    }
    const root = partitionRoot(table, byId);
    const target = entry(root.id);
    if (root.id !== table.id) {
      // A partition: folded into its root in the diagram, so the root is what changes.
      target.notes.push(change.kind === 'table' ? `partition ${table.id} ${change.action}` : `partition ${table.id}: ${note(change)}`);
      continue;
    }
    if (change.kind === 'table') {
      if (change.action === 'changed') target.notes.push(note(change));
      else target.mark = change.action;
      continue;
    }
    if (change.kind === 'column') {
      if (target.mark !== 'changed') continue; // the table itself is added or removed
      if (!table.columns.some((c) => c.name === change.name)) {
        target.notes.push(note(change));
        continue;
      }
      const previous = target.columns[change.name];
      const mark: DiffMark = previous && previous.mark !== change.action ? 'changed' : change.action;
      target.columns[change.name] = {
        mark,
        attributes: [...new Set([...(previous?.attributes ?? []), ...change.attributes])],
        title: columnTitle(change) ?? previous?.title ?? null,
      };
      continue;
    }
    if (target.mark === 'changed') target.notes.push(note(change));
  }

  // Tables added or removed as a whole carry no column marks; drop any a partition left.
  for (const mark of tables.values()) if (mark.mark !== 'changed') mark.columns = {};

  const counts: DiffCounts = { tables: zero(), columns: zero(), notDrawn };
  for (const mark of tables.values()) {
    counts.tables[mark.mark]++;
    for (const column of Object.values(mark.columns)) counts.columns[column.mark]++;
  }
  const bookkeeping = bookkeepingSchemas(model);
  const includeBookkeeping = [...tables.keys()].some((id) => bookkeeping.has(byId.get(id)!.schema));
  return { model, tables, counts, includeBookkeeping };
}

/** The marks in the shape the shared ERD pieces (build-flow, table-node) read. */
export function toChangeMarks(marks: DiffMarks): ChangeMarks {
  const out: ChangeMarks = { tables: new Map(), columns: new Map(), diff: { tableNotes: new Map(), columns: new Map() } };
  for (const [id, table] of marks.tables) {
    out.tables.set(id, table.mark);
    if (table.notes.length > 0) out.diff!.tableNotes.set(id, table.notes);
    const names = Object.keys(table.columns);
    if (names.length === 0) continue;
    const columns: Record<string, DiffMark> = {};
    const details: Record<string, ColumnDiffDetail> = {};
    for (const name of names) {
      const { mark, attributes, title } = table.columns[name];
      columns[name] = mark;
      details[name] = { attributes, title };
    }
    out.columns.set(id, columns);
    out.diff!.columns.set(id, details);
  }
  return out;
}

/**
 * The tables to show by default: every touched one and its direct foreign-key neighbours
 * (either direction). Ids not in the graph are ignored.
 */
export function withNeighbours(graph: ErdGraph, touched: ReadonlySet<string>): Set<string> {
  const shown = new Set(graph.nodes.filter((n) => touched.has(n.id)).map((n) => n.id));
  for (const edge of graph.edges) {
    if (touched.has(edge.source)) shown.add(edge.target);
    if (touched.has(edge.target)) shown.add(edge.source);
  }
  return shown;
}

/**
 * A node draws at most `maxRows` rows (keys first, then in column order): on a wide table a
 * marked column could end up behind "+N more". For those tables only, marked columns move up
 * right after the keys (relative order kept), so every mark is on screen.
 */
export function surfaceMarkedColumns(graph: ErdGraph, marks: DiffMarks): ErdGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const marked = marks.tables.get(node.id)?.columns;
    if (!marked || node.columns.length <= ERD_NODE_METRICS.maxRows) return node;
    const first = node.columns.filter((c) => c.isKey || marked[c.name]);
    const rest = node.columns.filter((c) => !(c.isKey || marked[c.name]));
    changed = true;
    return { ...node, columns: [...first, ...rest] };
  });
  return changed ? { ...graph, nodes } : graph;
}

/**
 * Node widths come from lib/erd's geometry (name + type per row), which knows nothing of the
 * diff badges ("changed · type, nullable"): on a narrow node the badge would squeeze the
 * column name to nothing. The type of each marked column is padded with trailing spaces
 * (invisible when drawn: HTML collapses them) so layout and node reserve room for its badge.
 */
export function reserveBadgeRoom(graph: ErdGraph, marks: DiffMarks): ErdGraph {
  let changed = false;
  const nodes = graph.nodes.map((node) => {
    const marked = marks.tables.get(node.id)?.columns;
    if (!marked || Object.keys(marked).length === 0) return node;
    changed = true;
    return {
      ...node,
      columns: node.columns.map((column) => {
        const mark = marked[column.name];
        return mark ? { ...column, type: column.type + ' '.repeat(badgeCells(mark)) } : column;
      }),
    };
  });
  return changed ? { ...graph, nodes } : graph;
}

/** Badge text at ~6 px a character, its padding and gap, in the layout's 7.2 px cells. */
function badgeCells(mark: DiffColumnMark): number {
  const text = mark.mark + (mark.attributes.length > 0 ? ` · ${mark.attributes.join(', ')}` : '');
  return Math.ceil((text.length * 6 + 28) / ERD_NODE_METRICS.charWidth);
}

/**
 * `after` with the removed tables (and their partitions) from `before`, and each removed
 * column put back into its table after the column that preceded it before.
 */
function drawnModel(before: SchemaModel, after: SchemaModel, changes: DiffChange[]): SchemaModel {
  const old = tablesById(before);
  const current = tablesById(after);
  const removedTables = new Set<string>();
  const removedColumns = new Map<string, Set<string>>();
  for (const change of changes) {
    if (change.kind === 'table' && change.action === 'removed' && change.table !== null) removedTables.add(change.table);
    if (change.kind === 'column' && change.action === 'removed' && change.table !== null) {
      let names = removedColumns.get(change.table);
      if (!names) removedColumns.set(change.table, (names = new Set()));
      names.add(change.name);
    }
  }
  if (removedTables.size === 0 && removedColumns.size === 0) return after;

  const tables: Table[] = after.tables.map((table) => {
    const names = removedColumns.get(table.id);
    const previous = old.get(table.id);
    return names && previous ? { ...table, columns: withRemovedColumns(previous, table, names) } : table;
  });
  for (const table of before.tables) {
    if (current.has(table.id)) continue;
    const root = partitionRoot(table, old);
    if (removedTables.has(table.id) || removedTables.has(root.id)) tables.push(table);
  }
  const schemaNames = new Set(after.schemas.map((s) => s.name));
  const schemas = [...after.schemas, ...before.schemas.filter((s) => !schemaNames.has(s.name) && tables.some((t) => t.schema === s.name))];
  return { ...after, schemas, tables };
}

function withRemovedColumns(previous: Table, next: Table, removed: ReadonlySet<string>): Column[] {
  const merged: Column[] = [...columnsInOrder(next)];
  const present = new Set(merged.map((c) => c.name));
  let anchor: string | null = null; // the last column before, in order, that is drawn
  for (const column of columnsInOrder(previous)) {
    if (removed.has(column.name) && !present.has(column.name)) {
      const at = anchor === null ? 0 : merged.findIndex((c) => c.name === anchor) + 1;
      merged.splice(at, 0, column);
      present.add(column.name);
    }
    if (present.has(column.name)) anchor = column.name;
  }
  return merged.map((column, i) => (column.position === i + 1 ? column : { ...column, position: i + 1 }));
}

function note(change: DiffChange): string {
  const what = change.kind === 'table' ? 'table' : `${DIFF_KIND_LABEL[change.kind]} ${change.name}`;
  const attributes = change.action === 'changed' && change.attributes.length > 0 ? ` (${change.attributes.join(', ')})` : '';
  return `${what} ${change.action}${attributes}`;
}

function columnTitle(change: DiffChange): string | null {
  if (change.before && change.after) return `${change.before} → ${change.after}`;
  return change.after ?? change.before;
}

function zero(): Record<DiffMark, number> {
  return { added: 0, changed: 0, removed: 0 };
}
