'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { useOperationStarters } from '@/components/operations/operation-starters';
import { TypedNameConfirm } from '@/components/ui/typed-name-confirm';

/**
 * Starts an approved rollout request: the fleet's name typed back, then the rollout is on the
 * console's queue and the fleet page follows it (the answer is at once: nothing here waits
 * for a target).
 */
export function RolloutExecutePanel({ id, fleet, available }: { id: number; fleet: string; available: boolean }) {
  const router = useRouter();
  const starters = useOperationStarters();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [, startTransition] = useTransition();
  const ids = useId();

  if (!available && !message) return null;
  return (
    <div className="flex flex-col gap-2">
      {available && !open && (
        <div>
          <button
            type="button"
            onClick={() => setOpen(true)}
            data-testid="execute-request"
            className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Start the rollout of {fleet}
          </button>
        </div>
      )}
      {available && open && (
        <form
          aria-label={`Start the rollout of request #${id}`}
          className="flex flex-col gap-3 rounded-lg border-2 border-zinc-900 bg-zinc-50 px-4 py-3"
          onSubmit={async (e) => {
            e.preventDefault();
            if (typed !== fleet) return;
            setBusy(true);
            try {
              const answer = await starters.executeRolloutRequest(fleet, id, { confirm: fleet });
              setMessage(answer.ok ? { ok: true, text: `Rollout #${answer.rollout.id} started: ${answer.note}.` } : { ok: false, text: answer.message });
              setOpen(false);
              startTransition(() => router.refresh());
            } finally {
              setBusy(false);
            }
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              setOpen(false);
              setTyped('');
            }
          }}
        >
          <p className="text-sm text-zinc-800">
            This starts the approved rollout on every target of <strong className="text-base font-black">{fleet}</strong>, in waves, once.
          </p>
          <TypedNameConfirm inputId={`${ids}-confirm`} name={fleet} typed={typed} onTyped={setTyped} testId="execute-confirm-name" autoFocus />
          <div className="flex flex-wrap gap-3">
            <button
              type="submit"
              disabled={typed !== fleet || busy}
              data-testid="execute-confirm"
              className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
            >
              {busy ? 'Starting…' : 'Start the rollout'}
            </button>
            <button type="button" onClick={() => setOpen(false)} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-white">
              Cancel
            </button>
          </div>
        </form>
      )}
      {message && (
        <p role={message.ok ? 'status' : 'alert'} data-testid="rollout-execute-message" className={`text-sm ${message.ok ? 'text-emerald-900' : 'rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800'}`}>
          {message.text}{' '}
          {message.ok && (
            <Link href={`/fleets/${encodeURIComponent(fleet)}`} className="font-medium underline">
              Follow it on the fleet page
            </Link>
          )}
        </p>
      )}
    </div>
  );
}
