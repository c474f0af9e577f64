import { connect, type Sql } from '../db/client';
import type { LockBlocker, LockWait } from './statement-outcome';
import type { LockedConnection } from './target-lock';

/**
 * Who is in the way when a change set's statement waits for a lock. While a real run's
 * statement runs, a second connection looks at pg_locks (the lock our backend waits for)
 * and pg_blocking_pids (who holds or queues ahead for it); the last look taken before the
 * statement's lock_timeout fired names the blockers in the retry message and, when retries
 * run out, in the failure. The runner's own connection cannot look: it is busy waiting.
 */

/** PostgreSQL's lock_not_available: lock_timeout fired (or NOWAIT found the lock taken). */
export const LOCK_NOT_AVAILABLE = '55P03';

/** Retries after a lock timeout when neither the environment nor the flag says otherwise. */
export const DEFAULT_LOCK_RETRIES = 5;
/** The first pause before a retry; each next pause doubles, up to MAX_LOCK_RETRY_DELAY_MS. */
export const DEFAULT_LOCK_RETRY_DELAY_MS = 1_000;
const MAX_LOCK_RETRY_DELAY_MS = 30_000;

/** How many characters of a blocker's query are shown (after masking its literals). */
export const BLOCKER_QUERY_CHARS = 80;

/**
 * One token of SQL that maskQueryLiterals looks at, leftmost first: a quoted identifier
 * (kept), a dollar-quoted string, an E'…' string (backslash escapes), another quoted string
 * (only doubled quotes: standard_conforming_strings), or a number not part of a name or `$1`.
 */
const LITERAL_OR_QUOTED_NAME = new RegExp(
  [
    /"(?:[^"]|"")*"/.source,
    /\$([A-Za-z_][A-Za-z0-9_]*)?\$[\s\S]*?\$\1\$/.source,
    /\b[eE]'(?:[^'\\]|''|\\.)*'/.source,
    /(?:\b[bBxX]|\b[uU]&)?'(?:[^']|'')*'/.source,
    /(?<![A-Za-z0-9_$.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z0-9_])/.source,
  ].join('|'),
  'g',
);

/**
 * Replaces the literals of a query with `?` — quoted strings (also E'' and dollar-quoted
 * ones) and numbers — so a blocker's query can be shown without the values in it, then
 * collapses whitespace and keeps the first `max` characters. Identifiers (even quoted ones,
 * or with digits such as `t1`) are kept.
 */
export function maskQueryLiterals(query: string, max = BLOCKER_QUERY_CHARS): string {
  const masked = query
    .replace(LITERAL_OR_QUOTED_NAME, (token) => (token.startsWith('"') ? token : '?'))
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > max ? `${masked.slice(0, max - 1)}…` : masked;
}

/** `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as PostgreSQL's documentation names the modes. */
export function lockModeName(mode: string): string {
  return mode
    .replace(/Lock$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
}

/** 3 min, 12 s, 450 ms: how long a blocker has been where it is. */
export function waitedText(ms: number): string {
  if (ms >= 120_000) return `${Math.floor(ms / 60_000)} min`;
  if (ms >= 1_000) return `${Math.floor(ms / 1_000)} s`;
  return `${Math.max(0, Math.round(ms))} ms`;
}

/**
 * `waiting for ACCESS EXCLUSIVE on risk.orders — held by pid 4121 (billing-worker, idle in
 * transaction for 3 min; user "app"; query: update risk.orders set total = ? where id = ?)`.
 */
export function lockWaitText(wait: WatchedLockWait | null): string {
  if (!wait) return 'waiting for a lock — its holder was gone before it could be seen';
  const head = `waiting for ${wait.mode} on ${wait.object}`;
  if (!wait.blockers.length) return `${head} — no blocker seen`;
  const who = wait.blockers.map(
    (b) => `pid ${b.pid} (${b.applicationName || 'no application_name'}, ${b.state || 'unknown state'} for ${waitedText(b.stateForMs)}; user "${b.user}"${b.query ? `; query: ${b.query}` : ''})`,
  );
  return `${head} — held by ${who.join(', ')}`;
}

/** The pause before retry number `attempt` (1-based): `delayMs`, doubling each time, at most 30 s. */
export function retryDelayMs(attempt: number, delayMs: number): number {
  return Math.min(MAX_LOCK_RETRY_DELAY_MS, Math.max(0, delayMs) * 2 ** Math.max(0, attempt - 1));
}

/** The lock `pid` waits for right now, with the sessions in its way; null when it waits for none. */
const WAITING_FOR = `
  with waiting as (
    select l.mode, l.locktype, l.relation from pg_locks l where l.pid = $1 and not l.granted limit 1
  )
  select w.mode, w.locktype,
    (select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = w.relation) as relation,
    a.pid, a.application_name, a.usename, a.state,
    (extract(epoch from now() - coalesce(a.state_change, a.backend_start)) * 1000)::float8 as state_ms,
    (extract(epoch from now() - a.xact_start) * 1000)::float8 as xact_ms,
    a.query
  from waiting w
  left join pg_stat_activity a on a.pid = any(pg_blocking_pids($1))
  order by a.xact_start nulls last, a.pid`;

const OBJECTS: Record<string, string> = {
  transactionid: 'a row (another transaction updating it)',
  tuple: 'a row',
  virtualxid: 'older transactions to finish',
  advisory: 'an advisory lock',
};

/** A blocker as the watch sees it: with its role name, which goes into the text only. */
export interface WatchedLockWait extends LockWait {
  blockers: Array<LockBlocker & { user: string }>;
}

/** The wait without role names, for structured results and progress events that reach a page. */
export function withoutRoleNames(wait: WatchedLockWait | null): LockWait | null {
  return wait && { ...wait, blockers: wait.blockers.map(({ user: _user, ...blocker }) => blocker) };
}

/** Reads, on `sql`, what backend `pid` waits for; null when it waits for nothing. */
export async function readLockWait(sql: Sql, pid: number): Promise<WatchedLockWait | null> {
  const rows = await sql.unsafe(WAITING_FOR, [pid]);
  const first = rows[0];
  if (!first) return null;
  const object = first.relation ? String(first.relation) : (OBJECTS[String(first.locktype)] ?? String(first.locktype));
  const blockers: WatchedLockWait['blockers'] = rows
    .filter((r) => r.pid !== null)
    .map((r) => ({
      pid: Number(r.pid),
      applicationName: String(r.application_name ?? ''),
      user: String(r.usename ?? ''),
      state: String(r.state ?? ''),
      stateForMs: Math.round(Number(r.state_ms ?? 0)),
      transactionForMs: r.xact_ms === null ? null : Math.round(Number(r.xact_ms)),
      query: maskQueryLiterals(String(r.query ?? '')),
    }));
  return { mode: lockModeName(String(first.mode)), object, blockers };
}

/**
 * Watches the runner's connection while its statements run: after a statement has run for
 * a moment, polls readLockWait on a connection of its own (opened then, so a run whose
 * statements are all quick never opens it) and keeps the last wait seen.
 */
export interface LockWatch {
  /** The watched (runner's) backend pid: what a cancel from the console stops (lock-wait-control.ts). */
  readonly pid: number;
  /** Runs `statement`, looking every so often at what it waits for; forgets earlier looks. */
  during<T>(statement: () => Promise<T>): Promise<T>;
  /** The last wait seen during the last statement (null: none seen). */
  lastWait(): WatchedLockWait | null;
  close(): Promise<void>;
}

/** A watch on `conn` (whose backend pid is read now); `lockTimeoutMs` sets how often it looks. */
export async function startLockWatch(conn: LockedConnection, url: string, lockTimeoutMs: number): Promise<LockWatch> {
  const [row] = await conn`select pg_backend_pid() as pid`;
  const pid = Number(row?.pid);
  // Look at least a few times within one lock_timeout, but not more often than every 25 ms.
  const everyMs = Math.max(25, Math.min(250, Math.floor((lockTimeoutMs || 1_000) / 4)));
  let sql: Sql | null = null;
  let last: WatchedLockWait | null = null;
  return {
    pid,
    async during(statement) {
      last = null;
      let stopped = false;
      let timer: NodeJS.Timeout | null = null;
      let looking: Promise<void> = Promise.resolve();
      const look = () => {
        if (stopped) return;
        looking = (async () => {
          sql ??= connect(url, { max: 1, applicationName: 'strata:lock-watch' });
          const wait = await readLockWait(sql, pid).catch(() => null);
          // A look that was under way when the statement failed still counts: it is the latest.
          if (wait) last = wait;
        })().finally(() => {
          if (!stopped) timer = setTimeout(look, everyMs);
        });
      };
      timer = setTimeout(look, everyMs);
      try {
        return await statement();
      } finally {
        stopped = true;
        if (timer) clearTimeout(timer);
        await looking.catch(() => undefined);
      }
    },
    lastWait: () => last,
    async close() {
      await sql?.end({ timeout: 5 }).catch(() => undefined);
    },
  };
}

/** How a real run retries a change set (or a no-transaction statement) whose lock request timed out. */
export interface LockRetryPolicy {
  retries: number;
  delayMs: number;
  watch: LockWatch;
  /** Tells the operator (CLI, progress events) before each pause: `text` is lockWaitText's; `runnerPid` is the waiting backend's. */
  onWait: (wait: { attempt: number; retries: number; retryInMs: number; statementIndex: number; lock: LockWait | null; message: string; runnerPid: number }) => void;
  /**
   * Who asked to cancel the run (null: nobody), read before each retry and during its pause;
   * a run cancelled stops retrying and fails "cancelled by WHO while waiting for …".
   */
  cancelRequested?: () => Promise<string | null>;
}

export type { LockBlocker, LockWait };

export const isLockTimeout = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === LOCK_NOT_AVAILABLE;
