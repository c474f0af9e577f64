'use client';

import type { SchemaChanges } from '@/lib/erd/changes';
import { plural } from './format';

/** Indeterminate bar + "Laying out N tables…": ELK runs in a worker, the page stays usable. */
export function LayoutProgress({ tables, overlay }: { tables: number; overlay: boolean }) {
  const text = `Laying out ${plural(tables, 'table')}…`;
  if (overlay) {
    return (
      <div className="absolute inset-0 z-10 flex items-center justify-center bg-zinc-50/80">
        <div role="status" aria-live="polite" data-testid="layout-progress" className="w-80 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm">
          <p className="mb-3 text-sm font-medium text-zinc-800">{text}</p>
          <Bar />
          <p className="mt-3 text-xs text-zinc-500">Large schemas take a few seconds; you can keep using the page.</p>
        </div>
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite" data-testid="layout-progress" className="absolute top-3 left-1/2 z-10 w-72 -translate-x-1/2 rounded-lg border border-zinc-200 bg-white px-3 py-2 shadow-sm">
      <p className="mb-1.5 text-xs font-medium text-zinc-700">{text}</p>
      <Bar />
    </div>
  );
}

function Bar() {
  return (
    <div role="progressbar" aria-label="Layout in progress" className="h-1.5 overflow-hidden rounded-full bg-blue-100">
      <div className="erd-progress-bar h-full w-2/5 rounded-full bg-blue-600" />
    </div>
  );
}

/** What changed since the user last marked the schema as seen, with jumps to each table. */
export function ChangesBar({
  changes,
  shown,
  seenAt,
  onJump,
  onMarkSeen,
}: {
  changes: SchemaChanges;
  shown: ReadonlySet<string>;
  seenAt: string | null;
  onJump: (tableId: string) => void;
  onMarkSeen: () => void;
}) {
  const added = changes.addedTables.filter((id) => shown.has(id));
  const changed = Object.keys(changes.changedTables).filter((id) => shown.has(id));
  const removed = changes.removedTables;
  if (added.length + changed.length + removed.length === 0) return null;
  const since = seenAt ? new Date(seenAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : null;
  const chips = [...added.map((id) => ({ id, mark: 'new' as const })), ...changed.map((id) => ({ id, mark: 'changed' as const }))];
  return (
    <section aria-label="Changes since you last looked" data-testid="changes-bar" className="flex flex-wrap items-center gap-2 border-b border-emerald-200 bg-emerald-50 px-4 py-2 text-sm sm:px-6">
      <span className="font-medium text-emerald-900">
        Since you last looked{since ? ` (${since})` : ''}:{' '}
        {[added.length && plural(added.length, 'new table'), changed.length && plural(changed.length, 'changed table'), removed.length && plural(removed.length, 'removed table')]
          .filter(Boolean)
          .join(' · ')}
      </span>
      {chips.slice(0, 8).map(({ id, mark }) => (
        <button
          key={id}
          type="button"
          onClick={() => onJump(id)}
          className={`rounded-full border px-2 py-0.5 font-mono text-xs hover:underline ${mark === 'new' ? 'border-emerald-300 bg-white text-emerald-800' : 'border-amber-300 bg-white text-amber-800'}`}
        >
          {id} <span className="font-sans font-semibold">{mark}</span>
        </button>
      ))}
      {chips.length > 8 && <span className="text-xs text-emerald-800">+{chips.length - 8} more</span>}
      {removed.length > 0 && (
        <span className="text-xs text-zinc-600" title={removed.join(', ')}>
          removed: <span className="font-mono">{removed.slice(0, 3).join(', ')}{removed.length > 3 ? ', …' : ''}</span>
        </span>
      )}
      <button type="button" onClick={onMarkSeen} className="ml-auto rounded-md border border-emerald-300 bg-white px-2.5 py-1 text-xs font-medium text-emerald-900 hover:bg-emerald-100">
        Mark as seen
      </button>
    </section>
  );
}

/** "Live" dot and the time of the last successful read; amber when the last read failed. */
export function LiveStatus({ updatedAt, problem }: { updatedAt: number; problem: string | null }) {
  const time = updatedAt ? new Date(updatedAt).toLocaleTimeString('en-GB') : '—';
  if (problem) {
    return (
      <p role="status" className="flex items-center gap-2 text-xs font-medium text-amber-800" title={problem}>
        <span aria-hidden="true" className="size-2 rounded-full bg-amber-500" />
        Connection lost — showing the schema read at {time}; retrying
      </p>
    );
  }
  return (
    <p className="flex items-center gap-2 text-xs text-zinc-600" title="Refreshed every 10 seconds and when you come back to this tab">
      <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-emerald-500 motion-reduce:animate-none" />
      Live · checked {time}
    </p>
  );
}
