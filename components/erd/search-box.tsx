'use client';

import { useDeferredValue, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { ErdGraph } from '@/lib/erd/graph';
import { searchGraph } from '@/lib/erd/search';

export interface SearchHit {
  tableId: string;
  column: string | null;
  label: string;
}

/**
 * Find a table or column and jump to it. `/` focuses the box from anywhere on the page,
 * arrow keys walk through the hits (the diagram follows), Enter picks (the first hit by
 * default), Escape clears.
 */
export function SearchBox({ graph, onPick, onClear }: { graph: ErdGraph; onPick: (hit: SearchHit) => void; onClear: () => void }) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  const deferred = useDeferredValue(query);
  const hits = useMemo(() => (deferred.trim() ? searchGraph(graph, deferred.trim(), 12) : []), [graph, deferred]);

  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      event.preventDefault();
      input.current?.focus();
      input.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const pick = (index: number, close: boolean) => {
    const hit = hits[index];
    if (!hit) return;
    setActive(index);
    onPick({ tableId: hit.tableId, column: hit.column, label: hit.label });
    if (close) {
      setOpen(false);
      setQuery(hit.label);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (hits.length === 0) return;
      event.preventDefault();
      setOpen(true);
      const next = (active + (event.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
      pick(next, false);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      pick(open ? active : 0, true);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      setQuery('');
      setOpen(false);
      setActive(0);
      onClear();
    }
  };

  const activeId = open && hits[active] ? `${listId}-${active}` : undefined;
  return (
    <div className="relative w-72">
      <label htmlFor={`${listId}-input`} className="sr-only">
        Search tables and columns
      </label>
      <input
        ref={input}
        id={`${listId}-input`}
        type="search"
        role="combobox"
        aria-expanded={open && hits.length > 0}
        aria-controls={listId}
        aria-activedescendant={activeId}
        aria-autocomplete="list"
        autoComplete="off"
        spellCheck={false}
        placeholder="Search tables and columns"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
          setOpen(true);
        }}
        onFocus={() => query && setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onKeyDown={onKeyDown}
        className="h-9 w-full rounded-md border border-zinc-300 bg-white pr-8 pl-3 text-sm text-zinc-900 placeholder:text-zinc-500 focus:border-blue-600 focus:outline-none"
      />
      <kbd aria-hidden="true" hidden={query !== ''} className="pointer-events-none absolute top-1/2 right-2 -translate-y-1/2 rounded border border-zinc-300 bg-zinc-50 px-1.5 text-[11px] text-zinc-500">
        /
      </kbd>
      {open && query.trim() !== '' && (
        <ul id={listId} role="listbox" aria-label="Search results" className="absolute top-10 left-0 z-20 max-h-80 w-[28rem] overflow-auto rounded-md border border-zinc-200 bg-white py-1 shadow-lg">
          {hits.length === 0 && <li className="px-3 py-2 text-sm text-zinc-500">No table or column matches “{query.trim()}”.</li>}
          {hits.map((hit, i) => (
            <li
              key={`${hit.tableId}:${hit.column ?? ''}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(i, true)}
              className={`flex cursor-pointer items-center gap-2 px-3 py-1.5 text-sm ${i === active ? 'bg-blue-50 text-blue-900' : 'text-zinc-800 hover:bg-zinc-50'}`}
            >
              <span className={`w-12 shrink-0 text-[10px] font-semibold uppercase ${hit.column ? 'text-violet-700' : 'text-sky-700'}`}>{hit.column ? 'column' : 'table'}</span>
              <span className="truncate font-mono text-[13px]">{hit.label}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
