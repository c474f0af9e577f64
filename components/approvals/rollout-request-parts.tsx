'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useState, useTransition } from 'react';
import { useOperationStarters } from '@/components/operations/operation-starters';

/** The rollout part of a rollout request's dry run summary (lib/console/rollout-requests.ts), read defensively. */
export interface RolloutDryRunFacts {
  representative: string;
  why: string;
  pendingTargets: number | null;
  waves: number[];
  onTargetSkipped: string | null;
}

export function readRolloutFacts(dryRun: unknown): RolloutDryRunFacts | null {
  const rollout = (dryRun as { rollout?: Record<string, unknown> } | null)?.rollout;
  if (!rollout || typeof rollout.representative !== 'string' || typeof rollout.why !== 'string') return null;
  return {
    representative: rollout.representative,
    why: rollout.why,
    pendingTargets: typeof rollout.pendingTargets === 'number' ? rollout.pendingTargets : null,
    waves: Array.isArray(rollout.waves) ? rollout.waves.filter((w): w is number => typeof w === 'number') : [],
    onTargetSkipped: typeof rollout.onTargetSkipped === 'string' ? rollout.onTargetSkipped : null,
  };
}

/** Where the rollout's dry run ran, and why there: what the approver weighs beside the diff. */
export function RolloutFacts({ facts }: { facts: RolloutDryRunFacts }) {
  return (
    <div data-testid="request-representative" className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
      <p>
        <span className="font-semibold">Representative target:</span> <span className="font-mono">{facts.why}</span>
      </p>
      <p className="mt-1 text-sky-900">
        {facts.pendingTargets !== null && `${facts.pendingTargets} target${facts.pendingTargets === 1 ? '' : 's'} with change sets pending`}
        {facts.waves.length > 0 && ` · waves of ${facts.waves.join(' → ')} targets`}
        {facts.onTargetSkipped && ` · dry run on a shadow only (${facts.onTargetSkipped.split(':')[0]})`}
      </p>
    </div>
  );
}

/** The rollout an executed request started. */
export function startedRollout(result: unknown): { rollout: number; fleet: string } | null {
  const r = result as { rollout?: unknown; fleet?: unknown } | null;
  return r && typeof r.rollout === 'number' && typeof r.fleet === 'string' ? { rollout: r.rollout, fleet: r.fleet } : null;
}

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
          <label htmlFor={`${ids}-confirm`} className="text-sm text-zinc-800">
            Type <strong className="font-mono">{fleet}</strong> to confirm:
          </label>
          <input
            id={`${ids}-confirm`}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            autoFocus
            data-testid="execute-confirm-name"
            className="w-64 rounded-md border border-zinc-300 bg-white px-2 py-1.5 font-mono text-sm"
          />
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
