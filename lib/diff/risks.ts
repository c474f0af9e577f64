import type { QualifiedName, SchemaModel } from '../introspect/schema-model';
import type { DiffContext, RiskFlag, RiskKind, RiskSeverity } from './types';

/*
 * How bad a change is depends on the data it meets: dropping a column of an empty table is
 * housekeeping, of a 10-million-row table an incident. Severities here follow one rule:
 * known empty → harmless (low or none), unknown → assume rows, known rows → full weight.
 */

/** Rows of a table in the "before" state: a number, or null when nobody knows. */
export type RowLookup = (tableId: QualifiedName) => number | null;

/** Above this many rows a table rewrite is long enough to be an outage of its own. */
const LARGE_TABLE_ROWS = 1_000_000;

/**
 * Row counts from the context. A partitioned parent holds no rows itself, so when the context
 * has no figure for it, its partitions' figures are added up (all of them must be known).
 */
export function rowLookup(before: SchemaModel, context: DiffContext = {}): RowLookup {
  const counts = context.rowCounts ?? {};
  const partitions = new Map(before.tables.map((table) => [table.id, table.partitions]));
  const lookup = (id: QualifiedName, seen: Set<string>): number | null => {
    if (Object.hasOwn(counts, id)) return counts[id];
    const children = partitions.get(id) ?? [];
    if (children.length === 0 || seen.has(id)) return null;
    seen.add(id);
    let total = 0;
    for (const child of children) {
      const rows = lookup(child, seen);
      if (rows === null) return null;
      total += rows;
    }
    return total;
  };
  return (id) => lookup(id, new Set());
}

/** `(1,204 rows)`, `(no rows)`, `(row count unknown)`: digits grouped without a locale, so output is stable. */
export function rowsText(rows: number | null): string {
  if (rows === null) return '(row count unknown)';
  const n = Math.round(rows);
  if (n === 0) return '(no rows)';
  const grouped = String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `(${grouped} row${n === 1 ? '' : 's'})`;
}

const flag = (kind: RiskKind, severity: RiskSeverity, message: string, table: string | null): RiskFlag => ({ kind, severity, message, table });

/** Values may be lost: high unless the table is known to be empty. */
export function dataLoss(table: string | null, rows: number | null, message: string): RiskFlag {
  return flag('data_loss', rows === 0 ? 'low' : 'high', `${message} ${rowsText(rows)}`, table);
}

/**
 * Dropping an extension drops what depends on it (columns of its types, indexes using its
 * operator classes): no row count says how much, so medium, whatever the tables hold.
 */
export function extensionLoss(name: string): RiskFlag {
  return flag('data_loss', 'medium', `Drops extension ${name}: objects that depend on it are dropped too`, null);
}

/** A rewrite costs time in proportion to the table; an empty table rewrites in no time. */
export function tableRewrite(table: string, rows: number | null, message: string): RiskFlag {
  const severity = rows === 0 ? 'low' : rows !== null && rows >= LARGE_TABLE_ROWS ? 'high' : 'medium';
  return flag('table_rewrite', severity, `${message} ${rowsText(rows)}`, table);
}

/** Known rows: the scan happens and may fail; unknown: it might; empty: nothing to fear. */
export function notNullOnRows(table: string, rows: number | null, message: string): RiskFlag | null {
  if (rows === 0) return null;
  return flag('not_null_on_rows', rows === null ? 'medium' : 'high', `${message} ${rowsText(rows)}`, table);
}

/** A validated constraint added to a table with rows reads all of them while holding its lock. */
export function validationScan(table: string, rows: number | null, message: string): RiskFlag | null {
  if (rows === 0) return null;
  return flag('validation_scan', 'medium', `${message} ${rowsText(rows)}`, table);
}

const SEVERITY_ORDER: Record<RiskSeverity, number> = { high: 0, medium: 1, low: 2 };

/** Highest severity first; equal severities keep their order (the order of the changes). */
export function sortRisks(risks: readonly RiskFlag[]): RiskFlag[] {
  return [...risks].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}
