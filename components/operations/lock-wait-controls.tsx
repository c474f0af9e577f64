'use client';

import { createContext, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { LockWaitState } from '@/components/dry-run/progress-state';
import { ModalDialog } from '@/components/ui/modal-dialog';
import { useOperationStarters } from './operation-starters';

/** Which controls the signed-in role is offered; the doors decide again (lib/auth/guard: operation.cancel, lock.terminate). */
export interface LockWaitAbilities {
  canCancel: boolean;
  canTerminate: boolean;
}

const AbilitiesContext = createContext<LockWaitAbilities>({ canCancel: false, canTerminate: false });

export function LockWaitAbilitiesProvider({ abilities, children }: { abilities: LockWaitAbilities; children: ReactNode }) {
  return <AbilitiesContext.Provider value={abilities}>{children}</AbilitiesContext.Provider>;
}

type Sent = { phase: 'idle' } | { phase: 'sending' } | { phase: 'done'; message: string } | { phase: 'refused'; message: string };

const buttonClass =
  'rounded-md px-3 py-1.5 text-sm font-semibold shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:opacity-60';

/**
 * Under a run's "waiting out a lock holder" notice: Cancel run (operators and admins) stops
 * our attempt; Terminate blocker (admins) asks the caller to open the TerminateDialog, which
 * the caller renders outside this notice: the notice goes the moment the run takes the lock,
 * and the admin must still read what was terminated. Both go through the console's doors,
 * which check everything again.
 */
export function LockWaitControls({ operationId, lockWait, onTerminate }: { operationId: number; lockWait: LockWaitState; onTerminate: (lockWait: LockWaitState) => void }) {
  const { canCancel, canTerminate } = useContext(AbilitiesContext);
  const starters = useOperationStarters();
  const [cancel, setCancel] = useState<Sent>({ phase: 'idle' });
  if (lockWait.runnerPid === null) return null;
  const offerTerminate = canTerminate && lockWait.blockers.length > 0;
  if (!canCancel && !offerTerminate) return null;

  const sendCancel = async () => {
    setCancel({ phase: 'sending' });
    const answer = await starters.cancelOperation(operationId).catch(() => ({ ok: false as const, message: 'The console did not answer; nothing was cancelled.' }));
    setCancel(
      answer.ok
        ? { phase: 'done', message: answer.outcome.statementCancelled ? 'Cancelled: the waiting statement was stopped; the run ends failed, nothing of this change set applied.' : 'Cancel recorded: the run stops before its next retry.' }
        : { phase: 'refused', message: answer.message },
    );
  };

  return (
    <div className="mt-2 flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        {canCancel && (
          <button
            type="button"
            onClick={() => void sendCancel()}
            disabled={cancel.phase === 'sending' || cancel.phase === 'done'}
            data-testid="cancel-run"
            className={`${buttonClass} bg-white text-zinc-900 ring-1 ring-zinc-300 hover:bg-zinc-50`}
          >
            {cancel.phase === 'sending' ? 'Cancelling…' : 'Cancel run'}
          </button>
        )}
        {offerTerminate && (
          <button type="button" onClick={() => onTerminate(lockWait)} data-testid="terminate-blocker" className={`${buttonClass} bg-red-700 text-white hover:bg-red-600`}>
            Terminate blocker…
          </button>
        )}
      </div>
      {(cancel.phase === 'done' || cancel.phase === 'refused') && (
        <p role="status" data-testid="cancel-run-answer" className={cancel.phase === 'refused' ? 'text-red-800' : 'text-amber-900'}>
          {cancel.message}
        </p>
      )}
    </div>
  );
}

/**
 * The admin types the blocker's pid back; the button stays disabled until it names one of the
 * blockers shown. `lockWait` is the notice it was opened from, kept while the run moves on.
 */
export function TerminateDialog({ operationId, lockWait, onClose }: { operationId: number; lockWait: LockWaitState; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const starters = useOperationStarters();
  const titleId = useId();
  const inputId = useId();
  const [typed, setTyped] = useState('');
  const [sent, setSent] = useState<Sent>({ phase: 'idle' });
  const chosen = lockWait.blockers.find((b) => String(b.pid) === typed.trim());

  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const close = () => {
    if (sent.phase === 'sending') return;
    dialog.current?.close();
    onClose();
  };
  const terminate = async () => {
    if (!chosen) return;
    setSent({ phase: 'sending' });
    const answer = await starters.terminateBlocker(operationId, { pid: chosen.pid }).catch(() => ({ ok: false as const, message: 'The console did not answer; nothing was terminated.' }));
    setSent(
      answer.ok
        ? { phase: 'done', message: `Terminated pid ${answer.terminated.pid} (${answer.terminated.applicationName || 'no application_name'}); the run takes the lock at its next retry.` }
        : { phase: 'refused', message: answer.message },
    );
  };

  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={close} testId="terminate-blocker-dialog" width="w-[min(560px,94vw)]">
      <form
        className="flex flex-col gap-4 p-6"
        onSubmit={(e) => {
          e.preventDefault();
          void terminate();
        }}
      >
        <h2 id={titleId} className="text-lg font-semibold text-zinc-900">
          Terminate the session in the way
        </h2>
        <p className="text-sm text-zinc-700">
          Its connection is closed and its open transaction rolled back: whatever it was doing is lost. The server checks that this pid really blocks
          this run before it acts, and the audit trail records it.
        </p>
        <ul className="rounded-lg border border-zinc-200 text-sm">
          {lockWait.blockers.map((b) => (
            <li key={b.pid} className="border-b border-zinc-100 px-3 py-2 last:border-b-0">
              pid <span className="font-mono font-semibold">{b.pid}</span> · {b.applicationName || 'no application_name'}
            </li>
          ))}
        </ul>
        <label htmlFor={inputId} className="text-sm font-medium text-zinc-900">
          Type the pid to terminate
        </label>
        <input
          id={inputId}
          inputMode="numeric"
          autoComplete="off"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          disabled={sent.phase === 'sending' || sent.phase === 'done'}
          data-testid="terminate-pid"
          className="rounded-md border border-zinc-300 px-3 py-2 font-mono text-sm focus-visible:outline-2 focus-visible:outline-blue-600"
        />
        {(sent.phase === 'done' || sent.phase === 'refused') && (
          <p role="status" data-testid="terminate-answer" className={`text-sm ${sent.phase === 'refused' ? 'text-red-800' : 'text-emerald-800'}`}>
            {sent.message}
          </p>
        )}
        <div className="flex flex-wrap gap-3">
          {sent.phase !== 'done' && (
            <button type="submit" disabled={!chosen || sent.phase === 'sending'} data-testid="confirm-terminate" className={`${buttonClass} bg-red-700 text-white hover:bg-red-600 disabled:bg-zinc-300`}>
              {sent.phase === 'sending' ? 'Terminating…' : chosen ? `Terminate pid ${chosen.pid}` : 'Terminate'}
            </button>
          )}
          <button type="button" onClick={close} data-testid="close-terminate" className={`${buttonClass} bg-white text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50`}>
            Close
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
