'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import type { RehearsalReport } from '@/lib/rehearse/report';
import { RunProgress } from '@/components/dry-run/progress';
import { useOperationStarters } from '@/components/operations/operation-starters';
import { TargetBanner } from '@/components/operations/target-banner';
import { useOperation } from '@/components/operations/use-operation';
import { ModalDialog } from '@/components/ui/modal-dialog';
import { SegmentedControl } from '@/components/ui/segmented-control';
import { SAMPLE_CHOICES } from './format';
import { RehearsalReportView } from './rehearsal-report';

type Sample = (typeof SAMPLE_CHOICES)[number]['value'];

/**
 * "Rehearse": the pending change sets run for real on a scratch copy of the environment (all
 * rows, 10% or 1% of each copied table), to learn how long each lock is held, what is
 * rewritten and how much WAL it writes — before anyone applies. The dialog chooses the sample,
 * follows the recorded operation with a progress bar, and shows the report. The target is only
 * read, so nothing is typed back; closing the dialog does not stop the rehearsal.
 */
export function RehearseButton({ env, protection, pending }: { env: string; protection: Protection; pending: number }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => setOpen(true)}
        data-testid="rehearse-open"
        className="rounded-md bg-white px-3 py-2 text-sm font-semibold text-violet-800 shadow-sm ring-1 ring-violet-300 hover:bg-violet-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
      >
        Rehearse {pending} pending on a copy
      </button>
      {open && <RehearseDialog env={env} protection={protection} pending={pending} onClose={() => setOpen(false)} />}
    </>
  );
}

function RehearseDialog({ env, protection, pending, onClose }: { env: string; protection: Protection; pending: number; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const starters = useOperationStarters();
  const rehearsal = useOperation<RehearsalReport>();
  const [sample, setSample] = useState<Sample>('1');
  const started = rehearsal.state.phase !== 'idle';

  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  const close = () => {
    dialog.current?.close();
    onClose();
  };

  return (
    <ModalDialog
      ref={dialog}
      labelledBy={titleId}
      onClose={close}
      testId="rehearse-dialog"
      width="w-[min(1100px,96vw)]"
    >
      <div className="flex flex-col gap-5 p-6">
        <div className="flex items-start justify-between gap-4">
          <TargetBanner id={titleId} env={env} protection={protection} verb="Rehearse on a copy of" label={`${pending} pending change set(s), run for real on a scratch copy; ${env} itself is only read`} />
          <button type="button" onClick={close} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100" aria-label="Close">
            ✕
          </button>
        </div>

        {!started && (
          <form
            className="flex flex-col gap-4"
            onSubmit={(e) => {
              e.preventDefault();
              void rehearsal.start(() => starters.startRehearsal(env, { sample: Number(sample) }));
            }}
          >
            <p className="max-w-3xl text-sm text-zinc-700">
              Strata copies {env}&apos;s schema (replaying its applied change sets) and the rows of the tables the plan touches into a scratch database on the
              shadow server — PII and secret columns masked on the way — runs the plan there and measures every statement, then drops the copy.
            </p>
            <div className="self-start">
              <SegmentedControl legend="Rows to copy" legendClassName="text-sm font-medium text-zinc-800" options={[...SAMPLE_CHOICES]} value={sample} onChange={setSample} />
            </div>
            <div className="flex gap-3">
              <button
                type="submit"
                data-testid="rehearse-start"
                className="rounded-md bg-violet-700 px-4 py-2 text-sm font-semibold text-white hover:bg-violet-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
              >
                Start rehearsal
              </button>
              <button type="button" onClick={close} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
                Cancel
              </button>
            </div>
          </form>
        )}

        {started && (
          <div className="flex flex-col gap-4">
            {rehearsal.state.phase === 'running' && (
              <div className="flex flex-col gap-2" role="status">
                <p className="text-sm text-zinc-700">Rehearsing on a scratch copy — {env} is only read.</p>
                <RunProgress events={rehearsal.state.events} total={pending} />
              </div>
            )}
            {rehearsal.id !== null && (
              <p className="text-xs text-zinc-600">
                Operation{' '}
                <Link href={`/operations/${rehearsal.id}`} data-testid="rehearse-operation-link" className="font-medium text-blue-700 underline">
                  #{rehearsal.id}
                </Link>
                : it goes on if you close this; its report stays there.
              </p>
            )}
            {rehearsal.state.phase === 'failed' && (
              <div role="alert" data-testid="rehearse-error" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
                <p className="font-semibold">The rehearsal could not run</p>
                <p className="mt-1">{rehearsal.state.message}</p>
              </div>
            )}
            {rehearsal.state.phase === 'done' && <RehearsalReportView report={rehearsal.state.result} />}
            {rehearsal.state.phase !== 'running' && (
              <div>
                <button type="button" onClick={close} data-testid="rehearse-close" className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
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
