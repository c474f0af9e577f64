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
  /**
   * Set when a check failed rather than a statement of the change set: then `file`, `line`,
   * `statementIndex` and `statement` are the check's (in `checks/NNNN_tag.sql`), `message`
   * names it and its comment, and `detail` shows the rows it returned, masked.
   */
  check?: CheckFailure;
  /** Set when the statement's lock request timed out (55P03): the lock and who held it, as last seen (lock-wait.ts). */
  lockWait?: LockWait | null;
}

/**
 * A session our statement waited behind, as pg_stat_activity saw it. Its role name is said
 * only in the wait's text (quoted, so pages hide it: lib/db/safe-message.ts), never here.
 */
export interface LockBlocker {
  pid: number;
  applicationName: string;
  /** e.g. `idle in transaction`, `active`. */
  state: string;
  /** How long it has been in that state (since state_change), in milliseconds. */
  stateForMs: number;
  /** How long its transaction has been open (since xact_start); null outside a transaction. */
  transactionForMs: number | null;
  /** The first 80 characters of its (last) query, literals masked as `?`. */
  query: string;
}

/** The lock our statement waited for, and who was in the way. */
export interface LockWait {
  /** e.g. `ACCESS EXCLUSIVE`. */
  mode: string;
  /** `schema.table` for a relation lock; otherwise what is locked (`a row (transaction)`, …). */
  object: string;
  blockers: LockBlocker[];
}



export type CheckPhase = 'before' | 'after';

/** What one check did: passed (no rows), failed (rows, or PostgreSQL refused it), or not run. */
export interface CheckOutcome {
  file: string;
  /** 0-based position in the checks file. */
  index: number;
  line: number;
  phase: CheckPhase;
  /** The comment lines above the query; null when it has none. */
  comment: string | null;
  status: 'passed' | 'failed' | 'not_run';
  /** Rows it returned (null when it did not run or PostgreSQL refused it). */
  rowCount: number | null;
  durationMs: number;
}

/** The failing check in full: what it returned, at most CHECK_ROWS_SHOWN rows, classified columns masked. */
export interface CheckFailure extends CheckOutcome {
  sql: string;
  columns: string[];
  /** Result columns whose values were replaced by MASK, with the classification that hid them. */
  masked: Array<{ column: string; because: string }>;
  rows: Array<Array<string | null>>;
}

/** What a masked value shows instead of itself. */
export const MASK = '••••';

/** How many of a failing check's rows are shown and recorded. */
export const CHECK_ROWS_SHOWN = 10;

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
  /** A dry run's estimate for a `-- strata:batched` statement (which it ran whole). */
  batches?: BatchEstimate;
}

/** The dry run's estimate for a batched statement: how many batches, and how long with its pauses. */
export interface BatchEstimate {
  size: number;
  pauseMs: number;
  rows: number;
  batches: number;
  /** The statement's time in the dry run plus the pauses between batches. */
  estimatedMs: number;
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
