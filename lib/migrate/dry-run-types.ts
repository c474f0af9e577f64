import type { LintFinding } from '../lint/types';
import type { RiskFlag, SchemaDiff } from '../diff/types';
import type { SchemaModel } from '../introspect/schema-model';
import type { RowCount } from '../db/row-counts';
import type { CheckOutcome, ExecutedStatement, FailureInfo } from './statement-outcome';
import type { SequenceGap } from './sequence-guard';

/**
 * `transaction`: run the change sets for real on the target inside one transaction that is
 * always rolled back. `shadow`: replay the target's applied change sets onto a scratch
 * database on the local server and run the pending ones there; the target is only read.
 */
export type DryRunMode = 'transaction' | 'shadow';

export interface DryRunRequest {
  direction: 'apply' | 'rollback';
  /** apply: up to and including this tag or version; rollback: back to (keeping) this one. */
  to?: string;
  /** rollback: how many applied change sets to undo (default 1 unless `to` or `all`). */
  steps?: number;
  /** rollback: undo every applied change set. */
  all?: boolean;
  includeOutOfOrder?: boolean;
  /** Default: shadow for protected environments, transaction elsewhere. */
  mode?: DryRunMode;
}

/** A statement as the dry run ran it, with the locks it took. */
export type DryRunStatement = ExecutedStatement;

export interface DryRunChangeSet {
  version: number;
  tag: string;
  direction: 'up' | 'down';
  file: string;
  /** sha256 of that file as it ran: with the tag, the identity of this step of the plan. */
  checksum: string;
  /** The file opts out of a transaction (`-- strata:no-transaction`). */
  noTransaction: boolean;
  status: 'ok' | 'failed' | 'not_run';
  durationMs: number;
  rows: number;
  statements: DryRunStatement[];
  /** Tables whose rows the change set would destroy (drops, type changes, truncates). */
  destroys: string[];
  error: FailureInfo | null;
  /** Its checks (`checks/NNNN_tag.sql`, apply only), each passed, failed or not run; a failing one is also `error.check`. */
  checks: CheckOutcome[];
  /** Lint findings on this change set's file for this direction (forward or rollback), judged against the target. */
  lint: LintFinding[];
}

/** A change set as the executor ran it, before lint findings are attached. */
export type ExecutedChangeSet = Omit<DryRunChangeSet, 'lint'>;

export interface DryRunResult {
  environment: string | null;
  mode: DryRunMode;
  /** Why it ran on a shadow although a transaction on the target was asked for (see dry-run-safety.ts). */
  modeReason: string | null;
  /** Sequences the dry run advanced on the target: never set back (that could collide with live inserts), reported. */
  sequenceGaps: SequenceGap[];
  /** The lock_timeout and statement_timeout the change sets ran with. */
  limits: { lockTimeoutMs: number; statementTimeoutMs: number };
  direction: 'apply' | 'rollback';
  startedAt: string;
  durationMs: number;
  changeSets: DryRunChangeSet[];
  /** The first change set that failed; nothing after it ran. */
  failed: DryRunChangeSet | null;
  /** Schema before and after (after = as far as the run got). */
  before: SchemaModel;
  after: SchemaModel;
  diff: SchemaDiff;
  /** Diff risks plus lock risks, highest severity first. */
  risks: RiskFlag[];
  /** Tables (with rows) a real rollback would copy into a backup schema first; big ones' rows are estimates, marked so. */
  backupTables: RowCount[];
}
