'use client';

import { useEffect, useRef, useState } from 'react';
import type { ProgressEvent } from '@/lib/migrate/run-context';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { LockWaitControls, TerminateDialog } from '@/components/operations/lock-wait-controls';
import { formatDuration } from './format';
import { summarizeProgress, type BatchState, type FinishedStatus, type LockWaitState } from './progress-state';

const STATUS: Record<FinishedStatus, { tone: BadgeTone; label: string }> = {
  applied: { tone: 'green', label: 'applied' },
  rolled_back: { tone: 'violet', label: 'rolled back' },
  failed: { tone: 'red', label: 'failed' },
};

/**
 * Where a running apply or rollback stands: a determinate bar (change set X of N, statement
 * i of n) and the change sets finished so far, newest at the bottom and scrolled into view.
 * `events` are the engine's ProgressEvents in the order they arrived; `total` is the number
 * of change sets the run was planned with.
 */
export function RunProgress({ events, total, operationId = null }: { events: ProgressEvent[]; total: number; /** The recorded operation: offers Cancel and Terminate blocker while it waits for a lock. */ operationId?: number | null }) {
  const state = summarizeProgress(events, total);
  const list = useRef<HTMLOListElement>(null);
  const finishedCount = state.finished.length;
  // Held here, not in the lock-wait notice: the notice unmounts as soon as the run gets its lock.
  // It keeps the operation's id too, which callers stop passing once the operation has ended.
  const [terminateFrom, setTerminateFrom] = useState<{ operationId: number; lockWait: LockWaitState } | null>(null);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [finishedCount]);

  const current = state.current;
  const complete = !current && state.total > 0 && finishedCount >= state.total;
  const position = current ? current.position : Math.min(finishedCount, state.total);
  const changeSetText = state.total === 0 ? 'No change sets to run' : `Change set ${position} of ${state.total}`;
  // The statement running now: one past those done, until the last one has finished.
  const statementText = current && current.statements > 0 ? `statement ${Math.min(current.statementsDone + 1, current.statements)} of ${current.statements}` : null;
  const valueText = [changeSetText, current?.tag, statementText ?? state.phase].filter(Boolean).join(' · ');
  const barColour = state.failed ? 'bg-red-600' : complete ? 'bg-emerald-600' : 'bg-blue-600';

  return (
    <section aria-label="Run progress" data-testid="run-progress" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <p className="font-medium text-zinc-900">
          {changeSetText}
          {current && (
            <>
              {' '}
              · <span className="font-mono">{current.tag}</span>{' '}
              <span className="text-zinc-500">({current.direction === 'up' ? 'apply' : 'rollback'})</span>
            </>
          )}
        </p>
        <p data-testid="run-progress-statement" className="text-zinc-600 tabular-nums">
          {statementText ?? state.phase ?? (state.failed ? 'Stopped at a failure' : complete ? 'Done' : 'Waiting…')}
        </p>
      </div>
      <div
        role="progressbar"
        aria-label="Run progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={state.percent}
        aria-valuetext={`${state.percent}% · ${valueText}`}
        className="h-2 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div className={`h-full rounded-full transition-[width] duration-300 ${barColour}`} style={{ width: `${state.percent}%` }} />
      </div>
      {state.lockWait && !complete && !state.failed && (
        <div role="status" data-testid="run-progress-lock-wait" className="rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <p className="font-medium">
            <span className="font-mono">{state.lockWait.tag}</span> is waiting out a lock holder · retry {state.lockWait.attempt} of {state.lockWait.retries} in{' '}
            {formatDuration(state.lockWait.retryInMs)}
          </p>
          <p className="mt-1 break-words">{state.lockWait.message}</p>
          {operationId !== null && <LockWaitControls operationId={operationId} lockWait={state.lockWait} onTerminate={(lockWait) => setTerminateFrom({ operationId, lockWait })} />}
        </div>
      )}
      {terminateFrom && <TerminateDialog operationId={terminateFrom.operationId} lockWait={terminateFrom.lockWait} onClose={() => setTerminateFrom(null)} />}
      {state.batch && !complete && !state.failed && <BatchProgress batch={state.batch} />}
      {finishedCount > 0 && (
        <ol
          ref={list}
          aria-label="Finished change sets"
          aria-live="polite"
          tabIndex={0}
          className="max-h-48 overflow-y-auto rounded-lg border border-zinc-200 bg-white text-sm"
        >
          {state.finished.map((f, i) => (
            <li
              key={`${f.tag}-${i}`}
              data-testid="progress-changeset"
              data-status={f.status}
              className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-100 px-3 py-2 last:border-b-0"
            >
              <Badge tone={STATUS[f.status].tone}>{STATUS[f.status].label}</Badge>
              <span className="font-mono break-all text-zinc-900">{f.tag}</span>
              <span className="ml-auto text-xs text-zinc-500 tabular-nums">
                {f.statements > 0 && `${f.statementsDone}/${f.statements} statements · `}
                {formatDuration(f.durationMs)}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** A batched statement's own bar: batches done of the estimated total, rows, rate, ETA, and why it backs off. */
function BatchProgress({ batch }: { batch: BatchState }) {
  const n = (x: number) => x.toLocaleString('en');
  const text = `Statement ${batch.statementIndex + 1}: batch ${n(batch.batches)} of ${n(batch.totalBatches)}`;
  const figures = `${n(batch.rowsDone)} of ${n(batch.totalRows)} rows · ${n(batch.rowsPerSecond)} rows/s${batch.etaMs === null ? '' : ` · about ${formatDuration(batch.etaMs)} left`}`;
  return (
    <div data-testid="run-progress-batch" className="flex flex-col gap-1.5 rounded-lg border border-zinc-200 bg-zinc-50 px-3 py-2 text-sm">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <p className="font-medium text-zinc-900">
          <span className="font-mono">{batch.tag}</span> · {text}
          {batch.resumedAtBatch !== null && <span className="font-normal text-zinc-500"> (resumed at batch {n(batch.resumedAtBatch)})</span>}
        </p>
        <p className="text-zinc-600 tabular-nums">{figures}</p>
      </div>
      <div
        role="progressbar"
        aria-label="Batched statement progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={batch.percent}
        aria-valuetext={`${batch.percent}% · ${text} · ${figures}`}
        className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200"
      >
        <div className="h-full rounded-full bg-blue-500 transition-[width] duration-300" style={{ width: `${batch.percent}%` }} />
      </div>
      {batch.throttle && (
        <p role="status" data-testid="run-progress-batch-throttle" className="text-amber-900">
          Backing off: {batch.throttle}
        </p>
      )}
    </div>
  );
}
