/**
 * SchemaDiff: what differs between two SchemaModels, object by object, each change flagged
 * with the risks a reviewer must see before running it. Plain JSON: it travels to the
 * browser and into `strata plan --json` as is.
 */
export type DiffObjectKind =
  | 'schema'
  | 'extension'
  | 'table'
  | 'column'
  | 'primary_key'
  | 'foreign_key'
  | 'unique'
  | 'check'
  | 'index'
  | 'enum'
  | 'view';

export type DiffAction = 'added' | 'removed' | 'changed';

/** Each kind of object in words, for sentences about it ("unique constraint x on t"). */
export const DIFF_KIND_LABEL: Record<DiffObjectKind, string> = {
  schema: 'schema',
  extension: 'extension',
  table: 'table',
  column: 'column',
  primary_key: 'primary key',
  foreign_key: 'foreign key',
  unique: 'unique constraint',
  check: 'check constraint',
  index: 'index',
  enum: 'enum',
  view: 'view',
};

export type RiskKind =
  /**
   * Drops a table or column, narrows a type, removes an enum value, drops an extension (and
   * with it whatever uses its types or operator classes): rows or values may be lost.
   */
  | 'data_loss'
  /** A type change that makes PostgreSQL rewrite the whole table (and its indexes). */
  | 'table_rewrite'
  /** A statement took ACCESS EXCLUSIVE on a relation: reads and writes wait for it. */
  | 'access_exclusive_lock'
  /** NOT NULL added to a table that has rows: a full scan under ACCESS EXCLUSIVE, or a failure. */
  | 'not_null_on_rows'
  /** A new CHECK or FOREIGN KEY validated against existing rows (scan while locked). */
  | 'validation_scan';

export type RiskSeverity = 'high' | 'medium' | 'low';

export interface RiskFlag {
  kind: RiskKind;
  severity: RiskSeverity;
  /** One sentence naming the object, e.g. "Drops column files.project_files.size_bytes (1,204 rows)". */
  message: string;
  /** Table id the risk is about, when there is one. */
  table: string | null;
}

export interface DiffChange {
  kind: DiffObjectKind;
  action: DiffAction;
  /**
   * Table (or view) id the object belongs to, e.g. `files.project_files`; for tables, views
   * and enums themselves, their own id; null for schemas and extensions, which belong to none.
   */
  table: string | null;
  /**
   * The object's own name: the schema or extension name, the table/view/enum id, or the
   * column, constraint or index name.
   */
  name: string;
  /** For `changed`: which attributes differ, e.g. ['type', 'nullable'] or ['definition']. */
  attributes: string[];
  /** One-line description of the object before and after (a DDL fragment), null when absent. */
  before: string | null;
  after: string | null;
  risks: RiskFlag[];
}

export interface SchemaDiff {
  /**
   * Sorted: schema changes first, then extension changes (each by name); then the rest by
   * table id, then kind order (table, column, keys, checks, indexes), then name.
   */
  changes: DiffChange[];
  summary: { added: number; removed: number; changed: number };
  /** Every risk of every change, highest severity first. */
  risks: RiskFlag[];
}

/** What the diff may know about the data, from the database in its "before" state. */
export interface DiffContext {
  /** Exact or estimated row counts by table id; unknown tables are treated as possibly non-empty. */
  rowCounts?: Record<string, number>;
}
