import { parseDatabaseUrl, redactUrl } from '../db/connection-url';
import { StrataError } from '../errors';

/**
 * A fleet file: one PostgreSQL URL per line; blank lines and lines starting with # are
 * ignored. `source` names the file (or variable) in errors. Every URL is checked before
 * anything connects, and a URL listed twice is refused: one database migrated twice at once
 * is exactly what a fleet must never do. Errors name the line, never the password.
 */
export function parseFleetUrls(text: string, source: string): string[] {
  const urls: string[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const lineNo = index + 1;
    let url: URL;
    try {
      url = parseDatabaseUrl(line);
    } catch (error) {
      throw new StrataError('BAD_USAGE', `${source}:${lineNo}: ${(error as Error).message}`);
    }
    const key = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
    const first = seen.get(key);
    if (first !== undefined) throw new StrataError('BAD_USAGE', `${source}:${lineNo}: ${redactUrl(line)} is the same database as line ${first}`);
    seen.set(key, lineNo);
    urls.push(line);
  });
  if (urls.length === 0) throw new StrataError('BAD_USAGE', `${source} lists no database URL`);
  return urls;
}
