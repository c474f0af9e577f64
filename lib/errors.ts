/**
 * Typed engine errors. Every failure the engine reports carries a stable `code` so that
 * doors (CLI exit codes, server actions, HTTP status) decide from data, never from text.
 */
export type StrataErrorCode =
  | 'BAD_USAGE' // the caller asked for something malformed (CLI flags, ids)
  | 'UNKNOWN_ENVIRONMENT'
  | 'BAD_DATABASE_URL'
  | 'CONNECTION_FAILED'
  | 'MALFORMED_PROJECT' // journal, missing file, unparsable SQL
  | 'LOCKED' // another runner holds the target's lock
  | 'CHECKSUM_MISMATCH' // an applied change set's file changed
  | 'BLOCKED_BY_FAILURE' // a failed change set must be resolved first
  | 'NO_ROLLBACK' // a change set has no rollback file
  | 'NOT_FOUND' // a tag that is not in the project
  | 'ALREADY_EXISTS' // a name that must be unique is taken (e.g. a named ERD view)
  | 'INVALID_STATE' // e.g. resolving a change set that is not failed
  | 'STATEMENT_FAILED' // PostgreSQL rejected a statement of a change set
  | 'BACKUP_NOT_VERIFIED' // a copy did not match its source (or no longer matches its checksum): nothing ran
  | 'CONFIRMATION_REQUIRED' // a protected environment's name was not typed to confirm
  | 'PROTECTED' // the console does not change protected environments directly
  | 'PLAN_CHANGED' // the target moved on since the dry run the caller confirmed
  | 'UNAUTHENTICATED' // no signed-in user (HTTP 401)
  | 'FORBIDDEN' // signed in, but the role does not allow it (HTTP 403)
  | 'THROTTLED' // too many failed sign-ins from one address
  | 'CROSS_SITE' // a changing request from another site (HTTP 403)
  | 'AUDIT_UNAVAILABLE' // the audit trail could not record the intent, so nothing was done
  | 'POOLER_DETECTED' // the target is behind a transaction pooler: its session (and lock) would not be ours
  | 'EMBEDDED_POSTGRES';

/** An error with a code and optional structured details (never secrets). */
export class StrataError extends Error {
  readonly code: StrataErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: StrataErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StrataError';
    this.code = code;
    this.details = details;
  }
}

/** True when `error` is a StrataError, optionally of one code. */
export function isStrataError(error: unknown, code?: StrataErrorCode): error is StrataError {
  return error instanceof StrataError && (code === undefined || error.code === code);
}
