/**
 * Retention and classification policies, declared in code beside a project's schema and
 * named by its strata.config.ts (drizzle/demo/policies.ts for the demo), and the live
 * figures computed from them.
 */
export type ClassificationTag = 'PII' | 'FERPA' | 'financial' | 'secret';

/**
 * Why rows are kept as long as they are: until a soft delete's grace period ends, for a
 * compliance hold (financial records), as an audit trail, for a rolling window (operational
 * and analytics data that is only useful for so long), or indefinitely.
 */
export type RetentionBasis = 'soft-delete' | 'compliance-hold' | 'audit-trail' | 'rolling-window' | 'indefinite';

export interface TablePolicy {
  /** `schema.table` as the live database names it. */
  table: string;
  basis: RetentionBasis;
  /** How long rows are kept, counted from `timestampColumn`; null = indefinitely. */
  retentionDays: number | null;
  /** The column the retention period counts from (e.g. created_at, occurred_at, deleted_at). */
  timestampColumn: string | null;
  /** Soft delete: the column that marks a row deleted, and how long a deleted row is kept. */
  softDeleteColumn?: string | null;
  graceDays?: number | null;
  /** Tags of the table as a whole, and per column. */
  classification: ClassificationTag[];
  columns?: Record<string, ClassificationTag[]>;
  /** Why: where the rule comes from, in words, shown on the Retention page. */
  note?: string;
}

export interface TableRetention {
  table: string;
  policy: TablePolicy | null;
  /** pg_class.reltuples (estimate) — null when never analysed. */
  estimatedRows: number | null;
  sizeBytes: number;
  oldestRow: string | null;
  /** True when oldestRow is the lowest value PostgreSQL's statistics sampled, not a min() over the rows. */
  oldestRowIsEstimate: boolean;
  /** Rows older than the retention period (null without a policy or period). */
  rowsPastRetention: number | null;
  /** Soft-deleted rows past their grace period. */
  softDeletedPastGrace: number | null;
  /** True when the two counts above are planner estimates rather than exact counts. */
  countsAreEstimates: boolean;
  /** The DELETE enforcement would run (never executed by the Retention page), or null. */
  purgeSql: string | null;
  /** Rows that DELETE would remove (exact, or estimated when countsAreEstimates). */
  purgeRows: number | null;
  /** Why figures are missing, e.g. a policy naming a column this database does not have. */
  problem?: string;
}

export interface RetentionReport {
  environment: string | null;
  computedAt: string;
  durationMs: number;
  coverage: { classified: number; total: number };
  /** Policies declared for tables this database does not have (e.g. change sets not applied yet). */
  unmatchedPolicies: string[];
  /** Tables with more (estimated) rows than this get planner estimates instead of exact counts. */
  exactCountLimit: number;
  tables: TableRetention[];
}
