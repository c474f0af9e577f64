'use client';

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button that opens a small panel below it (schema filter, export menu). Escape or a click
 * elsewhere closes it and gives focus back to the button.
 */
export function Popover({ label, summary, children, align = 'left', testId }: { label: string; summary?: ReactNode; children: (close: () => void) => ReactNode; align?: 'left' | 'right'; testId?: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey, true);
    };
  }, [open]);

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={id}
        data-testid={testId}
        onClick={() => setOpen((o) => !o)}
        className={`inline-flex h-9 items-center gap-1.5 rounded-md border px-3 text-sm font-medium ${open ? 'border-blue-600 bg-blue-50 text-blue-900' : 'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50'}`}
      >
        {label}
        {summary && <span className="text-zinc-500">{summary}</span>}
        <svg aria-hidden="true" viewBox="0 0 16 16" className="size-3.5 text-zinc-500" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="m4 6 4 4 4-4" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
      </button>
      {open && (
        <div id={id} className={`absolute top-10 z-30 min-w-56 rounded-md border border-zinc-200 bg-white p-2 shadow-lg ${align === 'right' ? 'right-0' : 'left-0'}`}>
          {children(() => setOpen(false))}
        </div>
      )}
    </div>
  );
}
