'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { VIEW_NAME_MAX, type Positions } from '@/lib/console/erd-view-input';
import { serializeViewState, type ErdViewState } from '@/lib/erd/view-state';
import { Popover } from './popover';
import { deleteNamedView, namedViewHref, namedViewKeys, saveNamedView, useNamedViews, type ListedView } from './use-named-views';

/**
 * The toolbar's "Views" menu: the environment's named views (name, author, date) as links
 * that anyone can share, "Save current view…" under a name, "Copy link", and Delete on the
 * views the signed-in person may delete. `state` and `positions` are what the diagram shows
 * now; the server stores the state in its canonical form and decides who may do what.
 */
export function NamedViews({ env, state, positions }: { env: string; state: ErdViewState; positions: Positions }) {
  return (
    <Popover label="Views" align="right" testId="named-views">
      {(close) => (
        <div className="flex w-80 flex-col" role="group" aria-label="Named views">
          <SaveForm env={env} state={state} positions={positions} />
          <p className="mt-1 border-t border-zinc-100 px-2 pt-2 pb-1 text-[11px] font-semibold tracking-wide text-zinc-500 uppercase">Saved views of {env}</p>
          <ViewList env={env} onOpen={close} />
        </div>
      )}
    </Popover>
  );
}

/** Rendered only while the menu is open, so the list is read when someone looks at it. */
function ViewList({ env, onOpen }: { env: string; onOpen: () => void }) {
  const views = useNamedViews(env);
  if (views.isPending)
    return (
      <p className="px-2 py-1 text-sm text-zinc-500" role="status">
        Loading views…
      </p>
    );
  if (views.isError)
    return (
      <p className="px-2 py-1 text-sm text-red-700" role="alert">
        {views.error.message}
      </p>
    );
  if (views.data.length === 0)
    return (
      <p className="px-2 py-1 text-sm text-zinc-500" data-testid="named-views-empty">
        No saved views yet.
      </p>
    );
  return (
    <ul className="flex max-h-80 flex-col overflow-y-auto" data-testid="named-views-list">
      {views.data.map((view) => (
        <ViewRow key={view.id} env={env} view={view} onOpen={onOpen} />
      ))}
    </ul>
  );
}

/** Whole pixels and finite numbers only: the layout travels in a request body of at most 64 KiB. */
function roundedPositions(positions: Positions): Positions {
  const out: Positions = {};
  for (const [id, p] of Object.entries(positions)) if (Number.isFinite(p.x) && Number.isFinite(p.y)) out[id] = { x: Math.round(p.x), y: Math.round(p.y) };
  return out;
}

function SaveForm({ env, state, positions }: { env: string; state: ErdViewState; positions: Positions }) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ id: number; name: string } | null>(null);

  if (!editing) {
    return (
      <div className="flex flex-col">
        <button type="button" data-testid="save-view" className="flex w-full items-center rounded px-2 py-1.5 text-left text-sm font-medium text-zinc-800 hover:bg-zinc-100" onClick={() => {
            setEditing(true);
            setSaved(null);
            setError(null);
          }}>
          Save current view…
        </button>
        {saved && (
          <p role="status" className="px-2 py-1 text-xs text-emerald-800" data-testid="view-saved">
            Saved “{saved.name}”. <a className="underline" href={namedViewHref(env, saved.id)}>Open its link</a>
          </p>
        )}
      </div>
    );
  }

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const view = await saveNamedView(env, { name: name.trim(), state: serializeViewState(state), positions: roundedPositions(positions) });
      setSaved({ id: view.id, name: view.name });
      setEditing(false);
      setName('');
      await queryClient.invalidateQueries({ queryKey: namedViewKeys.list(env) });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="flex flex-col gap-2 px-2 py-1"
      aria-label="Save current view"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) void save();
      }}
    >
      <label htmlFor={`${ids}-name`} className="text-sm font-medium text-zinc-800">
        Name of this view
      </label>
      <input
        id={`${ids}-name`}
        autoFocus
        required
        maxLength={VIEW_NAME_MAX}
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${ids}-error` : `${ids}-hint`}
        data-testid="view-name"
        className="h-8 rounded-md border border-zinc-300 px-2 text-sm"
      />
      {error ? (
        <p id={`${ids}-error`} role="alert" className="text-xs font-medium text-red-700" data-testid="view-save-error">
          {error}
        </p>
      ) : (
        <p id={`${ids}-hint`} className="text-xs text-zinc-500">
          Everyone who can read {env}’s schema sees it. The tables’ places are saved with it.
        </p>
      )}
      <div className="flex gap-2">
        <button type="submit" disabled={busy || !name.trim()} data-testid="view-save-submit" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:cursor-not-allowed disabled:bg-zinc-300">
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          onClick={() => {
            setEditing(false);
            setError(null);
          }} className="rounded-md px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100">
          Cancel
        </button>
      </div>
    </form>
  );
}

function ViewRow({ env, view, onOpen }: { env: string; view: ListedView; onOpen: () => void }) {
  const queryClient = useQueryClient();
  const [copied, setCopied] = useState<'copied' | 'failed' | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const href = namedViewHref(env, view.id);
  const when = new Date(view.updatedAt).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(new URL(href, window.location.origin).toString());
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await deleteNamedView(env, view.id);
      await queryClient.invalidateQueries({ queryKey: namedViewKeys.list(env) });
    } catch (e) {
      setError((e as Error).message);
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  const small = 'whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium hover:bg-zinc-100';
  return (
    <li className="flex flex-col gap-0.5 rounded px-2 py-1.5 hover:bg-zinc-50" data-testid="named-view" data-view-id={view.id}>
      <a href={href} onClick={onOpen} className="truncate text-sm font-medium text-blue-800 underline-offset-2 hover:underline" title={view.name}>
        {view.name}
      </a>
      <div className="flex items-center gap-1 text-xs text-zinc-500">
        <span className="mr-auto truncate">
          by {view.createdBy} · {when}
        </span>
        <button type="button" className={`${small} text-zinc-700`} onClick={() => void copy()} aria-label={`Copy link to ${view.name}`}>
          {copied === 'copied' ? 'Copied' : 'Copy link'}
        </button>
        {view.mayDelete && !confirming && (
          <button type="button" className={`${small} text-red-700`} onClick={() => setConfirming(true)} data-testid="view-delete" aria-label={`Delete ${view.name}`}>
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <div className="flex items-center gap-1 text-xs" role="group" aria-label={`Confirm deleting ${view.name}`}>
          <span className="mr-auto text-zinc-700">Delete it for everyone?</span>
          <button type="button" autoFocus disabled={busy} className={`${small} bg-red-700 text-white hover:bg-red-600`} onClick={() => void remove()} data-testid="view-delete-confirm" aria-label={`Delete ${view.name} for everyone`}>
            {busy ? 'Deleting…' : 'Delete'}
          </button>
          <button type="button" className={`${small} text-zinc-700`} onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      )}
      {copied && (
        <span role="status" className="sr-only">
          {copied === 'copied' ? `Link to ${view.name} copied` : 'The link could not be copied: select it below'}
        </span>
      )}
      {copied === 'failed' && (
        <input readOnly aria-label={`Link to ${view.name}`} value={new URL(href, window.location.origin).toString()} onFocus={(e) => e.currentTarget.select()} className="rounded border border-zinc-300 px-1 text-xs text-zinc-700" />
      )}
      {error && (
        <p role="alert" className="text-xs text-red-700">
          {error}
        </p>
      )}
    </li>
  );
}
