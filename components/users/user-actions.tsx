'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useId, useState, useTransition } from 'react';
import { ROLES, type Role, type User } from '@/lib/auth/types';
import { postJson } from './post-json';

/** One user's role change and disable buttons; the server refuses what would leave no enabled admin. */
export function UserActions({ username, role, disabled, isSelf }: { username: string; role: Role; disabled: boolean; isSelf: boolean }) {
  const router = useRouter();
  const [chosen, setChosen] = useState<Role>(role);
  const [busy, setBusy] = useState<'role' | 'disable' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, startTransition] = useTransition();
  const ids = useId();
  const url = `/api/users/${encodeURIComponent(username)}`;

  // The page refreshed with a role changed (here or elsewhere): show it.
  useEffect(() => setChosen(role), [role]);

  const send = async (kind: 'role' | 'disable', body: { role: Role } | { disabled: true }) => {
    setBusy(kind);
    setError(null);
    const answer = await postJson<User>(url, body);
    setBusy(null);
    if (!answer.ok) {
      setError(answer.message);
      return;
    }
    startTransition(() => router.refresh());
  };

  const working = busy !== null || refreshing;
  return (
    <div className="flex flex-col gap-1.5">
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={`${ids}-role`} className="sr-only">
          Role of {username}
        </label>
        <select
          id={`${ids}-role`}
          value={chosen}
          onChange={(e) => setChosen(e.target.value as Role)}
          data-testid="user-role"
          className="h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900"
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={working || chosen === role}
          onClick={() => void send('role', { role: chosen })}
          data-testid="change-role"
          aria-label={`Change role of ${username}`}
          className="h-8 rounded-md bg-zinc-900 px-3 text-sm font-semibold text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
        >
          {busy === 'role' ? 'Changing…' : 'Change role'}
        </button>
        {!disabled && (
          <button
            type="button"
            disabled={working}
            onClick={() => void send('disable', { disabled: true })}
            data-testid="disable-user"
            aria-label={`Disable ${username}${isSelf ? ' (your own account)' : ''}`}
            className="h-8 rounded-md bg-white px-3 text-sm font-semibold text-red-700 ring-1 ring-red-300 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:text-zinc-400 disabled:ring-zinc-200"
          >
            {busy === 'disable' ? 'Disabling…' : 'Disable'}
          </button>
        )}
      </div>
      {error && (
        <p role="alert" data-testid="user-error" className="max-w-sm text-xs font-medium text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
