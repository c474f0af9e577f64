'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition } from 'react';
import { ROLES, type Role, type User } from '@/lib/auth/types';
import { postJson } from './post-json';

const USERNAME_HTML_PATTERN = '[a-z][a-z0-9._\\-]{1,39}';

/**
 * Adds a user with a generated password. The password is shown here once, from the
 * response, and kept only in this component's memory: Strata stores only its hash.
 */
export function AddUserForm() {
  const router = useRouter();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ user: User; password: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [, startTransition] = useTransition();
  const ids = useId();
  const result = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (created) result.current?.focus();
  }, [created]);

  const submit = async () => {
    setBusy(true);
    setError(null);
    setCreated(null);
    setCopied(false);
    const answer = await postJson<{ user: User; password: string }>('/api/users', {
      username: username.trim(),
      role,
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
    });
    setBusy(false);
    if (!answer.ok) {
      setError(answer.message);
      return;
    }
    setCreated(answer.value);
    setUsername('');
    setDisplayName('');
    setRole('viewer');
    startTransition(() => router.refresh());
  };

  const field = 'rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-normal text-zinc-900';
  return (
    <section aria-labelledby={`${ids}-heading`} className="flex flex-col gap-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
      <h2 id={`${ids}-heading`} className="text-lg font-semibold text-zinc-900">
        Add user
      </h2>
      <form
        data-testid="add-user-form"
        className="flex flex-wrap items-end gap-4"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
          User name
          <input
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            pattern={USERNAME_HTML_PATTERN}
            title="2–40 characters: a lower-case letter, then lower-case letters, digits, . _ or -"
            autoComplete="off"
            spellCheck={false}
            data-testid="new-user-username"
            className={`w-48 font-mono ${field}`}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
          Display name <span className="sr-only">(optional)</span>
          <input
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            maxLength={100}
            autoComplete="off"
            placeholder="optional"
            data-testid="new-user-display-name"
            className={`w-56 ${field}`}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-zinc-800">
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="new-user-role" className={`h-[34px] ${field}`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <button
          type="submit"
          disabled={busy}
          data-testid="add-user"
          className="rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
        >
          {busy ? 'Adding…' : 'Add user'}
        </button>
      </form>
      {error && (
        <p role="alert" data-testid="add-user-error" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          {error}
        </p>
      )}
      {created && (
        <div
          ref={result}
          tabIndex={-1}
          role="status"
          data-testid="new-user-created"
          className="flex flex-col gap-2 rounded-lg border-2 border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950 focus:outline-none"
        >
          <p className="font-semibold">
            Created {created.user.username} ({created.user.role}). Their password, shown only this once:
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code data-testid="new-password" className="rounded bg-white px-2 py-1 font-mono text-base break-all text-zinc-900 ring-1 ring-amber-300 select-all">
              {created.password}
            </code>
            <button
              type="button"
              onClick={() => {
                void navigator.clipboard?.writeText(created.password).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
              className="rounded-md bg-white px-3 py-1 text-sm font-medium text-zinc-800 ring-1 ring-zinc-300 hover:bg-zinc-50"
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
          <p>
            Pass it on securely (in person, or through a password manager or another channel meant for secrets), not in plain email or chat.
            Strata keeps only its hash and cannot show it again.
          </p>
          <div>
            <button
              type="button"
              onClick={() => setCreated(null)}
              className="rounded-md px-3 py-1 text-sm font-medium text-zinc-800 ring-1 ring-amber-400 hover:bg-amber-100"
            >
              I have passed it on — hide it
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
