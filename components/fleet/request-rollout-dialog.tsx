'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useOperationStarters, type RolloutRequestAnswer } from '@/components/operations/operation-starters';
import { ModalDialog } from '@/components/ui/modal-dialog';
import { ROLLOUT_FIELD, RolloutOptionsFields, rolloutOptionsInput, useRolloutOptions } from './rollout-options-fields';

const BUTTON = 'rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-50';
const PRIMARY = 'rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:opacity-50';

/**
 * A protected fleet's "Start rollout…": the same options, and a reason instead of the typed
 * name — the rollout is filed for another admin's approval, with a dry run on a
 * representative target attached (which takes a few seconds: every target is read).
 */
export function RequestRolloutButton({ fleet, disabled, title }: { fleet: string; disabled: boolean; title?: string }) {
  const [open, setOpen] = useState(false);
  const [filed, setFiled] = useState<Extract<RolloutRequestAnswer, { ok: true }> | null>(null);
  return (
    <>
      <button type="button" className={PRIMARY} onClick={() => setOpen(true)} disabled={disabled} title={title} data-testid="request-rollout">
        Request rollout…
      </button>
      {filed && (
        <p role="status" data-testid="rollout-request-filed" className="basis-full text-sm text-zinc-700">
          Request #{filed.request.id} filed; its dry run ran on {filed.representative.why}. Another admin approves it on the{' '}
          <Link href="/approvals" className="font-medium underline">
            approvals page
          </Link>
          .
        </p>
      )}
      {open && (
        <RequestRolloutDialog
          fleet={fleet}
          onClose={() => setOpen(false)}
          onFiled={(answer) => {
            setFiled(answer);
            setOpen(false);
          }}
        />
      )}
    </>
  );
}

function RequestRolloutDialog({ fleet, onClose, onFiled }: { fleet: string; onClose: () => void; onFiled: (answer: Extract<RolloutRequestAnswer, { ok: true }>) => void }) {
  const starters = useOperationStarters();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const options = useRolloutOptions();
  const [reason, setReason] = useState('');
  const [filing, setFiling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => dialog.current?.showModal(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFiling(true);
    setError(null);
    try {
      const answer = await starters.requestRollout(fleet, { ...rolloutOptionsInput(options), reason });
      if (answer.ok) onFiled(answer);
      else setError(answer.message);
    } finally {
      setFiling(false);
    }
  }

  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={() => !filing && onClose()} testId="request-rollout-dialog" width="w-[min(520px,96vw)]">
      <form onSubmit={submit} className="flex flex-col gap-4 p-5">
        <h2 id={titleId} className="text-base font-semibold text-zinc-900">
          Request a rollout of {fleet}
        </h2>
        <p className="text-sm text-zinc-600">
          {fleet} is protected: its rollout needs two people. This files a request with a dry run on a representative target; another admin approves the whole
          rollout, then an operator starts it from the approvals page.
        </p>
        <RolloutOptionsFields options={options} />
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
          Reason, for the approver
          <textarea className={ROLLOUT_FIELD} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="rollout-reason" />
        </label>
        {error && (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" data-testid="request-rollout-error">
            {error}
          </p>
        )}
        {filing && (
          <p role="status" className="text-sm text-zinc-600">
            Reading every target to pick a representative, then dry-running the rollout on it on a shadow database…
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button type="button" className={BUTTON} onClick={onClose} disabled={filing}>
            Cancel
          </button>
          <button type="submit" className={PRIMARY} disabled={filing || !reason.trim()} data-testid="confirm-request-rollout">
            File request
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
