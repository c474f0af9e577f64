import { loadConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { safeMessage, secretUrlsOf } from '../db/safe-message';
import { isStrataError, type StrataErrorCode } from '../errors';
import { engineLogger } from '../observability/logger';

/**
 * The HTTP status of every engine error code, written out for each one: adding a code
 * without a status here does not compile, so no refusal ends up as a 500.
 */
export const HTTP_STATUS: Record<StrataErrorCode, number> = {
  BAD_USAGE: 400,
  BAD_DATABASE_URL: 400,
  UNKNOWN_ENVIRONMENT: 404,
  NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  PROTECTED: 403,
  CROSS_SITE: 403,
  CONFIRMATION_REQUIRED: 409,
  ALREADY_EXISTS: 409,
  LOCKED: 409,
  CHECKSUM_MISMATCH: 409,
  BLOCKED_BY_FAILURE: 409,
  NO_ROLLBACK: 409,
  INVALID_STATE: 409,
  PLAN_CHANGED: 409,
  // The change set is valid; PostgreSQL refused a statement of it against this target.
  STATEMENT_FAILED: 422,
  THROTTLED: 429,
  // The server could not make (or trust) a copy of the data; the caller asked for nothing wrong.
  BACKUP_NOT_VERIFIED: 500,
  MALFORMED_PROJECT: 500,
  CONNECTION_FAILED: 503,
  AUDIT_UNAVAILABLE: 503,
  POOLER_DETECTED: 503,
  EMBEDDED_POSTGRES: 503,
};

/**
 * HTTP status and a message safe to show, for any error an operation raised: it names no
 * connection string, password, host, user or database of `url` or of any configured URL.
 */
export function describeOperationError(error: unknown, url?: string): { status: number; code: string; message: string } {
  const hide = (message: string) => safeMessage(message, [url, ...configuredSecretUrls()]);
  if (isStrataError(error)) return { status: HTTP_STATUS[error.code] ?? 500, code: error.code, message: hide(error.message) };
  engineLogger().error({ error: hide(failureReason(error)) }, 'console operation failed');
  return { status: 500, code: 'INTERNAL', message: `The operation failed unexpectedly: ${hide(failureReason(error))}`.slice(0, 400) };
}

/** The configuration's URLs, or none when the configuration itself is what failed. */
function configuredSecretUrls(): string[] {
  try {
    return secretUrlsOf(loadConfig());
  } catch {
    return [];
  }
}
