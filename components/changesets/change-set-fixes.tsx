'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import type { Protection } from '@/lib/config/environments';
import { WAY_OUT_LABEL, WAY_OUT_MEANING, type WayOut } from '@/lib/migrate/ways-out';
import type { FixMode } from '@/components/operations/capabilities';
import { useOperationStarters, type FixAnswer, type FixRequestAnswer } from '@/components/operations/operation-starters';
import { TypedNameConfirm } from '@/components/ui/typed-name-confirm';


/**
 * The ways out of one change set's state (retry, mark applied, mark rolled back, accept the
 * changed file; skip, un-skip), each a button that opens a short form: a reason, always, and
 * the environment's name typed back for a direct fix. On a protected environment the form
 * files a request for another admin to approve instead.
 */
export function ChangeSetFixes({ env, protection, tag, ways }: { env: string; protection: Protection; tag: string; ways: Array<{ way: WayOut; mode: FixMode }> }) {
  const [open, setOpen] = useState<WayOut | null>(null);
  // Kept here, not in the form: the refresh after a fix changes this change set's ways out
  // (skipped offers un-skip, not skip), which takes the form away, and the outcome must stay.
  const [done, setDone] = useState<{ way: WayOut; answer: FixDoneAnswer } | null>(null);
  const openers = useRef(new Map<WayOut, HTMLButtonElement | null>());
  if (ways.length === 0 && !done) return null;
  const chosen = ways.find((w) => w.way === open) ?? null;
  return (
    <div className="flex flex-col gap-2" data-testid="fixes" data-tag={tag}>
      {ways.length > 0 && (
        <div className="flex flex-wrap gap-2" role="group" aria-label={`Ways out for ${tag}`}>
          {ways.map(({ way, mode }) => (
            <button
              key={way}
              ref={(el) => void openers.current.set(way, el)}
              type="button"
              data-testid={`fix-${way}`}
              aria-expanded={open === way}
              onClick={() => {
                setDone(null);
                setOpen(open === way ? null : way);
              }}
              className={`rounded-md px-3 py-1.5 text-sm font-medium shadow-sm ring-1 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 ${
                open === way ? 'bg-zinc-900 text-white ring-zinc-900' : 'bg-white text-zinc-900 ring-zinc-300 hover:bg-zinc-50'
              }`}
            >
              {mode === 'request' ? `Request: ${WAY_OUT_LABEL[way]}` : WAY_OUT_LABEL[way]}
            </button>
          ))}
        </div>
      )}
      {chosen && (
        <FixForm
          key={chosen.way}
          env={env}
          protection={protection}
          tag={tag}
          way={chosen.way}
          mode={chosen.mode}
          onCancel={() => {
            setOpen(null);
            openers.current.get(chosen.way)?.focus();
          }}
          onDone={(answer) => {
            setOpen(null);
            setDone({ way: chosen.way, answer });
          }}
        />
      )}
      {done && <FixDone way={done.way} answer={done.answer} />}
    </div>
  );
}

type FixDoneAnswer = Extract<FixAnswer | FixRequestAnswer, { ok: true }>;

function FixDone({ way, answer }: { way: WayOut; answer: FixDoneAnswer }) {
  return (
    <p role="status" data-testid="fix-done" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-950">
      {'request' in answer ? (
        <>
          Request #{answer.request.id} filed: another admin approves it on{' '}
          <Link href="/approvals" className="font-medium text-blue-700 underline">
            Approvals
          </Link>
          , then an operator executes it.
        </>
      ) : (
        <>
          {WAY_OUT_LABEL[way]}: done. <span className="font-mono">{answer.result.fixed.tag}</span> is now {answer.result.fixed.state.replaceAll('_', ' ')}.
        </>
      )}
    </p>
  );
}

function FixForm({
  env,
  protection,
  tag,
  way,
  mode,
  onCancel,
  onDone,
}: {
  env: string;
  protection: Protection;
  tag: string;
  way: WayOut;
  mode: FixMode;
  onCancel: () => void;
  onDone: (answer: FixDoneAnswer) => void;
}) {
  const starters = useOperationStarters();
  const router = useRouter();
  const ids = useId();
  const [reason, setReason] = useState('');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<Extract<FixAnswer | FixRequestAnswer, { ok: false }> | null>(null);
  const [, startTransition] = useTransition();
  const needsName = mode === 'direct' && protection !== 'open';
  const ready = reason.trim() !== '' && (!needsName || typed === env) && !busy;

  const submit = async () => {
    setBusy(true);
    try {
      let result: FixAnswer | FixRequestAnswer;
      if (mode === 'request') {
        const kind = way === 'skip' || way === 'unskip' ? way : 'resolve';
        result = await starters.requestFix(env, kind === 'resolve' ? { kind, tag, as: way, reason } : { kind, tag, reason });
      } else {
        const body = { reason, confirm: env };
        result =
          way === 'skip'
            ? await starters.skipChangeSet(env, tag, body)
            : way === 'unskip'
              ? await starters.unskipChangeSet(env, tag, body)
              : await starters.resolveChangeSet(env, tag, { ...body, as: way });
      }
      if (result.ok) {
        onDone(result);
        // The history and every state on the page moved.
        startTransition(() => router.refresh());
        return;
      }
      setFailure(result);
    } catch (error) {
      setFailure({ ok: false, status: 0, code: 'NETWORK', message: `The server could not be reached (${(error as Error).message}). Reload the page to see whether it was recorded.` });
    }
    setBusy(false);
  };

  return (
    <form
      aria-label={`${WAY_OUT_LABEL[way]} ${tag} on ${env}`}
      data-testid="fix-form"
      data-way={way}
      className="flex max-w-2xl flex-col gap-3 rounded-lg border-2 border-zinc-900 bg-zinc-50 px-4 py-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        if (ready) void submit();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <p className="text-zinc-800">
        <strong>{WAY_OUT_LABEL[way]}</strong> <span className="font-mono">{tag}</span> on <strong className="font-black">{env}</strong>: {WAY_OUT_MEANING[way]}.
        {mode === 'request' && ' On this protected environment it becomes a request that another admin approves.'}
      </p>
      <label htmlFor={`${ids}-reason`} className="font-medium text-zinc-800">
        Reason (kept in the history{mode === 'request' ? ' and shown to the approver' : ''})
      </label>
      <textarea
        id={`${ids}-reason`}
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
        rows={2}
        maxLength={1000}
        autoFocus
        data-testid="fix-reason"
        className="w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5"
      />
      {needsName && <TypedNameConfirm inputId={`${ids}-confirm`} name={env} typed={typed} onTyped={setTyped} testId="fix-confirm-name" textSm={false} />}
      {failure && (
        <p role="alert" data-testid="fix-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-900">
          {failure.message}
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        <button
          type="submit"
          disabled={!ready}
          data-testid="fix-submit"
          className="rounded-md bg-zinc-900 px-4 py-2 font-semibold text-white shadow-sm hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
        >
          {busy ? 'Working…' : mode === 'request' ? 'Request approval' : `${WAY_OUT_LABEL[way]} on ${env}`}
        </button>
        <button type="button" onClick={onCancel} className="rounded-md px-4 py-2 font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-white">
          Cancel
        </button>
      </div>
    </form>
  );
}
