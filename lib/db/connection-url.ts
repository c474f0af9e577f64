import { StrataError } from '../errors';

/**
 * Checks a PostgreSQL connection URL before anything connects, so a typo is reported as
 * a bad URL rather than as a confusing network error, and never echoed with its password.
 */
export function parseDatabaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StrataError('BAD_DATABASE_URL', `Not a valid database URL: ${redactUrl(raw)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StrataError(
      'BAD_DATABASE_URL',
      `Database URL must start with postgres:// or postgresql:// (got ${url.protocol}//…)`,
    );
  }
  if (!url.hostname) throw new StrataError('BAD_DATABASE_URL', 'Database URL has no host');
  if (url.pathname.length <= 1) {
    throw new StrataError('BAD_DATABASE_URL', `Database URL names no database: ${redactUrl(raw)}`);
  }
  return url;
}

/** The URL with its password replaced, safe for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    // Unparsable: hide anything that looks like user:password@.
    return raw.replace(/\/\/[^@/]*@/, '//***@');
  }
}

/** The database name a URL points at. */
export function databaseNameOf(raw: string): string {
  return decodeURIComponent(parseDatabaseUrl(raw).pathname.slice(1));
}

/** The same server, another database (used for scratch and maintenance databases). */
export function withDatabase(raw: string, database: string): string {
  const url = parseDatabaseUrl(raw);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}
