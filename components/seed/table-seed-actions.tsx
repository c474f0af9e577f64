'use client';

import { useId, useState } from 'react';
import { SeedDialog } from './seed-actions';
import { tableSeedRefusal, type SeedAvailability } from './seed-availability';

/**
 * Seed and Reset… for one table (the table page, the ERD's table panel): the same dialog,
 * operation and progress as the environment's Seed, for that table and the parents its
 * foreign keys need. Where the server would refuse (a guarded or protected environment, a
 * role that may not seed, a table without seed data) the buttons are disabled and say why.
 */
export function TableSeedActions({ env, table, availability, compact = false }: { env: string; table: string; availability: SeedAvailability; compact?: boolean }) {
  const [open, setOpen] = useState<null | 'seed' | 'reset'>(null);
  const reasonId = useId();
  const refusal = tableSeedRefusal(availability, table);
  const canSeed = refusal === null && availability.canSeed;
  const canReset = refusal === null && availability.canReset;
  const size = compact ? 'px-2 py-1' : 'px-3 py-1.5';
  return (
    <div className="flex flex-col gap-1.5" data-testid="table-seed-actions">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button
          type="button"
          onClick={() => setOpen('seed')}
          disabled={!canSeed}
          aria-describedby={refusal ? reasonId : undefined}
          data-testid="table-seed-button"
          className={`rounded-md bg-emerald-700 ${size} font-semibold text-white hover:bg-emerald-600 disabled:cursor-not-allowed disabled:bg-zinc-300 disabled:text-zinc-600`}
        >
          Seed this table
        </button>
        <button
          type="button"
          onClick={() => setOpen('reset')}
          disabled={!canReset}
          aria-describedby={refusal ? reasonId : undefined}
          data-testid="table-reset-button"
          className={`rounded-md ${size} font-semibold text-red-700 ring-1 ring-red-300 hover:bg-red-50 disabled:cursor-not-allowed disabled:text-zinc-500 disabled:ring-zinc-300 disabled:hover:bg-transparent`}
        >
          Reset…
        </button>
      </div>
      {refusal && (
        <p id={reasonId} data-testid="table-seed-unavailable" className="text-xs text-zinc-600">
          {refusal}
        </p>
      )}
      {open && <SeedDialog env={env} protection={availability.protection} table={table} reset={open === 'reset'} onClose={() => setOpen(null)} />}
    </div>
  );
}
