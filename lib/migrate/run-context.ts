import type { BackupSettings } from '../backup/settings';
import type { Logger } from '../observability/logger';
import type { Statement } from '../changesets/statements';
import type { LockWait } from './statement-outcome';
import type { LockedConnection } from './target-lock';
import type { TargetPlace } from './target-place';

/** Who runs what, where, and with which limits; shared by every engine operation. */
export interface RunContext {
  url: string;
  /** A tenant schema of the database (target-place.ts, placeOf(environment)); unset: the whole database. */
  place?: TargetPlace;
  /** Environment name, or null when targeting a bare --database-url. */
  environment: string | null;
  actor: string;
  logger: Logger;
  /** `lock_timeout` for every change set, so a blocked ALTER fails instead of queueing traffic. */
  lockTimeoutMs?: number;
  /** `statement_timeout` for every statement (default 10 minutes), so a runaway statement fails instead of holding its locks. */
  statementTimeoutMs?: number;
  /**
   * How many times a change set whose lock request timed out (lock_timeout) is tried again,
   * after a pause that doubles each time (lock-wait.ts); 0: fail at once. Default 5, or the
   * environment's STRATA_ENV_<NAME>_LOCK_RETRIES; the CLI's --lock-retries overrides both.
   */
  lockRetries?: number;
  /**
   * Replay lag (pg_stat_replication) above which a batched statement waits between batches;
   * default 10 s, or the environment's STRATA_ENV_<NAME>_MAX_REPLICATION_LAG.
   */
  maxReplicationLagMs?: number;
  /** The first pause before such a retry (default 1 s; then 2 s, 4 s… up to 30 s). */
  lockRetryDelayMs?: number;
  onProgress?: (event: ProgressEvent) => void;
  /** How long to wait for another runner's lock before failing with LOCKED (default: not at all). */
  lockWaitMs?: number;
  /** Why this run happens (e.g. the approved request it executes), kept in each history row. */
  reason?: string;
  /**
   * How the session holding the target's lock names itself (pg_stat_activity's
   * application_name, after `strata:`); default: the actor. A request's execution says which
   * request, so a restart can tell whether its executor is still at work.
   */
  sessionLabel?: string;
  /** The target's backup policy and where copies go; unset: a bare URL's defaults (copy what can be destroyed, into the target). */
  backup?: BackupSettings;
  /** Measures each statement of a real run on its own session (a rehearsal's: locks, rewrites, WAL); unset: nothing extra runs. */
  statementProbe?: StatementProbe;
  /**
   * Who asked to cancel this run while it waits for a lock (null: nobody). The console reads
   * it from the operation's record, so a cancel from any console process stops the run.
   */
  cancelRequested?: () => Promise<string | null>;
}

/**
 * Called around every statement a real run executes, on the run's connection and inside its
 * transaction (a rehearsal, lib/rehearse/, reads pg_locks, relfilenodes and the WAL position).
 * Its own queries are not counted in the statement's duration; an error it throws fails the
 * change set like the statement's, so it must only read.
 */
export interface StatementProbe {
  before(conn: LockedConnection, statement: Statement, tag: string): Promise<void>;
  after(conn: LockedConnection, statement: Statement, outcome: { durationMs: number; rows: number }): Promise<void>;
}

export type ProgressEvent =
  /** A step before or after the change sets run (replaying a shadow, introspecting, diffing). */
  | { type: 'phase'; label: string }
  /** A seed wrote `rows` into `table`, the `position`-th of `total` tables (0-based). */
  | { type: 'seed-table'; table: string; rows: number; position: number; total: number }
  /** A backup restore (or its dry run) reached its `position`-th (0-based) of `total` tables. */
  | { type: 'restore-table'; table: string; position: number; total: number }
  /** A change set began: the `position`-th (0-based) of the run's `total`. */
  | { type: 'changeset-start'; tag: string; direction: 'up' | 'down'; statements: number; position: number; total: number }
  | { type: 'statement-done'; tag: string; index: number; total: number; rows: number; durationMs: number }
  /**
   * A statement of change set `tag` waited its lock_timeout for a lock: `message` names the
   * lock and who holds it ("waiting for ACCESS EXCLUSIVE on risk.orders — held by pid 4121
   * (billing-worker, idle in transaction for 3 min…)"; the console passes it through
   * safeMessage, which hides the quoted role name); the change set runs again in `retryInMs`
   * (retry `attempt` of `retries`). `runnerPid` is our waiting backend: what Cancel stops (absent in records written before it existed).
   */
  | { type: 'lock-wait'; tag: string; statementIndex: number; attempt: number; retries: number; retryInMs: number; message: string; lock: LockWait | null; runnerPid?: number }
  /**
   * A `-- strata:batched` statement committed its `batches`-th batch (counted over every run of
   * it: a resumed run starts above 0), or waits before its next one (`throttle`). Totals are
   * estimates (the planner's row count); `etaMs` is null until a rate is known.
   */
  | {
      type: 'batch';
      tag: string;
      statementIndex: number;
      batches: number;
      totalBatches: number;
      rowsDone: number;
      totalRows: number;
      rowsPerSecond: number;
      etaMs: number | null;
      /** Set when this run resumed an interrupted one: the first batch it ran. */
      resumedAtBatch: number | null;
      batchesThisRun: number;
      /** How long the last batch's transaction took: as long as it held its row locks. */
      batchMs: number;
      throttle: BatchThrottle | null;
    }
  | { type: 'changeset-done'; tag: string; direction: 'up' | 'down'; status: 'applied' | 'rolled_back' | 'failed'; durationMs: number };

/** Why a batched statement waits longer than its pause before the next batch. */
export interface BatchThrottle {
  reason: 'lock-waiters' | 'replication-lag';
  waitMs: number;
  message: string;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10 * 60_000;
