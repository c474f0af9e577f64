'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import type { RunResult } from '@/lib/migrate/apply';
import { RunProgress } from '@/components/dry-run/progress';
import { RunOutcome } from '@/components/operations/run-outcome';
import { useOperationStarters } from '@/components/operations/operation-starters';
import { useOperation } from '@/components/operations/use-operation';
import { TypedNameConfirm } from '@/components/ui/typed-name-confirm';

/**
 * Runs an approved request: the environment's name is typed back, then the run streams its
 * progress and shows its outcome. It stays mounted (showing the outcome) after the page
 * refreshes and the request is no longer `available` (approved and unexpired).
 */
export function ExecutePanel({ id, env, total, available }: { id: number; env: string; total: number; available: boolean }) {
  const router = useRouter();
  const starters = useOperationStarters();
  const run = useOperation<RunResult>();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [, startTransition] = useTransition();
  const ids = useId();
  const progressHeading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const phase = run.state.phase;

  // Cancelling puts the focus back on the button that opened the form.
  useEffect(() => {
    if (!open && returnFocus.current) {
      returnFocus.current = false;
      opener.current?.focus();
    }
  }, [open]);

  useEffect(() => {
    if (phase === 'running') progressHeading.current?.focus();
    // The request's status moved (executing → executed or failed): show it.
    if (phase === 'done' || phase === 'failed') startTransition(() => router.refresh());
  }, [phase, router]);

  if (phase === 'idle') {
    if (!available) return null;
    if (!open) {
      return (
        <div>
          <button
            ref={opener}
            type="button"
            onClick={() => setOpen(true)}
            data-testid="execute-request"
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Execute on {env}
          </button>
        </div>
      );
    }
    return (
      <form
        aria-label={`Execute request #${id} on ${env}`}
        className="flex flex-col gap-3 rounded-lg border-2 border-zinc-900 bg-zinc-50 px-4 py-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed === env) void run.start(() => starters.executeRequest(id, { confirm: env }));
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            returnFocus.current = true;
            setOpen(false);
            setTyped('');
          }
        }}
      >
        <p className="text-sm text-zinc-800">
          This runs the approved plan on <strong className="text-base font-black">{env}</strong> for real, once.
        </p>
        <TypedNameConfirm inputId={`${ids}-confirm`} name={env} typed={typed} onTyped={setTyped} testId="execute-confirm-name" autoFocus />
        <div className="flex flex-wrap gap-3">
          <button
            type="submit"
            disabled={typed !== env}
            data-testid="execute-confirm"
            className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
          >
            Execute on {env}
          </button>
          <button
            type="button"
            onClick={() => {
              returnFocus.current = true;
              setOpen(false);
              setTyped('');
            }}
            className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-white"
          >
            Cancel
          </button>
        </div>
      </form>
    );
  }

  return (
    <section aria-labelledby={`${ids}-run`} data-testid="execute-run" className="flex flex-col gap-4 rounded-lg border border-zinc-200 px-4 py-3">
      <h3 id={`${ids}-run`} ref={progressHeading} tabIndex={-1} className="text-sm font-semibold text-zinc-900 focus:outline-none">
        {phase === 'running' ? `Executing request #${id} on ${env}…` : `Request #${id} on ${env}`}
      </h3>
      {phase === 'running' && <p className="text-xs text-zinc-600">The run continues on the server even if this page is closed.</p>}
      <RunProgress events={run.state.events} total={total} operationId={run.id} />
      {phase === 'failed' && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold">The execution was refused or failed</p>
          <p className="mt-1 break-words">{run.state.message}</p>
        </div>
      )}
      {phase === 'done' && <RunOutcome env={env} result={run.state.result} />}
    </section>
  );
}
