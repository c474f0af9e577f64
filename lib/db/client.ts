import postgres from 'postgres';
import { parseDatabaseUrl, redactUrl } from './connection-url';
import { StrataError, isStrataError } from '../errors';

export type Sql = postgres.Sql<Record<string, never>>;

export interface ConnectOptions {
  /** Shown in pg_stat_activity; the lock owner's name is read back from it. */
  applicationName?: string;
  max?: number;
  connectTimeoutSeconds?: number;
  /** Server-side statement_timeout for every query of the pool (read-only reports cap their cost). */
  statementTimeoutMs?: number;
  /** Receives the server's notices (dropped otherwise); a rehearsal reads its temp-file LOG lines from them. */
  onNotice?: (notice: { severity?: string; message?: string }) => void;
  /**
   * The session's own search_path, sent when it connects (a tenant schema's runner,
   * lib/migrate/target-place.ts): RESET search_path returns to it, not to the server's default.
   */
  searchPath?: string;
}

/**
 * Opens a postgres.js pool on a target. Notices are dropped (CREATE … IF NOT EXISTS
 * chatter would otherwise print to stdout) and bigint counts come back as numbers.
 */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  parseDatabaseUrl(url);
  return postgres(url, {
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutSeconds ?? 5,
    idle_timeout: 20,
    onnotice: options.onNotice ?? (() => {}),
    prepare: false,
    connection: {
      application_name: options.applicationName ?? 'strata',
      ...(options.statementTimeoutMs ? { statement_timeout: Math.round(options.statementTimeoutMs) } : {}),
      ...(options.searchPath ? { search_path: options.searchPath } : {}),
    },
    types: {
      bigint: { to: 20, from: [20], serialize: (v: number) => String(v), parse: (v: string) => Number(v) },
    },
  }) as unknown as Sql;
}

/**
 * Runs a first query so that an unreachable server, a wrong password or a missing
 * database becomes one clear CONNECTION_FAILED error naming the (redacted) target.
 */
export async function assertReachable(sql: Sql, url: string): Promise<void> {
  try {
    await sql`select 1`;
  } catch (error) {
    // `reason` is the driver's own words without the target, for pages that must not show it.
    throw new StrataError('CONNECTION_FAILED', `Cannot connect to ${redactUrl(url)}: ${describePgError(error)}`, {
      reason: describePgError(error),
    });
  }
}

/** A one-line description of a driver or server error, with no connection secrets. */
export function describePgError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { message?: string; code?: string };
    const message = e.message ?? String(error);
    return e.code && !message.includes(e.code) ? `${message} (${e.code})` : message;
  }
  return String(error);
}

/**
 * Why an operation on a target failed, in words that name no target: for a connection
 * failure the driver's reason alone (the error's message quotes the redacted URL).
 */
export function failureReason(error: unknown): string {
  if (isStrataError(error, 'CONNECTION_FAILED') && typeof error.details.reason === 'string') return error.details.reason;
  if (isStrataError(error)) return error.message;
  return describePgError(error);
}

/** Fields PostgreSQL attaches to a statement error that help a person fix it. */
export interface PgErrorInfo {
  message: string;
  code?: string;
  position?: number;
  hint?: string;
  detail?: string;
}

/** Extracts the useful fields of a postgres.js PostgresError. */
export function pgErrorInfo(error: unknown): PgErrorInfo {
  const e = (error ?? {}) as Record<string, unknown>;
  const position = e.position !== undefined ? Number(e.position) : undefined;
  return {
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : undefined,
    position: Number.isFinite(position) ? position : undefined,
    hint: typeof e.hint === 'string' ? e.hint : undefined,
    detail: typeof e.detail === 'string' ? e.detail : undefined,
  };
}
