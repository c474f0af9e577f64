'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import type { RunResult } from '@/lib/migrate/apply';
import type { DryRunResult } from '@/lib/migrate/dry-run-types';
import { DryRunView } from '@/components/dry-run/dry-run-view';
import { RunProgress } from '@/components/dry-run/progress';
import { TargetBanner } from './target-banner';
import { RunOutcome } from './run-outcome';
import { useOperationStarters } from './operation-starters';
import { useOperation } from './use-operation';
import { operationDialogOpened } from './open-dialogs';
import { useOperationStream, type StreamState } from './use-operation-stream';
import type { ChangeRequest } from '@/lib/auth/types';
import { ModalDialog } from '@/components/ui/modal-dialog';

export type OperationKind = 'run' | 'dry-run' | 'request';

export interface OperationPlan {
  direction: 'apply' | 'rollback';
  /** apply: up to this tag; rollback: back to (keeping) this tag. */
  to?: string;
  steps?: number;
  /** apply: also the change sets that sit before applied ones (an un-skipped optional one, a late merge). Not for requests. */
  includeOutOfOrder?: boolean;
  /** How many change sets the plan runs, for the progress bar before the dry run reports. */
  expected: number;
  /** The button's text, e.g. "Apply 3 pending" or "Roll back last change set". */
  label: string;
}

/**
 * The only way the console changes an environment: the button opens a dialog that always
 * dry-runs first and shows the result; confirming (the environment named in large letters,
 * typed back when protected) runs the same plan with live progress, then shows the outcome.
 * When `disabledReason` is set the button is disabled and the reason is shown beside it.
 */
export function OperationButton({
  env,
  protection,
  plan,
  disabledReason,
  reasonShownAt,
  tone = 'primary',
  kind = 'run',
  onOpenChange,
}: {
  env: string;
  protection: Protection;
  plan: OperationPlan;
  disabledReason?: string | null;
  /** Id of an element already showing the reason (one notice for several buttons). */
  reasonShownAt?: string;
  tone?: 'primary' | 'danger';
  /** run: confirm and run; dry-run: look only (the role may not change); request: ask for two-person approval. */
  kind?: OperationKind;
  /** Told when the dialog opens and closes, so the page can keep what the dialog was opened from. */
  onOpenChange?: (open: boolean) => void;
}) {
  const [open, setOpenState] = useState(false);
  const setOpen = (next: boolean) => {
    setOpenState(next);
    onOpenChange?.(next);
  };
  const ownReasonId = useId();
  const reasonId = reasonShownAt ?? ownReasonId;
  const colours =
    tone === 'danger'
      ? 'bg-white text-red-700 ring-1 ring-red-300 hover:bg-red-50 disabled:text-zinc-400 disabled:ring-zinc-200'
      : 'bg-zinc-900 text-white hover:bg-zinc-700 disabled:bg-zinc-300';
  return (
    <div className="flex flex-col gap-1">
      <button
        type="button"
        disabled={Boolean(disabledReason)}
        aria-describedby={disabledReason ? reasonId : undefined}
        onClick={() => setOpen(true)}
        data-testid={`operation-${plan.direction}`}
        className={`rounded-md px-3 py-2 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed ${colours}`}
      >
        {plan.label}
      </button>
      {disabledReason && !reasonShownAt && (
        <p id={reasonId} data-testid="disabled-reason" className="max-w-xs text-xs text-zinc-600">
          {disabledReason}
        </p>
      )}
      {open && <OperationDialog env={env} protection={protection} plan={plan} kind={kind} onClose={() => setOpen(false)} />}
    </div>
  );
}

function OperationDialog({ env, protection, plan, kind, onClose }: { env: string; protection: Protection; plan: OperationPlan; kind: OperationKind; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const starters = useOperationStarters();
  const dry = useOperation<DryRunResult>();
  const run = useOperation<RunResult>();
  const ask = useOperationStream<ChangeRequest>(env, `/api/environments/${encodeURIComponent(env)}/requests`);
  const [why, setWhy] = useState('');
  const [typed, setTyped] = useState('');
  const titleId = useId();
  const request = { direction: plan.direction, to: plan.to, steps: plan.steps };
  // Sent with the dry run and the run only: a request's body has no such field.
  const runRequest = plan.includeOutOfOrder ? { ...request, includeOutOfOrder: true } : request;

  useEffect(() => operationDialogOpened(), []);
  useEffect(() => {
    dialog.current?.showModal();
    void dry.start(() => starters.startOperation(env, { kind: 'dry-run', ...runRequest }));
    // The dry run starts once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const close = () => {
    // A run goes on without its dialog (the environment page shows it to everyone); filing a request is awaited here.
    if (ask.state.phase === 'running') return;
    dialog.current?.close();
    if (run.state.phase !== 'idle') {
      // The schema moved: server-rendered state and every cached drift report are stale.
      router.refresh();
      void queryClient.invalidateQueries({ queryKey: ['drift'] });
    }
    onClose();
  };

  const dryResult = dry.state.phase === 'done' ? dry.state.result : null;
  const needsTypedName = protection === 'protected';
  const canConfirm = dryResult !== null && !dryResult.failed && run.state.phase === 'idle' && (!needsTypedName || typed === env);
  const verb = plan.direction === 'apply' ? 'Apply to' : 'Roll back';

  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={close} testId="operation-dialog" width="w-[min(1100px,96vw)]">
      <div className="flex flex-col gap-5 p-6">
        <div className="flex items-start justify-between gap-4">
          <TargetBanner id={titleId} env={env} protection={protection} verb={verb} label={plan.label} />
          <button type="button" onClick={close} disabled={ask.state.phase === 'running'} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100 disabled:opacity-40" aria-label="Close">
            ✕
          </button>
        </div>

        {run.state.phase === 'idle' && (
          <>
            {dry.state.phase === 'running' && (
              <div className="flex flex-col gap-2" role="status">
                <p className="text-sm text-zinc-700">Dry run in progress — nothing is changed.</p>
                <RunProgress events={dry.state.events} total={plan.expected} />
              </div>
            )}
            {dry.state.phase === 'failed' && <ErrorBox title="The dry run could not run" message={dry.state.message} />}
            {dryResult && <DryRunView result={dryResult} />}
            {dryResult && kind === 'dry-run' && (
              <p data-testid="dry-run-only" className="border-t border-zinc-200 pt-4 text-sm text-zinc-700">
                Your role can dry-run; applying and rolling back need an operator.
              </p>
            )}
            {dryResult && kind === 'request' && (
              <RequestForm env={env} dry={dryResult} why={why} setWhy={setWhy} state={ask.state} onSubmit={() => void ask.start({ ...request, reason: why })} onClose={close} />
            )}
            {dryResult && kind === 'run' && (
              <form
                className="flex flex-col gap-3 border-t border-zinc-200 pt-4"
                onSubmit={(e) => {
                  e.preventDefault();
                  if (canConfirm) {
                    const reviewed = { kind: 'run' as const, ...runRequest, confirm: env, expect: dryResult.changeSets.map((c) => ({ tag: c.tag, checksum: c.checksum })) };
                    void run.start(() => starters.startOperation(env, reviewed));
                  }
                }}
              >
                {dryResult.failed && <p className="text-sm font-medium text-red-800">The dry run failed, so this cannot run. Fix the change set first.</p>}
                {dryResult.changeSets.length === 0 && <p className="text-sm text-zinc-700">Nothing to do.</p>}
                {needsTypedName && (
                  <label className="flex flex-col gap-1 text-sm text-zinc-800">
                    <span>
                      <strong>{env}</strong> is protected. Type its name to confirm:
                    </span>
                    <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" className="w-64 rounded-md border border-zinc-300 px-2 py-1.5 font-mono" data-testid="confirm-name" />
                  </label>
                )}
                <div className="flex flex-wrap gap-3">
                  <button
                    type="submit"
                    disabled={!canConfirm || dryResult.changeSets.length === 0}
                    data-testid="confirm-operation"
                    className={`rounded-md px-4 py-2 text-sm font-semibold text-white shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300 ${plan.direction === 'rollback' ? 'bg-red-700 hover:bg-red-600' : 'bg-emerald-700 hover:bg-emerald-600'}`}
                  >
                    {plan.direction === 'apply' ? `Apply ${dryResult.changeSets.length} change set(s) to ${env}` : `Roll back ${dryResult.changeSets.length} change set(s) on ${env}`}
                  </button>
                  <button type="button" onClick={close} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
                    Cancel
                  </button>
                </div>
              </form>
            )}
          </>
        )}

        {run.state.phase !== 'idle' && (
          <div className="flex flex-col gap-4">
            <RunProgress events={run.state.events} total={dryResult?.changeSets.length ?? plan.expected} operationId={run.id} />
            {run.id !== null && (
              <p className="text-xs text-zinc-600">
                Operation{' '}
                <Link href={`/operations/${run.id}`} data-testid="operation-link" className="font-medium text-blue-700 underline">
                  #{run.id}
                </Link>
                : it goes on if you close this, and anyone can follow it there or on the environment&apos;s page.
              </p>
            )}
            {run.state.phase === 'failed' && <ErrorBox title="The run was refused or failed" message={run.state.message} />}
            {run.state.phase === 'done' && <RunOutcome env={env} result={run.state.result} />}
            {run.state.phase !== 'running' && (
              <div className="flex flex-wrap gap-3">
                <Link href={`/environments/${env}/erd`} className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white hover:bg-zinc-700">
                  See the new schema
                </Link>
                <button type="button" onClick={close} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50" data-testid="close-operation">
                  Close
                </button>
              </div>
            )}
          </div>
        )}
      </div>
    </ModalDialog>
  );
}

/** Protected environments: the dry run goes to a second person instead of running. */
function RequestForm({
  env,
  dry,
  why,
  setWhy,
  state,
  onSubmit,
  onClose,
}: {
  env: string;
  dry: DryRunResult;
  why: string;
  setWhy: (v: string) => void;
  state: StreamState<ChangeRequest>;
  onSubmit: () => void;
  onClose: () => void;
}) {
  if (state.phase === 'done') {
    return (
      <div data-testid="request-created" className="flex flex-col gap-3 border-t border-zinc-200 pt-4 text-sm">
        <p className="font-semibold text-zinc-900">
          Request #{state.result.id} on {env} is waiting for a second person&apos;s approval.
        </p>
        <div className="flex gap-3">
          <Link href="/approvals" className="rounded-md bg-zinc-900 px-4 py-2 font-semibold text-white hover:bg-zinc-700">
            Open approvals
          </Link>
          <button type="button" onClick={onClose} className="rounded-md px-4 py-2 font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
            Close
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      className="flex flex-col gap-3 border-t border-zinc-200 pt-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (why.trim()) onSubmit();
      }}
    >
      <p className="text-sm text-zinc-700">
        <strong>{env}</strong> is protected: this becomes a request that another admin approves; then you (or another operator) run it.
      </p>
      {dry.failed && <p className="text-sm font-medium text-red-800">The dry run failed, so this cannot be requested. Fix the change set first.</p>}
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
        Why (for the approver)
        <textarea value={why} onChange={(e) => setWhy(e.target.value)} required rows={2} data-testid="request-reason" className="rounded-md border border-zinc-300 px-3 py-2 font-normal" />
      </label>
      {state.phase === 'failed' && <ErrorBox title="The request was refused" message={state.message} />}
      <div className="flex gap-3">
        <button
          type="submit"
          disabled={Boolean(dry.failed) || dry.changeSets.length === 0 || !why.trim() || state.phase === 'running'}
          data-testid="submit-request"
          className="rounded-md bg-violet-700 px-4 py-2 text-sm font-semibold text-white hover:bg-violet-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
        >
          {state.phase === 'running' ? 'Requesting…' : `Request approval for ${dry.changeSets.length} change set(s)`}
        </button>
        <button type="button" onClick={onClose} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
          Cancel
        </button>
      </div>
    </form>
  );
}

function ErrorBox({ title, message }: { title: string; message: string }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
      <p className="font-semibold">{title}</p>
      <p className="mt-1">{message}</p>
    </div>
  );
}
