'use client';

import { useId, useState } from 'react';
import type { FoundPath } from '@/lib/erd/find-path';

/**
 * Find path: two tables by name (any table of the diagram, offered as you type), and the
 * shortest foreign-key path between them either way. While a path is shown the diagram holds
 * only its tables and the keys it walks, listed here in order; Clear goes back.
 */
export function FindPathControl({
  tables,
  ends,
  path,
  problem,
  onFind,
  onClear,
}: {
  tables: string[];
  /** The ends asked for (from a link, too): the inputs start with them. */
  ends: { from: string; to: string } | null;
  path: FoundPath | null;
  problem: string | null;
  onFind: (from: string, to: string) => void;
  onClear: () => void;
}) {
  const [from, setFrom] = useState(ends?.from ?? '');
  const [to, setTo] = useState(ends?.to ?? '');
  const listId = useId();
  return (
    <form
      role="search"
      aria-label="Find a path between two tables"
      data-testid="find-path"
      className="flex flex-wrap items-center gap-1 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        onFind(from.trim(), to.trim());
      }}
    >
      <datalist id={listId}>
        {tables.map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      <label className="sr-only" htmlFor={`${listId}-from`}>
        From table
      </label>
      <input id={`${listId}-from`} list={listId} value={from} onChange={(e) => setFrom(e.target.value)} placeholder="from table" data-testid="path-from" className="w-40 rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs" />
      <span aria-hidden="true">→</span>
      <label className="sr-only" htmlFor={`${listId}-to`}>
        To table
      </label>
      <input id={`${listId}-to`} list={listId} value={to} onChange={(e) => setTo(e.target.value)} placeholder="to table" data-testid="path-to" className="w-40 rounded-md border border-zinc-300 px-2 py-1 font-mono text-xs" />
      <button type="submit" disabled={!from.trim() || !to.trim()} className="rounded-md border border-zinc-300 px-2 py-1 font-medium text-zinc-800 hover:bg-zinc-50 disabled:text-zinc-400">
        Find path
      </button>
      {(path || problem) && (
        <button type="button" onClick={onClear} className="rounded-md px-2 py-1 text-zinc-600 hover:bg-zinc-100">
          Clear
        </button>
      )}
      {problem && (
        <span role="status" data-testid="path-problem" className="text-amber-800">
          {problem}
        </span>
      )}
      {path && (
        <span role="status" data-testid="path-summary" className="text-zinc-700">
          {path.steps.length === 0
            ? 'the same table'
            : path.steps.map((s, i) => (
                <span key={`${s.holder}.${s.foreignKey}`}>
                  {i === 0 && <span className="font-mono">{s.from}</span>} <span title={`${s.holder}.${s.foreignKey} (${s.columns.join(', ')})`}>{s.direction === 'forward' ? '→' : '←'}</span>{' '}
                  <span className="font-mono">{s.to}</span>
                </span>
              ))}
        </span>
      )}
    </form>
  );
}
