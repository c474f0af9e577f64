'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useOperationStarters, type RolloutAnswer } from '@/components/operations/operation-starters';
import { ModalDialog } from '@/components/ui/modal-dialog';
import { RequestRolloutButton } from './request-rollout-dialog';
import { ROLLOUT_FIELD, RolloutOptionsFields, rolloutOptionsInput, useRolloutOptions } from './rollout-options-fields';

const BUTTON = 'rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-50';
const PRIMARY = 'rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-50';

/**
 * Start a rollout, and Pause / Resume / Retry failed on the latest one according to its
 * state. Each goes through the same doors as the HTTP API; the server refuses whoever may
 * not, and the page shows its words. The fleet's query is read again after each answer
 * (it polls while a rollout runs), so the panel follows the console's queue worker.
 */
export function RolloutControls({
  fleet,
  latest,
  request = false,
  canSteer = true,
}: {
  fleet: string;
  latest: { id: number; state: string; failedCount: number } | undefined;
  /** A protected fleet: its rollout is requested for approval (request-rollout-dialog.tsx), never started here. */
  request?: boolean;
  /** Pause, resume and retry (a protected fleet's: admins only). */
  canSteer?: boolean;
}) {
  const starters = useOperationStarters();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const unfinished = latest && (latest.state === 'running' || latest.state === 'paused');

  async function settle(verb: string, answer: RolloutAnswer) {
    setMessage(answer.ok ? { ok: true, text: `${verb} rollout #${answer.rollout.id}: ${answer.note}.` } : { ok: false, text: answer.message });
    await queryClient.invalidateQueries({ queryKey: ['fleet', fleet] });
  }

  async function step(verb: string, run: () => Promise<RolloutAnswer>) {
    setBusy(true);
    try {
      await settle(verb, await run());
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Rollout actions">
        {request ? (
          <RequestRolloutButton fleet={fleet} disabled={busy} />
        ) : (
          <button type="button" className={PRIMARY} onClick={() => setOpen(true)} disabled={busy || Boolean(unfinished)} title={unfinished ? `Rollout #${latest!.id} is ${latest!.state}: it must end first` : undefined} data-testid="start-rollout">
            Start rollout…
          </button>
        )}
        {canSteer && latest?.state === 'running' && (
          <button type="button" className={BUTTON} disabled={busy} onClick={() => step('Paused', () => starters.pauseRollout(fleet, latest.id))} data-testid="pause-rollout">
            Pause #{latest.id}
          </button>
        )}
        {canSteer && latest?.state === 'paused' && (
          <button type="button" className={BUTTON} disabled={busy} onClick={() => step('Resumed', () => starters.resumeRollout(fleet, latest.id))} data-testid="resume-rollout">
            Resume #{latest.id}
          </button>
        )}
        {canSteer && latest && latest.failedCount > 0 && (
          <button type="button" className={BUTTON} disabled={busy} onClick={() => step('Retrying in', () => starters.retryFailedRollout(fleet, latest.id))} data-testid="retry-failed-rollout">
            Retry {latest.failedCount} failed
          </button>
        )}
      </div>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} data-testid="rollout-action-message" className={`text-sm ${message.ok ? 'text-zinc-700' : 'rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800'}`}>
          {message.text}
        </p>
      )}
      {open && (
        <StartRolloutDialog
          fleet={fleet}
          onClose={() => setOpen(false)}
          onAnswer={async (answer) => {
            await settle('Started', answer);
            if (answer.ok) setOpen(false);
          }}
        />
      )}
    </div>
  );
}

function StartRolloutDialog({ fleet, onClose, onAnswer }: { fleet: string; onClose: () => void; onAnswer: (answer: RolloutAnswer) => Promise<void> }) {
  const starters = useOperationStarters();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const options = useRolloutOptions();
  const [confirm, setConfirm] = useState('');
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => dialog.current?.showModal(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setStarting(true);
    setError(null);
    try {
      const answer = await starters.startRollout(fleet, { ...rolloutOptionsInput(options), confirm });
      if (!answer.ok) setError(answer.message);
      await onAnswer(answer);
    } finally {
      setStarting(false);
    }
  }

  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={() => !starting && onClose()} testId="start-rollout-dialog" width="w-[min(520px,96vw)]">
      <form onSubmit={submit} className="flex flex-col gap-4 p-5">
        <h2 id={titleId} className="text-base font-semibold text-zinc-900">
          Start a rollout of {fleet}
        </h2>
        <p className="text-sm text-zinc-600">Every target gets the pending change sets, wave by wave, on the console&apos;s job queue. A wave starts when the previous one has ended; past the failures allowed, the rollout stops before the next wave.</p>
        <RolloutOptionsFields options={options} wavesHintId={`${titleId}-waves`} />
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
          <span>
            Type <span className="font-mono">{fleet}</span> to confirm
          </span>
          <input className={`${ROLLOUT_FIELD} font-mono`} value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" spellCheck={false} data-testid="rollout-confirm" />
        </label>
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="start-rollout-error">
            {error}
          </p>
        )}
        {starting && (
          <p role="status" className="text-sm text-zinc-600">
            Planning the waves and starting…
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className={BUTTON} onClick={onClose} disabled={starting}>
            Cancel
          </button>
          <button type="submit" className={PRIMARY} disabled={starting || confirm !== fleet} data-testid="confirm-start-rollout">
            Start rollout
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
