import { EventEmitter } from 'node:events';
import os from 'node:os';
import type postgres from 'postgres';
import { withConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import type { StrataConfig } from '../config/environments';
import type { Sql } from '../db/client';
import { secretUrlsOf, withSafeErrors } from '../db/safe-message';
import { StrataError } from '../errors';
import type { ProgressEvent } from '../migrate/run-context';
import { engineLogger } from '../observability/logger';
import { describeOperationError } from './describe-error';

/**
 * Every change the console makes to an environment — apply, rollback, dry run, seed, reset,
 * request execution — is an operation: a row in console.operations with its input, who
 * started it, its state, the progress the engine reported and its outcome. It is started
 * (and answers with its id) before the work runs; the work then goes on in the console's
 * process whoever is watching, and reports to the row, so a reload, a second browser or a
 * restart see the same thing. Watchers in this process can also follow it live (the HTTP
 * API's NDJSON streams do).
 */

export const OPERATION_KINDS = ['apply', 'rollback', 'dry-run', 'seed', 'reset', 'request-execution', 'backup-restore', 'promotion', 'rehearse'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export type OperationState = 'running' | 'succeeded' | 'failed' | 'interrupted';

export interface OperationRecord<Result = unknown> {
  id: number;
  kind: OperationKind;
  environment: string;
  /** What was asked (validated input: direction, to, steps, the reviewed plan…). */
  request: unknown;
  actor: string;
  role: string;
  state: OperationState;
  /** Progress as the engine reported it, in order (all of it, or those after `after` when asked). */
  events: ProgressEvent[];
  /** How many events there are in all. */
  eventCount: number;
  result: Result | null;
  /** Why it failed or was interrupted, in words safe to show. */
  error: { code: string; message: string; history?: InterruptedStep[] } | null;
  executor: string;
  /** Who asked to cancel it while it waited for a lock (null: nobody). */
  cancelRequestedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What an interrupted operation's environment history says happened after it started. */
export interface InterruptedStep {
  tag: string;
  operation: string;
  status: string;
  at: string;
}

/** How a finished piece of work is judged: a run whose change set failed is a failed operation. */
export type Verdict<T> = (result: T) => 'succeeded' | 'failed';

/** This process, as the operations it runs name their executor. */
export const EXECUTOR = `${os.hostname()}:${process.pid}`;

/** Events are written to the row at most this often (and when the work ends). */
const FLUSH_EVERY_MS = 250;

/**
 * A change set's end is written at once: what a change set did to the target is exactly what
 * a reader of the record (or the start-up check after a crash) must not miss. So is a wait
 * for a lock: whoever watches should see who is in the way while it is still in the way.
 */
const flushesAtOnce = (event: ProgressEvent) => event.type === 'changeset-done' || event.type === 'lock-wait' || (event.type === 'batch' && event.throttle !== null);

/**
 * A batched statement reports every batch (thousands of them): a batch event that follows
 * another of the same statement not yet written replaces it, so the record keeps about one
 * per write, the latest, instead of growing with every batch. Live listeners still get each.
 */
const replacesPending = (previous: ProgressEvent | undefined, event: ProgressEvent): boolean =>
  previous?.type === 'batch' && event.type === 'batch' && previous.throttle === null && event.throttle === null && previous.tag === event.tag && previous.statementIndex === event.statementIndex;

interface Live {
  emitter: EventEmitter;
  events: ProgressEvent[];
  finished: OperationRecord | null;
}

const liveKey = Symbol.for('strata.live-operations');
function live(): Map<number, Live> {
  const g = globalThis as unknown as Record<symbol, Map<number, Live> | undefined>;
  g[liveKey] ??= new Map();
  return g[liveKey]!;
}

function toRecord(r: postgres.Row): OperationRecord {
  return {
    id: Number(r.id),
    kind: r.kind,
    environment: r.environment,
    request: r.request,
    actor: r.actor,
    role: r.role,
    state: r.state,
    events: (r.events ?? []) as ProgressEvent[],
    eventCount: Number(r.event_count),
    result: r.result ?? null,
    error: r.error ?? null,
    executor: r.executor,
    cancelRequestedBy: r.cancel_requested_by ?? null,
    createdAt: new Date(r.created_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
  };
}

const json = (sql: Sql, value: unknown) => sql.json(JSON.parse(JSON.stringify(value ?? null)) as postgres.JSONValue);

/** What the work of an operation may ask of its record while it runs. */
export interface OperationControl {
  /** Who asked to cancel it (null: nobody), read from the row: a cancel through any console process counts. */
  cancelRequested: () => Promise<string | null>;
}

export interface StartedOperation<T> {
  id: number;
  /** Settles when the work has ended and its outcome is on the row. */
  done: Promise<OperationRecord<T>>;
}

/**
 * Records the operation (state running), starts `work` without waiting for it, and answers
 * with the id. Progress goes to the row (batched) and to live watchers; the outcome — the
 * result, or the error in words safe to show — ends it. Nothing runs if the row cannot be
 * written. Authorization and the audit are the caller's (and `work`'s) business.
 */
export async function startOperation<T>(
  config: StrataConfig,
  principal: Principal,
  meta: { kind: OperationKind; environment: string; request: unknown },
  work: (onProgress: (event: ProgressEvent) => void, control: OperationControl) => Promise<T>,
  verdict: Verdict<T> = () => 'succeeded',
): Promise<StartedOperation<T>> {
  const role = principal.via === 'cli' ? 'cli' : principal.role;
  const [row] = await withConsole(config, (sql) => sql`
    insert into console.operations (kind, environment, request, actor, role, executor)
    values (${meta.kind}, ${meta.environment}, ${json(sql, meta.request)}, ${principal.username}, ${role}, ${EXECUTOR})
    returning id`);
  const id = Number(row!.id);
  const entry: Live = { emitter: new EventEmitter(), events: [], finished: null };
  entry.emitter.setMaxListeners(100);
  live().set(id, entry);

  let pending: ProgressEvent[] = [];
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = null;
    if (pending.length === 0) return writing;
    const batch = pending;
    pending = [];
    // One write at a time, in order: the row's events are the engine's order.
    writing = writing.then(() =>
      withConsole(config, async (sql) => {
        await sql`
          update console.operations set events = events || ${json(sql, batch)}::jsonb, event_count = event_count + ${batch.length}, updated_at = now()
          where id = ${id}`;
      }).catch((error: unknown) => engineLogger().error({ operation: id, error: describeOperationError(error).message }, 'operation progress could not be recorded')),
    );
    return writing;
  };
  const secretUrls = secretUrlsOf(config);
  const onProgress = (engineEvent: ProgressEvent) => {
    // A lock wait's message names the blocker's role (quoted): a page must not (safe-message.ts).
    const event = withSafeErrors(engineEvent, secretUrls);
    if (replacesPending(pending.at(-1), event)) {
      pending[pending.length - 1] = event;
      entry.events[entry.events.length - 1] = event;
    } else {
      entry.events.push(event);
      pending.push(event);
    }
    entry.emitter.emit('event', event);
    if (flushesAtOnce(event)) {
      if (timer) clearTimeout(timer);
      void flush();
    } else timer ??= setTimeout(flush, FLUSH_EVERY_MS);
  };

  const finish = async (state: OperationState, result: unknown, error: { code: string; message: string } | null): Promise<OperationRecord<T>> => {
    if (timer) clearTimeout(timer);
    await flush();
    const safe = withSafeErrors(result, secretUrls);
    const [ended] = await withConsole(config, (sql) => sql`
      update console.operations set state = ${state}, result = ${json(sql, safe)}::jsonb, error = ${error ? json(sql, error) : null}::jsonb,
        finished_at = now(), updated_at = now()
      where id = ${id}
      returning *`);
    const record = toRecord(ended!) as OperationRecord<T>;
    entry.finished = record;
    entry.emitter.emit('end', record);
    // Late watchers read the row; this process forgets the run a little later.
    setTimeout(() => live().delete(id), 60_000).unref();
    return record;
  };

  const control: OperationControl = {
    cancelRequested: async () => {
      const [state] = await withConsole(config, (sql) => sql`select cancel_requested_by from console.operations where id = ${id}`);
      return (state?.cancel_requested_by as string | null | undefined) ?? null;
    },
  };
  const done = work(onProgress, control).then(
    (result) => finish(verdict(result), result, null),
    (error: unknown) => {
      const { code, message } = describeOperationError(error);
      return finish('failed', null, { code, message });
    },
  );
  // Never an unhandled rejection: a failure to record the end is logged.
  done.catch((error: unknown) => engineLogger().error({ operation: id, error: describeOperationError(error).message }, 'operation outcome could not be recorded'));
  return { id, done };
}

/** One operation, with the events after the first `after` (all of them by default). */
export async function getOperation(config: StrataConfig, id: number, after = 0): Promise<OperationRecord | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  const [row] = await withConsole(config, (sql) => sql`
    select id, kind, environment, request, actor, role, state, event_count, result, error, executor, cancel_requested_by, created_at, finished_at,
           coalesce((select jsonb_agg(e order by n) from jsonb_array_elements(events) with ordinality as x(e, n) where n > ${Math.max(0, Math.trunc(after))}), '[]'::jsonb) as events
    from console.operations where id = ${id}`);
  return row ? toRecord(row) : null;
}

/** An environment's operations, newest first: the running ones, or the latest `limit`. */
export async function listOperations(config: StrataConfig, filter: { environment?: string; state?: OperationState; limit?: number } = {}): Promise<OperationRecord[]> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 20), 1), 200);
  const rows = await withConsole(config, (sql) => sql`
    select id, kind, environment, request, actor, role, state, event_count, null::jsonb as result, error, executor, cancel_requested_by, created_at, finished_at, '[]'::jsonb as events
    from console.operations
    where true
      ${filter.environment !== undefined ? sql`and environment = ${filter.environment}` : sql``}
      ${filter.state !== undefined ? sql`and state = ${filter.state}` : sql``}
    order by id desc
    limit ${limit}`);
  return rows.map(toRecord);
}

/**
 * Follows a running operation of this process live: every event so far, then each new one,
 * until it ends. For an operation this process does not run (another console host, or one
 * that ended long ago) it answers null: read the row instead.
 */
export function followOperation(id: number, onEvent: (event: ProgressEvent) => void): Promise<OperationRecord> | null {
  const entry = live().get(id);
  if (!entry) return null;
  for (const event of entry.events) onEvent(event);
  if (entry.finished) return Promise.resolve(entry.finished);
  return new Promise((resolve) => {
    entry.emitter.on('event', onEvent);
    entry.emitter.once('end', (record: OperationRecord) => {
      entry.emitter.off('event', onEvent);
      resolve(record);
    });
  });
}

/** The operation, or NOT_FOUND. */
export async function requireOperation(config: StrataConfig, id: number, after = 0): Promise<OperationRecord> {
  const found = await getOperation(config, id, after);
  if (!found) throw new StrataError('NOT_FOUND', `No operation #${id}`);
  return found;
}

/** Whether the process named by an executor (host:pid) is alive — only answerable on its own host. */
function executorAlive(executor: string): boolean | null {
  const [host, pid] = executor.split(':');
  if (host !== os.hostname()) return null;
  const n = Number(pid);
  if (!Number.isInteger(n) || n <= 0) return false;
  if (n === process.pid) return true;
  try {
    process.kill(n, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * At start: operations still `running` whose process (on this host) is gone are marked
 * `interrupted`, with what the environment's own history says happened after they
 * started (the rows their actor wrote): the record then tells the truth the target holds.
 * Operations of other hosts, or of a process still alive, are left alone.
 */
export async function recoverOperations(
  config: StrataConfig,
  readHistory: (environment: string) => Promise<Array<{ tag: string; operation: string; status: string; actor: string; startedAt: Date }>>,
): Promise<Array<{ id: number; environment: string; outcome: 'interrupted' | 'running' | 'unknown'; history: InterruptedStep[] }>> {
  const running = await listOperations(config, { state: 'running', limit: 200 });
  const found: Array<{ id: number; environment: string; outcome: 'interrupted' | 'running' | 'unknown'; history: InterruptedStep[] }> = [];
  for (const operation of running) {
    const alive = executorAlive(operation.executor);
    if (alive !== false) {
      found.push({ id: operation.id, environment: operation.environment, outcome: alive ? 'running' : 'unknown', history: [] });
      continue;
    }
    let history: InterruptedStep[] = [];
    try {
      const since = Date.parse(operation.createdAt);
      history = (await readHistory(operation.environment))
        .filter((h) => h.actor.startsWith(operation.actor) && h.startedAt.getTime() >= since - 1000)
        .map((h) => ({ tag: h.tag, operation: h.operation, status: h.status, at: h.startedAt.toISOString() }));
    } catch {
      // An unreachable environment: the record still says it was interrupted.
    }
    const what = history.length
      ? `its environment's history shows ${history.map((h) => `${h.tag} ${h.status.replace('_', ' ')}`).join(', ')}`
      : "its environment's history shows nothing it changed";
    const error = { code: 'INTERRUPTED', message: `Interrupted: the console running it (${operation.executor}) stopped before it ended; ${what}.`, history };
    await withConsole(config, (sql) => sql`
      update console.operations set state = 'interrupted', error = ${json(sql, error)}::jsonb, finished_at = now(), updated_at = now()
      where id = ${operation.id} and state = 'running'`);
    found.push({ id: operation.id, environment: operation.environment, outcome: 'interrupted', history });
  }
  return found;
}
