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

/** Query parameters of a libpq URL that carry a secret, as the password does (lower case; libpq's keys are case-sensitive, the check is not). */
export const SECRET_URL_PARAMETERS = ['password', 'sslpassword'];

/** The URL with its password (and any password query parameter) replaced, safe for messages and logs. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) if (SECRET_URL_PARAMETERS.includes(key.toLowerCase())) url.searchParams.set(key, '***');
    return url.toString();
  } catch {
    // Unparsable: hide anything that looks like user:password@, and password parameters.
    return raw.replace(/\/\/[^@/]*@/, '//***@').replace(/((?:ssl)?password=)[^&\s]*/gi, '$1***');
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
