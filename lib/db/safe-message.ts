import type { StrataConfig } from '../config/environments';
import { fleetSourceUrls } from '../fleet/fleet-source-urls';

/**
 * The one way an error's words reach a person (a page, an API response): the console is
 * shared with people who need to know *what* went wrong ("connection refused", "password
 * authentication failed", "database does not exist") but not where the databases live or
 * how to log in to them. It hides:
 * - connection strings (the configured ones and anything URL-shaped) and their passwords;
 * - host names and IP addresses, with their ports: the configured hosts wherever they
 *   appear as a whole word, and whatever the driver names after a network error code
 *   (`connect ECONNREFUSED 127.0.0.1:5432`, `getaddrinfo ENOTFOUND db.internal`) or in
 *   libpq's `connection to server at "host" (ip), port 5432`;
 * - user, role and database names the server quotes (`user "x"`, `role "x"`,
 *   `database "x"`, `host "x"`), and the configured databases as whole words.
 * Configured user names are hidden only where the server quotes them: the embedded user
 * is `strata`, and messages legitimately name `strata.change_log`. For the same reason a
 * whole word never continues into `.name` (a configured database called `strata` leaves
 * `strata.change_log` alone).
 */
export function safeMessage(message: string, secretUrls: ReadonlyArray<string | null | undefined> = []): string {
  const secrets = secretUrls.flatMap((url) => (url ? [partsOf(url)] : []));
  let out = message;
  for (const { url } of secrets) out = out.split(url).join(HIDDEN_URL);
  out = out.replace(/postgres(?:ql)?:\/\/[^\s'"<>]+/gi, (found) => HIDDEN_URL + trailingPunctuation(found));
  for (const { passwords } of secrets) for (const password of passwords) out = out.split(password).join('***');
  out = out
    .replace(/\b(server at\s+)"(?:[^"]|"")*"(?:\s*\([^)]*\))?(?:,\s*port\s+\d+)?/gi, `$1${HIDDEN_SERVER}`)
    .replace(/\b(host name|host|user|role|database)\s+"(?:[^"]|"")*"/gi, (_, what: string) => `${what} ${/^host/i.test(what) ? HIDDEN_SERVER : HIDDEN_NAME}`)
    .replace(NETWORK_ERROR_ADDRESS, (_, code: string, address: string) => `${code} ${HIDDEN_SERVER}${trailingPunctuation(address)}`)
    .replace(/\[[0-9a-f.]*:[0-9a-f.]*:[0-9a-f:.]*\](?::\d{1,5})?/gi, HIDDEN_SERVER)
    .replace(/(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?(?![\w]|\.\d)/g, HIDDEN_SERVER)
    .replace(/\bport\s+\d{1,5}\b/gi, `port ${HIDDEN_PORT}`);
  for (const { hosts, databases } of secrets) {
    for (const host of hosts) out = out.replace(wholeWord(host, '(?::\\d{1,5})?', 'gi'), HIDDEN_SERVER);
    for (const database of databases) out = out.replace(wholeWord(database, '', 'g'), HIDDEN_NAME);
  }
  return out;
}

/** Every URL a configuration holds: targets, the console database (and its owner), the shadow server. */
export function secretUrlsOf(config: StrataConfig): string[] {
  // A fleet's listed URLs and its discovery server; discovered databases share that server's credentials.
  const fleetUrls = (config.fleets ?? []).flatMap(fleetSourceUrls);
  return [...config.environments.map((e) => e.url), ...fleetUrls, config.consoleDatabaseUrl, config.consoleOwnerUrl, config.shadowServerUrl].filter(
    (url): url is string => Boolean(url),
  );
}

const HIDDEN_URL = '[connection string hidden]';
const HIDDEN_SERVER = '[server hidden]';
const HIDDEN_NAME = '[name hidden]';
const HIDDEN_PORT = '[port hidden]';

/** Node's and postgres.js's network error codes, followed by the address they failed on. */
const NETWORK_ERROR_ADDRESS =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|EHOSTDOWN|ENETUNREACH|EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN|EAI_FAIL|EAI_NONAME|EPIPE|CONNECT_TIMEOUT|CONNECTION_[A-Z_]+)\s+([^\s,;()"']+)/g;

interface UrlParts {
  url: string;
  passwords: string[];
  hosts: string[];
  databases: string[];
}

function partsOf(raw: string): UrlParts {
  try {
    const url = new URL(raw);
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const hosts = [url.hostname.replace(/^\[|\]$/g, ''), url.searchParams.get('host') ?? ''];
    return {
      url: raw,
      passwords: unique([url.password, decode(url.password)]),
      hosts: unique(hosts),
      databases: unique([decode(url.pathname.slice(1))]),
    };
  } catch {
    // Not a URL: hiding it whole is all that can be done.
    return { url: raw, passwords: [], hosts: [], databases: [] };
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values.filter((v) => v.length > 0))];
}

/** `name` standing alone: not inside a longer name, a host name or a qualified `name.other`. */
function wholeWord(name: string, suffix: string, flags: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\w$.-])${escaped}${suffix}(?![\\w$-]|\\.\\w)`, flags);
}

/** Sentence punctuation a greedy match took from the text after it. */
function trailingPunctuation(found: string): string {
  return /[:,.;)\]]+$/.exec(found)?.[0] ?? '';
}

/** Fields of results and history rows that carry PostgreSQL's or the driver's own words. */
const ERROR_FIELDS = new Set(['message', 'detail', 'hint', 'error', 'errorMessage', 'errorDetail', 'errorHint', 'reason']);

/**
 * A copy of `value` (a dry-run or run result, history rows) with `safeMessage` applied to
 * every error field at any depth: a failed statement's "permission denied for database X"
 * reaches the browser as "… for database [name hidden]". SQL text and schema names are left
 * as they are: they are the project's own.
 */
export function withSafeErrors<T>(value: T, secretUrls: ReadonlyArray<string | null | undefined>): T {
  const visit = (v: unknown, key: string | null): unknown => {
    if (typeof v === 'string') return key !== null && ERROR_FIELDS.has(key) ? safeMessage(v, secretUrls) : v;
    if (Array.isArray(v)) return v.map((item) => visit(item, null));
    if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, visit(item, k)]));
    return v;
  };
  return visit(value, null) as T;
}
