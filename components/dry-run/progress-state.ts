import type { ProgressEvent } from '@/lib/migrate/run-context';

export type FinishedStatus = 'applied' | 'rolled_back' | 'failed';

export interface FinishedChangeSet {
  tag: string;
  direction: 'up' | 'down';
  status: FinishedStatus;
  durationMs: number;
  /** Statements that finished before it ended (all of them unless it failed). */
  statementsDone: number;
  statements: number;
}

export interface RunningChangeSet {
  tag: string;
  direction: 'up' | 'down';
  /** 1-based position among the change sets of the run. */
  position: number;
  statements: number;
  statementsDone: number;
}

/** The running change set waits out a lock holder (a `lock-wait` event): who is in the way, and the retry to come. */
export interface LockWaitState {
  tag: string;
  /** "waiting for ACCESS EXCLUSIVE on risk.orders — held by pid 4121 (billing-worker, idle in transaction for 3 min…)" */
  message: string;
  statementIndex: number;
  attempt: number;
  retries: number;
  retryInMs: number;
  /** Our waiting backend, what Cancel stops (null in records from before it was reported). */
  runnerPid: number | null;
  /** Who is in the way, as the run last saw them: what Terminate blocker offers. */
  blockers: Array<{ pid: number; applicationName: string }>;
}

/** The running batched statement (the last `batch` event): where it stands, how fast, and why it waits if it does. */
export type BatchState = Pick<
  Extract<ProgressEvent, { type: 'batch' }>,
  'tag' | 'statementIndex' | 'batches' | 'totalBatches' | 'rowsDone' | 'totalRows' | 'rowsPerSecond' | 'etaMs' | 'resumedAtBatch'
> & {
  /** 0–100: batches done of the (estimated) total. */
  percent: number;
  /** Set while it backs off (sessions waiting on its row locks, replica lag). */
  throttle: string | null;
};

export interface ProgressState {
  total: number;
  current: RunningChangeSet | null;
  finished: FinishedChangeSet[];
  /** 0–100, change sets weighted equally, the running one by its share of statements done. */
  percent: number;
  failed: boolean;
  /** The step in progress outside any change set ("Replaying 12 change sets on a shadow copy"), if any. */
  phase: string | null;
  /** Set while the running change set waits out a lock holder; cleared once it gets past the blocked statement or ends. */
  lockWait: LockWaitState | null;
  /** Set while a batched statement of the running change set is between its first and last batch. */
  batch: BatchState | null;
}

/** Folds the engine's progress events (in order) into what the progress bar shows. */
export function summarizeProgress(events: readonly ProgressEvent[], total: number): ProgressState {
  let current: RunningChangeSet | null = null;
  const finished: FinishedChangeSet[] = [];
  let planned = total;
  let phase: string | null = null;
  let lockWait: LockWaitState | null = null;
  let batch = null as BatchState | null;
  for (const event of events) {
    switch (event.type) {
      case 'phase':
        phase = event.label;
        break;
      case 'changeset-start':
        phase = null;
        planned = Math.max(planned, event.total);
        current = { tag: event.tag, direction: event.direction, position: event.position + 1, statements: event.statements, statementsDone: 0 };
        break;
      case 'lock-wait':
        lockWait = {
          tag: event.tag,
          message: event.message,
          statementIndex: event.statementIndex,
          attempt: event.attempt,
          retries: event.retries,
          retryInMs: event.retryInMs,
          runnerPid: event.runnerPid ?? null,
          blockers: (event.lock?.blockers ?? []).map((b) => ({ pid: b.pid, applicationName: b.applicationName })),
        };
        break;
      case 'batch': {
        const { type: _type, throttle, batchesThisRun: _run, batchMs: _ms, ...figures } = event;
        batch = { ...figures, percent: event.totalBatches > 0 ? Math.min(100, Math.round((event.batches / event.totalBatches) * 100)) : 0, throttle: throttle?.message ?? null };
        if (lockWait?.tag === event.tag) lockWait = null;
        break;
      }
      case 'statement-done':
        if (batch?.tag === event.tag && event.index >= batch.statementIndex) batch = null;
        if (lockWait?.tag === event.tag && event.index >= lockWait.statementIndex) lockWait = null;
        if (current !== null && current.tag === event.tag) {
          const running: RunningChangeSet = current;
          current = { ...running, statementsDone: Math.max(running.statementsDone, event.index + 1), statements: Math.max(running.statements, event.total) };
        }
        break;
      case 'changeset-done': {
        if (lockWait?.tag === event.tag) lockWait = null;
        if (batch?.tag === event.tag) batch = null;
        const running: RunningChangeSet | null = current?.tag === event.tag ? current : null;
        finished.push({
          tag: event.tag,
          direction: event.direction,
          status: event.status,
          durationMs: event.durationMs,
          statementsDone: running ? (event.status === 'failed' ? running.statementsDone : running.statements) : 0,
          statements: running?.statements ?? 0,
        });
        if (running) current = null;
        break;
      }
    }
  }
  const done = finished.length;
  const share = current && current.statements > 0 ? current.statementsDone / current.statements : 0;
  const percent = planned > 0 ? Math.min(100, Math.round(((done + share) / planned) * 100)) : 0;
  return { total: planned, current, finished, percent, failed: finished.some((f) => f.status === 'failed'), phase, lockWait, batch };
}
