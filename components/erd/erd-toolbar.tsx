'use client';

import type { ReactNode } from 'react';

export interface FocusState {
  tableId: string;
  hops: 1 | 2 | 3;
}

/**
 * The row of controls above the diagram. Pieces (search, schema filter, export) come in as
 * children so this file only lays them out and owns the small toggles.
 */
export function ErdToolbar({ children, end }: { children: ReactNode; end?: ReactNode }) {
  return (
    <div role="group" aria-label="Diagram controls" className="flex flex-wrap items-center gap-2 border-b border-zinc-200 bg-white px-4 py-2 sm:px-6">
      {children}
      <div className="ml-auto flex items-center gap-2">{end}</div>
    </div>
  );
}

/** Focus mode: the selected table and its neighbours within N foreign-key hops. */
export function FocusControl({
  focus,
  selectedLabel,
  onFocus,
}: {
  focus: FocusState | null;
  selectedLabel: string | null;
  onFocus: (hops: 1 | 2 | 3 | null) => void;
}) {
  const disabled = !focus && !selectedLabel;
  return (
    <div role="group" aria-label="Focus mode" className="flex items-center gap-1" title={disabled ? 'Select a table first' : undefined}>
      <span className={`text-sm ${disabled ? 'text-zinc-400' : 'text-zinc-700'}`}>Focus</span>
      <div className="flex overflow-hidden rounded-md border border-zinc-300">
        {([null, 1, 2, 3] as const).map((hops) => {
          const pressed = hops === null ? !focus : focus?.hops === hops;
          return (
            <button
              key={hops ?? 'off'}
              type="button"
              aria-pressed={pressed}
              disabled={disabled && hops !== null}
              onClick={() => onFocus(hops)}
              aria-label={hops === null ? 'Focus off' : `Focus: ${hops} ${hops === 1 ? 'hop' : 'hops'}`}
              className={`h-8 px-2.5 text-sm tabular-nums disabled:cursor-not-allowed disabled:text-zinc-300 ${pressed ? 'bg-zinc-900 text-white' : 'bg-white text-zinc-700 hover:bg-zinc-50'} border-l border-zinc-300 first:border-l-0`}
            >
              {hops === null ? 'Off' : `${hops} hop${hops > 1 ? 's' : ''}`}
            </button>
          );
        })}
      </div>
    </div>
  );
}

export function ToggleButton({ pressed, onChange, children, title }: { pressed: boolean; onChange: (v: boolean) => void; children: ReactNode; title?: string }) {
  return (
    <button
      type="button"
      aria-pressed={pressed}
      title={title}
      onClick={() => onChange(!pressed)}
      className={`inline-flex h-9 items-center gap-2 rounded-md border px-3 text-sm font-medium ${pressed ? 'border-zinc-900 bg-zinc-900 text-white' : 'border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-50'}`}
    >
      <span aria-hidden="true" className={`size-3 rounded-sm border ${pressed ? 'border-white bg-white' : 'border-zinc-400'}`} />
      {children}
    </button>
  );
}

export function ToolButton({ onClick, children, title, disabled }: { onClick: () => void; children: ReactNode; title?: string; disabled?: boolean }) {
  return (
    <button
      type="button"
      title={title}
      disabled={disabled}
      onClick={onClick}
      className="inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium text-zinc-800 hover:bg-zinc-50 disabled:text-zinc-400"
    >
      {children}
    </button>
  );
}
