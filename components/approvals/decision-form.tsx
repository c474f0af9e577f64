'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';

/**
 * An admin's decision on someone else's pending request: approve, or reject saying why.
 * The server decides again (role, protection, not the requester, still pending and
 * unexpired); this only shows its answer and refreshes the page.
 */
export function DecisionForm({ id, env, canApprove, canReject }: { id: number; env: string; canApprove: boolean; canReject: boolean }) {
  const router = useRouter();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startTransition] = useTransition();
  const box = useRef<HTMLTextAreaElement>(null);
  const ids = useId();

  const decide = async (approve: boolean) => {
    const text = comment.trim();
    if (!approve && !text) {
      setError('Say why: a rejection needs a comment for the requester.');
      box.current?.focus();
      return;
    }
    setBusy(approve ? 'approve' : 'reject');
    setError(null);
    try {
      const response = await fetch(`/api/requests/${id}/decision`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ approve, comment: text }),
      });
      const body = (await response.json().catch(() => null)) as { message?: string } | null;
      if (!response.ok) {
        setError(body?.message ?? `The server answered ${response.status}.`);
        return;
      }
      startTransition(() => router.refresh());
    } catch (e) {
      setError(`The connection to the server was lost (${(e as Error).message}). Reload the page to see whether the decision was recorded.`);
    } finally {
      setBusy(null);
    }
  };

  const disabled = busy !== null || refreshing;
  return (
    <form
      aria-label={`Decide request #${id} on ${env}`}
      className="flex flex-col gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        if (canApprove) void decide(true);
      }}
    >
      <label htmlFor={`${ids}-comment`} className="text-sm font-medium text-zinc-800">
        Comment <span className="font-normal text-zinc-500">(required to reject)</span>
      </label>
      <textarea
        id={`${ids}-comment`}
        ref={box}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        rows={2}
        maxLength={1000}
        aria-describedby={error ? `${ids}-error` : undefined}
        aria-invalid={error ? true : undefined}
        data-testid="decision-comment"
        className="w-full max-w-2xl rounded-md border border-zinc-300 px-3 py-2 text-sm"
      />
      {error && (
        <p id={`${ids}-error`} role="alert" className="text-sm font-medium text-red-800">
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-3">
        {canApprove && (
          <button
            type="submit"
            disabled={disabled}
            data-testid="approve-request"
            className="rounded-md bg-emerald-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-emerald-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
          >
            {busy === 'approve' ? 'Approving…' : `Approve for ${env}`}
          </button>
        )}
        {canReject && (
          <button
            type="button"
            disabled={disabled}
            onClick={() => void decide(false)}
            data-testid="reject-request"
            className="rounded-md bg-white px-4 py-2 text-sm font-semibold text-red-700 shadow-sm ring-1 ring-red-300 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:text-zinc-400 disabled:ring-zinc-200"
          >
            {busy === 'reject' ? 'Rejecting…' : 'Reject'}
          </button>
        )}
      </div>
    </form>
  );
}
