'use client';

import Link from 'next/link';
import { useEffect, useId, useRef } from 'react';
import type { SchemaModel } from '@/lib/introspect/schema-model';
import { tableHref } from './format';
import { schemaColor } from './schema-colors';
import { TableDetails } from './table-details';
import { TableSeedActions } from '@/components/seed/table-seed-actions';
import type { SeedAvailability } from '@/components/seed/seed-availability';
import type { ClassificationLookup } from '@/lib/erd/model-helpers';

/**
 * The selected table, in full: what the node cannot show (defaults, identity, comments,
 * indexes, constraints, both directions of references, estimate and size, partitions).
 * Escape closes it; references jump to the other table.
 */
export function TablePanel({
  env,
  model,
  tableId,
  onClose,
  onJump,
  onFocus,
  classify,
  seed,
  tablePage = true,
}: {
  classify?: ClassificationLookup;
  /** Whether the environment has table pages to link to (a fleet target's diagram has none). */
  tablePage?: boolean;
  /** Whether this person may seed here; absent: no Seed buttons. */
  seed?: SeedAvailability;
  env: string;
  model: SchemaModel;
  tableId: string;
  onClose: () => void;
  onJump: (tableId: string) => void;
  onFocus: (tableId: string) => void;
}) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const table = model.tables.find((t) => t.id === tableId);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // While a modal dialog opened from the panel (Seed) is open, Escape is that dialog's — wherever
      // focus is — and must not close the panel under it.
      const modalOpen = document.querySelector('dialog[open]') !== null;
      if (e.key === 'Escape' && !e.defaultPrevented && !modalOpen) {
        e.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, [tableId]);

  const color = schemaColor(table?.schema ?? tableId.split('.')[0] ?? '');
  return (
    <aside
      role="complementary"
      aria-labelledby={headingId}
      data-testid="table-panel"
      className="absolute top-0 right-0 z-20 flex h-full w-full max-w-[440px] flex-col border-l border-zinc-200 bg-white shadow-xl"
    >
      <header className="flex items-start gap-3 border-b border-zinc-200 px-5 py-4" style={{ borderTop: `4px solid ${color.header}` }}>
        <div className="min-w-0 flex-1">
          <p className="font-mono text-xs" style={{ color: color.ink }}>
            {table?.schema ?? ''}
          </p>
          <h2 id={headingId} ref={heading} tabIndex={-1} className="truncate font-mono text-xl font-semibold text-zinc-900 focus:outline-none">
            {table?.name ?? tableId}
          </h2>
          {table && (
            <div className="mt-2 flex flex-wrap gap-2 text-sm">
              <button type="button" onClick={() => onFocus(table.id)} className="rounded-md border border-zinc-300 px-2 py-1 font-medium text-zinc-800 hover:bg-zinc-50">
                Focus on this table
              </button>
              {tablePage && (
                <Link href={tableHref(env, table.id)} className="rounded-md border border-zinc-300 px-2 py-1 font-medium text-blue-700 hover:bg-zinc-50">
                  Open table page →
                </Link>
              )}
            </div>
          )}
          {table && seed && (
            <div className="mt-2">
              <TableSeedActions env={env} table={table.id} availability={seed} compact />
            </div>
          )}
        </div>
        <button type="button" onClick={onClose} aria-label="Close table details" title="Close (Esc)" className="rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900">
          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="2">
            <path d="M4 4l8 8M12 4l-8 8" strokeLinecap="round" />
          </svg>
        </button>
      </header>
      <div className="flex-1 overflow-y-auto px-5 py-4">
        {table ? (
          <TableDetails
            model={model}
            table={table}
            variant="panel"
            classify={classify}
            tableRef={(id) => (
              <button type="button" onClick={() => onJump(id)} className="font-mono text-[13px] text-blue-700 hover:underline">
                {id}
              </button>
            )}
          />
        ) : (
          <p className="text-sm text-zinc-600">This table no longer exists in {env}.</p>
        )}
      </div>
    </aside>
  );
}
