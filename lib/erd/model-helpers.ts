import type { Column, ForeignKey, QualifiedName, SchemaModel, Table } from '../introspect/schema-model';
import { BOOKKEEPING_SCHEMAS } from '../introspect/schema-model';

/**
 * Answers "which classification tags (PII, FERPA, financial, secret…) apply here?" for a
 * table (column omitted) or one of its columns. Every transform takes the lookup as a
 * parameter (the policies' is lib/erd/classification-map.ts), so none of them has to know
 * where tags live.
 */
export type ClassificationLookup = (tableId: string, column?: string) => string[];

/** The lookup used when no policies are known: nothing is classified. */
export const noClassifications: ClassificationLookup = () => [];

/**
 * Code-unit string order. `localeCompare` depends on the machine's ICU data and locale, and
 * generated documents must come out byte-identical wherever they are built.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Which tables a diagram or document shows; shared so every view agrees on what "the schema" is. */
export interface TableSelection {
  /** Show Strata's and drizzle's own tables (`strata`, `drizzle` schemas). Default false. */
  includeBookkeeping?: boolean;
  /** Show each partition as its own table instead of folding it into its parent. Default false. */
  expandPartitions?: boolean;
}

/**
 * The tables a view shows, ordered by schema then name. Partitions are folded away by default
 * (a time-partitioned table with 400 partitions is one entity, not 401) and bookkeeping schemas
 * are left out, so GitLab-sized schemas stay readable.
 */
export function selectTables(model: SchemaModel, selection: TableSelection = {}): Table[] {
  const bookkeeping = bookkeepingSchemas(model);
  const ids = new Set(model.tables.map((table) => table.id));
  // A partition whose parent is not in the model (unreadable schema) has nothing to fold into.
  const folded = (table: Table) => table.kind === 'partition' && table.partitionOf !== null && ids.has(table.partitionOf);
  const selected = model.tables.filter(
    (table) =>
      (selection.includeBookkeeping || !bookkeeping.has(table.schema)) && (selection.expandPartitions || !folded(table)),
  );
  return selected.sort(compareTables);
}

/** Orders tables by schema, then name (the order every generated artefact uses). */
export function compareTables(a: Table, b: Table): number {
  return compareText(a.schema, b.schema) || compareText(a.name, b.name);
}

/**
 * Schemas flagged as bookkeeping by introspection, plus the well-known names, so a model built
 * by hand (tests, synthetic models) without `schemas` entries is treated the same way.
 */
export function bookkeepingSchemas(model: SchemaModel): Set<string> {
  const names = new Set<string>(BOOKKEEPING_SCHEMAS);
  for (const schema of model.schemas) if (schema.bookkeeping) names.add(schema.name);
  return names;
}

/** Tables by id: every cross-reference in the model is an id. */
export function tablesById(model: SchemaModel): Map<QualifiedName, Table> {
  const byId = new Map<QualifiedName, Table>();
  for (const table of model.tables) byId.set(table.id, table);
  return byId;
}

/**
 * The top-most ancestor of a partition (itself for anything else). Sub-partitioned tables have
 * partitions of partitions, and folding must land on the table the user actually created.
 */
export function partitionRoot(table: Table, byId: Map<QualifiedName, Table>): Table {
  let current = table;
  const seen = new Set<QualifiedName>();
  while (current.partitionOf && !seen.has(current.id)) {
    seen.add(current.id);
    const parent = byId.get(current.partitionOf);
    if (!parent) break;
    current = parent;
  }
  return current;
}

/**
 * Every partition folded into each root table, at any depth, in model order. Lets views show
 * "N partitions" and add up their statistics, since a partitioned parent has none of its own.
 */
export function partitionsByRoot(model: SchemaModel): Map<QualifiedName, Table[]> {
  const byId = tablesById(model);
  const byRoot = new Map<QualifiedName, Table[]>();
  for (const table of model.tables) {
    if (table.kind !== 'partition') continue;
    const root = partitionRoot(table, byId);
    if (root === table) continue;
    const list = byRoot.get(root.id);
    if (list) list.push(table);
    else byRoot.set(root.id, [table]);
  }
  return byRoot;
}

/**
 * Row estimate and size of a table with its folded partitions added in. PostgreSQL keeps no
 * rows in a partitioned parent (reltuples is -1, size 0), so the parent alone would read as
 * empty. The estimate stays null only when nothing involved was ever analysed.
 */
export function foldedStatistics(
  table: Table,
  partitions: readonly Table[],
): { rowEstimate: number | null; totalBytes: number } {
  let rowEstimate = table.rowEstimate;
  let totalBytes = table.totalBytes;
  for (const partition of partitions) {
    totalBytes += partition.totalBytes;
    if (partition.rowEstimate !== null) rowEstimate = (rowEstimate ?? 0) + partition.rowEstimate;
  }
  return { rowEstimate, totalBytes };
}

/**
 * The foreign keys a view draws. Clones of a parent's FK on its partitions (`inherited`) repeat
 * the parent's constraint once per partition; they are noise unless partitions are expanded.
 */
export function visibleForeignKeys(table: Table, expandPartitions = false): ForeignKey[] {
  return expandPartitions ? table.foreignKeys : table.foreignKeys.filter((fk) => !fk.inherited);
}

/**
 * Column sets that PostgreSQL guarantees unique for every row: the primary key, UNIQUE
 * constraints, and valid, non-partial unique indexes on plain columns. A partial or expression
 * index does not make a column set unique, so it does not count.
 */
export function uniqueKeys(table: Table): string[][] {
  const keys: string[][] = [];
  if (table.primaryKey) keys.push(table.primaryKey.columns);
  for (const unique of table.uniqueConstraints) keys.push(unique.columns);
  for (const index of table.indexes) {
    if (!index.unique || index.primary || !index.valid || index.predicate !== null) continue;
    if (index.keys.some((key) => key.column === null)) continue;
    keys.push(index.keys.map((key) => key.column as string));
  }
  return keys;
}

/** Which columns carry which key role; one definition shared by the ERD and every export. */
export interface KeyColumns {
  primary: Set<string>;
  foreign: Set<string>;
  /** Members of a UNIQUE constraint or unique index other than the primary key. */
  unique: Set<string>;
}

/**
 * Key roles per column, so every view marks PK/FK/UK the same way. `foreign` counts only the
 * foreign keys the view shows (see {@link visibleForeignKeys}).
 */
export function keyColumns(table: Table, expandPartitions = false): KeyColumns {
  const primary = new Set(table.primaryKey?.columns ?? []);
  const foreign = new Set<string>();
  for (const fk of visibleForeignKeys(table, expandPartitions)) for (const c of fk.columns) foreign.add(c);
  const unique = new Set<string>();
  for (const constraint of table.uniqueConstraints) for (const c of constraint.columns) unique.add(c);
  for (const index of table.indexes) {
    if (!index.unique || index.primary || !index.valid || index.predicate !== null) continue;
    for (const key of index.keys) if (key.column !== null) unique.add(key.column);
  }
  return { primary, foreign, unique };
}

/**
 * True when a referencing row can be the only one pointing at its target: some unique key of
 * the referencing table lies within the FK columns, so the FK tuple itself is unique. That
 * covers the classic case (FK columns exactly a PK or UNIQUE) and a FK that extends one.
 */
export function isOneToOne(table: Table, fk: ForeignKey): boolean {
  const fkColumns = new Set(fk.columns);
  return uniqueKeys(table).some((key) => key.length > 0 && key.every((c) => fkColumns.has(c)));
}

/**
 * True when a row may reference nothing: PostgreSQL skips the FK check as soon as one of its
 * columns is NULL (MATCH SIMPLE), so any nullable FK column makes the relationship optional.
 */
export function isOptional(table: Table, fk: ForeignKey): boolean {
  const fkColumns = new Set(fk.columns);
  return table.columns.some((column) => fkColumns.has(column.name) && column.nullable);
}

/**
 * True when the FK columns are part of the referencing table's primary key: the child cannot
 * be identified without its parent (an "identifying" relationship in ER notation).
 */
export function isIdentifying(table: Table, fk: ForeignKey): boolean {
  const pk = new Set(table.primaryKey?.columns ?? []);
  return fk.columns.length > 0 && fk.columns.every((column) => pk.has(column));
}

/** A foreign key seen from the table it points at. */
export interface IncomingReference {
  table: Table;
  foreignKey: ForeignKey;
}

/**
 * For each referenced table, the foreign keys pointing at it, ordered by referencing table and
 * constraint name. Built once so "referenced by" sections do not rescan every table per table.
 */
export function incomingReferences(
  tables: readonly Table[],
  expandPartitions = false,
): Map<QualifiedName, IncomingReference[]> {
  const incoming = new Map<QualifiedName, IncomingReference[]>();
  for (const table of tables) {
    for (const foreignKey of visibleForeignKeys(table, expandPartitions)) {
      const target = foreignKey.references.table;
      const list = incoming.get(target);
      const reference = { table, foreignKey };
      if (list) list.push(reference);
      else incoming.set(target, [reference]);
    }
  }
  for (const list of incoming.values()) {
    list.sort((a, b) => compareTables(a.table, b.table) || compareText(a.foreignKey.name, b.foreignKey.name));
  }
  return incoming;
}

/**
 * The boolean expression inside a CHECK definition (`CHECK ((a > 0)) NOT VALID` → `(a > 0)`),
 * for formats that take the expression rather than PostgreSQL's full clause.
 */
export function checkExpression(definition: string): string {
  const match = /^CHECK\s*\(([\s\S]*)\)(\s+NOT\s+VALID)?(\s+NO\s+INHERIT)?\s*$/i.exec(definition.trim());
  return match ? match[1].trim() : definition.trim();
}

/**
 * A table's columns by position. Introspection already lists them so; the check avoids a
 * copy and a sort per table on 2,000-table models while staying correct for hand-built ones.
 */
export function columnsInOrder(table: Table): readonly Column[] {
  const columns = table.columns;
  for (let i = 1; i < columns.length; i++) {
    if (columns[i - 1].position > columns[i].position) return [...columns].sort((a, b) => a.position - b.position);
  }
  return columns;
}

/** Sorts by a string key without mutating the input; the one place exporters get stable order. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}
