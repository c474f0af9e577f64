/**
 * What a rehearsal learned: the plan run for real on a scratch copy of the target, with the
 * numbers a dry run can only guess (how long each lock was held, rewrites, WAL, temp files).
 * A leaf module of types, so the CLI, the console's operation record and the approvals page
 * all speak the same report.
 */

/** A relation lock a rehearsed statement took, and how long it was held (statement start to its transaction's end). */
export interface RehearsedLock {
  /** e.g. `ACCESS EXCLUSIVE`. */
  mode: string;
  /** `schema.table`. */
  relation: string;
  heldMs: number;
  /** What the relation is: headlines name tables; an index's lock comes with its table's. */
  kind?: 'table' | 'index' | 'other';
}

export interface RehearsedStatement {
  index: number;
  line: number;
  /** The statement's first line, for display. */
  summary: string;
  wallMs: number;
  /** Rows the statement reported (UPDATE/DELETE/INSERT/COPY counts); null for DDL. */
  rows: number | null;
  locks: RehearsedLock[];
  /** Tables (`schema.table`) whose relfilenode changed: rewritten, not altered in place. */
  rewritten: string[];
  walBytes: number;
  tempFiles: number;
  tempBytes: number;
  /**
   * Set in a no-transaction change set: the statement's locks ended with it, so they were seen
   * by polling pg_locks from a second session while it ran; one held for less than a poll's
   * round trip may be missing. Otherwise they are read from the session itself after the statement.
   */
  locksSampled?: boolean;
  /** Set on a batched statement: how many batches it ran. */
  batches?: number;
}

export interface RehearsedChangeSet {
  tag: string;
  file: string;
  noTransaction: boolean;
  status: 'ok' | 'failed' | 'not_run';
  wallMs: number;
  statements: RehearsedStatement[];
  /** PostgreSQL's message when it failed. */
  error: string | null;
}

/** A table copied from the target into the scratch database. */
export interface CopiedTable {
  table: string;
  rows: number;
  /** Columns classified PII or secret in the policy registry, and how each was masked on the way. */
  masked: Array<{ column: string; classification: string; how: 'hashed' | 'nulled' }>;
}

export interface RehearsalReport {
  environment: string;
  /** The last change set rehearsed (the plan's head, or `--to`). */
  to: string | null;
  /** Fraction of each copied table's rows (1 = all). */
  sample: number;
  startedAt: string;
  copy: { schemaMs: number; dataMs: number; tables: CopiedTable[] };
  changeSets: RehearsedChangeSet[];
  /** Wall time of the plan's run on the copy, without the copy. */
  runMs: number;
  /** The plan's whole WAL, in bytes. */
  walBytes: number;
  /** One line per notable effect, longest lock first: "ACCESS EXCLUSIVE on platform.usage_events for 4.2 s; table rewritten; 180 MB WAL". */
  headlines: string[];
  /** How long dropping the scratch database took (PostgreSQL removes its files and checkpoints). */
  dropMs: number;
  /** The scratch database's name (a shadow database: `strata_shadow_…`), null when nothing was copied. */
  scratchDatabase: string | null;
  /** The scratch database was dropped (false only if dropping failed; the sweep removes it later). */
  scratchDropped: boolean;
  /** Temp files were measured (false: the scratch server's role may not set log_temp_files, and every tempFiles/tempBytes is 0 unmeasured). */
  tempMeasured: boolean;
}
