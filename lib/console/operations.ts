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
 * request execution, restore, rehearsal — is an operation: a row in console.operations with
 * its input, who started it, its state, the progress the engine reported and its outcome. The
 * door records it and adds its job to the console database's queue in one transaction, and
 * answers with its id; a queue worker (lib/queue, the same workers that run rollout targets,
 * in `npm start`'s process or a `strata worker`) takes the job, rebuilds the work from the
 * record (operation-runners.ts) and reports to the row, so a reload, a second browser, a
 * restart or another host see the same thing. Watchers follow the row (waitForOperation), or
 * live when the work runs in their own process.
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
  /** The process running it (host:pid); null while it waits for a queue worker to take it. */
  executor: string | null;
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
    executor: r.executor ?? null,
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
  /** Settles when the work has ended (wherever it ran) and its outcome is on the row; read lazily, by following the row. */
  readonly done: Promise<OperationRecord<T>>;
}

/** The queue's task that runs a recorded operation (lib/console/operation-jobs.ts). */
export const OPERATION_JOB = 'strata_operation';

/**
 * A killed worker's job is handed back to the queue (lib/queue/worker-registry.ts) and picked
 * up again: the second attempt finds the operation already started and marks it interrupted
 * (operation-execution.ts), so it needs at least two; the work itself never throws to the queue.
 */
const OPERATION_JOB_ATTEMPTS = 5;

/** An operation's job's key on the queue (graphile_worker.jobs.key): which job runs which operation, at a glance. */
export const operationJobKey = (id: number) => `operation:${id}`;

/**
 * Records the operation (state running, no executor yet: waiting for a worker) and adds the
 * queue job that runs it, in ONE transaction: there is never a row no worker will pick up,
 * nor a job without its row. Answers with the id at once; the work runs on whichever queue
 * worker takes the job (operation-execution.ts), this process or another. Authorization,
 * validation and the audit are the caller's (and the runner's) business.
 */
export async function enqueueOperation<T>(config: StrataConfig, principal: Principal, meta: { kind: OperationKind; environment: string; request: unknown }): Promise<StartedOperation<T>> {
  const role = principal.via === 'cli' ? 'cli' : principal.role;
  const id = await withConsole(config, (sql) =>
    sql.begin(async (tx) => {
      const [row] = await tx`
        insert into console.operations (kind, environment, request, actor, role, executor)
        values (${meta.kind}, ${meta.environment}, ${json(sql, meta.request)}, ${principal.username}, ${role}, null)
        returning id`;
      const id = Number(row!.id);
      await tx`select graphile_worker.add_job(${OPERATION_JOB}, payload := (${JSON.stringify({ id })}::text)::json, max_attempts := ${OPERATION_JOB_ATTEMPTS}, job_key := ${operationJobKey(id)})`;
      return id;
    }),
  );
  return startedOperation<T>(config, id);
}

/** An operation's id, and its end read (by following the row) only when somebody asks. */
export function startedOperation<T>(config: StrataConfig, id: number): StartedOperation<T> {
  let done: Promise<OperationRecord<T>> | null = null;
  return {
    id,
    get done() {
      done ??= waitForOperation(config, id) as Promise<OperationRecord<T>>;
      return done;
    },
  };
}

/** How often a watcher of an operation run elsewhere reads its row. */
export const FOLLOW_EVERY_MS = 200;

/**
 * Follows an operation to its end wherever it runs: live, when this process runs it (a worker
 * in this process); otherwise by reading its row — the events after those already seen —
 * every `pollMs` until it has ended. `signal` stops following (the work goes on); the answer
 * is then the row as it was.
 */
export async function waitForOperation(
  config: StrataConfig,
  id: number,
  options: { onEvent?: (event: ProgressEvent) => void; pollMs?: number; signal?: AbortSignal } = {},
): Promise<OperationRecord> {
  const onEvent = options.onEvent ?? (() => {});
  const followed = followOperation(id, onEvent);
  if (followed) return followed;
  let seen = 0;
  for (;;) {
    const record = await requireOperation(config, id, seen);
    for (const event of record.events) onEvent(event);
    seen += record.events.length;
    if (record.state !== 'running' || options.signal?.aborted) return requireOperation(config, id);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? FOLLOW_EVERY_MS));
  }
}

/**
 * The worker side: runs `work` for the operation `id` (already claimed by this process, see
 * operation-execution.ts) and reports to its row. Progress goes to the row (batched) and to
 * live watchers in this process; the outcome — the result, or the error in words safe to
 * show — ends it. Never throws: a failure to record the end is logged.
 */
export async function runOperationWork<T>(
  config: StrataConfig,
  id: number,
  work: (onProgress: (event: ProgressEvent) => void, control: OperationControl) => Promise<T>,
  verdict: Verdict<T> = () => 'succeeded',
): Promise<OperationRecord<T> | null> {
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
  let ending: Promise<OperationRecord<T>>;
  try {
    const result = await work(onProgress, control);
    ending = finish(verdict(result), result, null);
  } catch (error) {
    const { code, message } = describeOperationError(error);
    ending = finish('failed', null, { code, message });
  }
  try {
    return await ending;
  } catch (error) {
    // The outcome could not be written (the console database went away): logged; the start-up check settles the row.
    engineLogger().error({ operation: id, error: describeOperationError(error).message }, 'operation outcome could not be recorded');
    live().delete(id);
    return null;
  }
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
export function executorAlive(executor: string): boolean | null {
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

/** What an environment's history says: its rows, newest or oldest first (lib/recovery/interrupted-operations.ts reads them). */
export type HistoryReader = (environment: string) => Promise<Array<{ tag: string; operation: string; status: string; actor: string; startedAt: Date }>>;

/**
 * Marks a running operation whose process is gone `interrupted`, with what the environment's
 * own history says happened after it started (the rows its actor wrote): the record then
 * tells the truth the target holds. `who` names what stopped ("the console running it").
 */
export async function interruptOperation(config: StrataConfig, operation: OperationRecord, readHistory: HistoryReader, who: string): Promise<InterruptedStep[]> {
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
  const error = { code: 'INTERRUPTED', message: `Interrupted: ${who} (${operation.executor}) stopped before it ended; ${what}.`, history };
  await withConsole(config, (sql) => sql`
    update console.operations set state = 'interrupted', error = ${json(sql, error)}::jsonb, finished_at = now(), updated_at = now()
    where id = ${operation.id} and state = 'running'`);
  return history;
}

/**
 * At start: operations still `running` whose process (on this host) is gone are marked
 * `interrupted`, with what the environment's own history says happened after they
 * started (the rows their actor wrote): the record then tells the truth the target holds.
 * Operations of other hosts, of a process still alive, or still waiting for a worker are left alone.
 */
export async function recoverOperations(
  config: StrataConfig,
  readHistory: HistoryReader,
): Promise<Array<{ id: number; environment: string; outcome: 'interrupted' | 'running' | 'unknown' | 'queued'; history: InterruptedStep[] }>> {
  const running = await listOperations(config, { state: 'running', limit: 200 });
  const found: Array<{ id: number; environment: string; outcome: 'interrupted' | 'running' | 'unknown' | 'queued'; history: InterruptedStep[] }> = [];
  for (const operation of running) {
    // Not taken by a worker yet: its job is still on the queue, and runs when a worker takes it.
    if (operation.executor === null) {
      found.push({ id: operation.id, environment: operation.environment, outcome: 'queued', history: [] });
      continue;
    }
    const alive = executorAlive(operation.executor);
    if (alive !== false) {
      found.push({ id: operation.id, environment: operation.environment, outcome: alive ? 'running' : 'unknown', history: [] });
      continue;
    }
    const history = await interruptOperation(config, operation, readHistory, 'the worker running it');
    found.push({ id: operation.id, environment: operation.environment, outcome: 'interrupted', history });
  }
  return found;
}
