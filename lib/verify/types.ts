/**
 * Round-trip verification: every change set of a
 * project, on a shadow database, applied, rolled back, compared with the schema before,
 * applied again, compared with the first apply, and — when it says it is idempotent —
 * applied a second time over itself. Plain JSON: it is what `strata verify --json` prints.
 */
import type { IdempotencyGuards } from './idempotency-guards';

export type VerifyStepName = 'apply' | 'rollback' | 'compare-before' | 'reapply' | 'compare-first' | 'idempotent';

export interface VerifyStep {
  step: VerifyStepName;
  ok: boolean;
  durationMs: number;
  /** PostgreSQL's message when the step's SQL failed. */
  detail?: string;
  /** What differs, one object per line, e.g. "index public.ix_t_a is still there after the rollback". */
  differences?: string[];
}

export type VerifyVerdict =
  | 'ok'
  | 'apply-failed'
  | 'no-rollback'
  | 'rollback-failed'
  | 'rollback-mismatch'
  | 'reapply-failed'
  | 'reapply-mismatch'
  | 'not-idempotent'
  | 'not-run';

export interface ChangeSetVerification {
  tag: string;
  version: number;
  verdict: VerifyVerdict;
  /** The forward file says `-- strata:idempotent`: it is applied a second time over itself. */
  claimsIdempotent: boolean;
  /** For a change set that claims it: which statements lack IF NOT EXISTS / IF EXISTS / OR REPLACE / ON CONFLICT. */
  guards?: IdempotencyGuards;
  steps: VerifyStep[];
  /**
   * The change set left the shadow different from a plain apply of the history (say, a
   * rollback left an index and the re-apply then failed), so the next change set was
   * verified on a fresh shadow with everything up to here applied forward only.
   */
  shadowRebuilt?: boolean;
  /** Why a `not-run` change set was not verified. */
  notRunBecause?: string;
}

export interface VerifyReport {
  dir: string;
  /** The shadow databases it ran in, usually one, more after a rebuild (all dropped before the report is returned). */
  shadowDatabases: string[];
  changeSets: ChangeSetVerification[];
  ok: boolean;
  counts: Record<VerifyVerdict, number>;
  durationMs: number;
}

export type VerifyProgress = { type: 'verify-changeset'; tag: string; position: number; total: number; verdict: VerifyVerdict };
