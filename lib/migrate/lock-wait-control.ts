import { connect, type Sql } from '../db/client';
import { StrataError } from '../errors';
import { isLockTimeout, lockWaitText, maskQueryLiterals, type LockRetryPolicy, type WatchedLockWait } from './lock-wait';
import { RUNNER_LOCK_KEYS } from './target-lock';

/**
 * Stopping a run that waits for a lock, from outside the process that runs it: an operator
 * cancels our attempt (pg_cancel_backend of the runner's own backend, plus a request the run
 * reads before it retries), an admin terminates the session in its way (pg_terminate_backend).
 * Both act only on pids the target itself vouches for: the runner is the backend holding the
 * target's runner lock (the advisory lock every Strata run takes, target-lock.ts), a blocker
 * is a backend of the same database that holds what the runner waits for — never a pid taken
 * on trust from the browser.
 */

/** PostgreSQL's query_canceled: what pg_cancel_backend makes the runner's waiting statement fail with. */
export const QUERY_CANCELED = '57014';

/** The run stopped because an operator cancelled it while it waited for a lock. */
export class LockWaitCancelled extends Error {
  readonly code = QUERY_CANCELED;
  constructor(
    readonly by: string,
    readonly lockWait: WatchedLockWait | null,
  ) {
    super(`cancelled by ${by} while ${lockWaitText(lockWait)}`);
    this.name = 'LockWaitCancelled';
  }
}

const isQueryCanceled = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === QUERY_CANCELED;

/**
 * The cancellation that ended a statement (or a pause), or null: a statement that failed on
 * its lock (timed out, or cancelled by pg_cancel_backend) after someone asked to cancel the run.
 * `lastWait` is what the run last reported waiting for, when the watch saw nothing this time.
 */
export async function cancellationOf(error: unknown, retry: LockRetryPolicy | undefined, lastWait: WatchedLockWait | null): Promise<LockWaitCancelled | null> {
  if (error instanceof LockWaitCancelled) return error;
  if (!retry?.cancelRequested || !(isLockTimeout(error) || isQueryCanceled(error))) return null;
  const by = await retry.cancelRequested().catch(() => null);
  return by ? new LockWaitCancelled(by, retry.watch.lastWait() ?? lastWait) : null;
}

/** How often a pause before a retry asks whether the run was cancelled meanwhile. */
const CANCEL_POLL_MS = 250;

/** Waits `ms`, asking every CANCEL_POLL_MS whether the run was cancelled; throws LockWaitCancelled when it was. */
export async function pauseUnlessCancelled(ms: number, retry: LockRetryPolicy, lastWait: WatchedLockWait | null): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const by = retry.cancelRequested ? await retry.cancelRequested().catch(() => null) : null;
    if (by) throw new LockWaitCancelled(by, lastWait);
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, retry.cancelRequested ? Math.min(left, CANCEL_POLL_MS) : left));
  }
}

/** The runner lock's holder is `$1` on this database (see target-lock.ts's tryLock). */
const HOLDS_RUNNER_LOCK = `exists (
  select 1 from pg_locks r
  where r.locktype = 'advisory' and r.granted and r.pid = $1 and r.classid = $2 and r.objid = $3 and r.objsubid = 2
    and r.database = (select oid from pg_database where datname = current_database()))`;

async function withTarget<T>(url: string, work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = connect(url, { max: 1, applicationName: 'strata:lock-control', statementTimeoutMs: 10_000 });
  try {
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * Cancels the statement runner `runnerPid` waits on, if that pid is (still) the target's
 * runner and is waiting for a lock right now: a runner busy with real work is never
 * interrupted (a half-built CONCURRENTLY index), it stops before its next retry instead.
 * True when a waiting statement was cancelled.
 */
export async function cancelWaitingRunner(url: string, runnerPid: number): Promise<boolean> {
  return withTarget(url, async (sql) => {
    const rows = await sql.unsafe(
      `select pg_cancel_backend(a.pid) as cancelled from pg_stat_activity a
       where a.pid = $1 and a.wait_event_type = 'Lock' and ${HOLDS_RUNNER_LOCK}`,
      [runnerPid, RUNNER_LOCK_KEYS.classid, RUNNER_LOCK_KEYS.objid],
    );
    return rows[0]?.cancelled === true;
  });
}

/** The session an admin terminated, as the audit records it (its query masked like every blocker's). */
export interface TerminatedBlocker {
  pid: number;
  applicationName: string;
  state: string;
  query: string;
}

/**
 * Terminates backend `pid` on the target, only if it is really in the way of runner
 * `runnerPid` (the backend holding the target's runner lock): among pg_blocking_pids of the
 * runner right now, or — while the run pauses between retries — a session the run reported
 * as its blocker that still holds a lock on the relation it waits for. Never the runner
 * itself, never a backend of another database. The check and the termination are one
 * statement, so the pid cannot change hands in between. Refused (INVALID_STATE, naming why)
 * otherwise; nothing is terminated then.
 */
export async function terminateBlocker(url: string, runnerPid: number, pid: number, reported: { relation: string | null; blockers: number[] }): Promise<TerminatedBlocker> {
  if (pid === runnerPid) throw new StrataError('INVALID_STATE', `pid ${pid} is this operation's own session, not a blocker; cancel the run instead`);
  return withTarget(url, async (sql) => {
    const params = [runnerPid, RUNNER_LOCK_KEYS.classid, RUNNER_LOCK_KEYS.objid, pid, reported.relation, reported.blockers.includes(pid)];
    const [row] = await sql.unsafe(
      `with runner as (select ${HOLDS_RUNNER_LOCK} as ok),
       candidate as (
         select a.pid, a.application_name, a.state, a.query, a.datname = current_database() as same_db,
           a.pid = any(pg_blocking_pids($1)) as blocking_now,
           ($6::boolean and $5::text is not null and exists (
             select 1 from pg_locks l where l.pid = a.pid and l.granted and l.locktype = 'relation'
               and l.database = (select oid from pg_database where datname = current_database())
               and l.relation = (select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname || '.' || c.relname = $5::text))) as holds_reported_lock
         from pg_stat_activity a where a.pid = $4
       )
       select (select ok from runner) as runner_ok, c.*,
         case when (select ok from runner) and c.same_db and (c.blocking_now or c.holds_reported_lock) then pg_terminate_backend(c.pid) else false end as terminated
       from (select 1) one left join candidate c on true`,
      params,
    );
    if (!row?.runner_ok) throw new StrataError('INVALID_STATE', `The operation is no longer running on its target (its session ${runnerPid} holds no runner lock there); nothing was terminated`);
    if (row.pid === null) throw new StrataError('INVALID_STATE', `No session with pid ${pid} on this environment's server; nothing was terminated`);
    if (!row.same_db) throw new StrataError('INVALID_STATE', `pid ${pid} is a session of another database, not of this environment; nothing was terminated`);
    if (!row.terminated) throw new StrataError('INVALID_STATE', `pid ${pid} is not blocking this operation's lock; nothing was terminated`);
    return { pid, applicationName: String(row.application_name ?? ''), state: String(row.state ?? ''), query: maskQueryLiterals(String(row.query ?? '')) };
  });
}
