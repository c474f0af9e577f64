/**
 * What running a statement produces, whichever door ran it: the statement as it ran, the
 * locks it took, and the failure PostgreSQL reported. A leaf module: the executor, lock
 * capture and the dry run's result types all speak it.
 */

/** Where and why a change set failed: PostgreSQL's message and the statement it refused. */
export interface FailureInfo {
  message: string;
  statementIndex: number;
  statement: string;
  line: number;
  file: string;
  position?: number;
  hint?: string;
  detail?: string;
  code?: string;
  noTransaction: boolean;
}

/** One statement as it ran (or was skipped). */
export interface ExecutedStatement {
  index: number;
  line: number;
  sql: string;
  durationMs: number;
  rows: number;
  /** Relation locks it took (only when a dry run captures them). */
  locks: LockTaken[];
  /** Why the statement ran differently from the real run, e.g. "ran without CONCURRENTLY". */
  label: string | null;
  /** True when the statement was not run at all in the dry run (e.g. VACUUM). */
  skipped: boolean;
}

/** A lock a statement acquired, read from pg_locks right after it ran. */
export interface LockTaken {
  /** e.g. AccessExclusiveLock, ShareLock, RowExclusiveLock. */
  mode: string;
  /** `schema.name` of the relation (table, index, sequence). */
  relation: string;
  /**
   * How long the real run would hold it: from this statement until its change set commits
   * (locks last until the end of the transaction), in milliseconds as measured.
   */
  heldMs: number;
}

/** Milliseconds to two decimals, as durations are reported. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}
