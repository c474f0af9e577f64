'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import type { SeedResult } from '@/lib/seed/types';
import { TargetBanner } from '@/components/operations/target-banner';
import { useOperationStarters } from '@/components/operations/operation-starters';
import { useOperation } from '@/components/operations/use-operation';
import { summarizeSeed } from './seed-progress';
import { ModalDialog } from '@/components/ui/modal-dialog';

/**
 * Seed and Reset on an environment that allows them (open ones). Reset truncates every
 * table of the project and seeds again; both stream table-by-table progress and end with
 * a summary. The server refuses them elsewhere, whoever asks.
 */
export function SeedActions({ env, protection, canSeed, canReset }: { env: string; protection: Protection; canSeed: boolean; canReset: boolean }) {
  const [open, setOpen] = useState<null | 'seed' | 'reset'>(null);
  if (!canSeed && !canReset) return null;
  return (
    <section aria-labelledby="seed-heading" className="flex flex-col gap-3 rounded-lg border border-zinc-200 bg-white p-5" data-testid="seed-actions">
      <h2 id="seed-heading" className="text-lg font-semibold text-zinc-900">
        Data
      </h2>
      <p className="text-sm text-zinc-600">Deterministic demo data for every schema: rerunning adds no duplicates.</p>
      <div className="flex flex-wrap gap-3">
        {canSeed && (
          <button type="button" onClick={() => setOpen('seed')} data-testid="seed-button" className="rounded-md bg-zinc-900 px-3 py-2 text-sm font-semibold text-white hover:bg-zinc-700">
            Seed {env}
          </button>
        )}
        {canReset && (
          <button type="button" onClick={() => setOpen('reset')} data-testid="reset-button" className="rounded-md px-3 py-2 text-sm font-semibold text-red-700 ring-1 ring-red-300 hover:bg-red-50">
            Reset {env}
          </button>
        )}
      </div>
      {open && <SeedDialog env={env} protection={protection} reset={open === 'reset'} onClose={() => setOpen(null)} />}
    </section>
  );
}

function SeedDialog({ env, protection, reset, onClose }: { env: string; protection: Protection; reset: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const starters = useOperationStarters();
  const seed = useOperation<SeedResult>();
  const titleId = useId();
  useEffect(() => dialog.current?.showModal(), []);
  const progress = summarizeSeed(seed.state.phase === 'idle' ? [] : seed.state.events);
  const close = () => {
    if (seed.state.phase === 'running') return;
    dialog.current?.close();
    if (seed.state.phase === 'done') {
      router.refresh();
      void queryClient.invalidateQueries();
    }
    onClose();
  };
  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={close} testId="seed-dialog" width="w-[min(720px,96vw)]">
      <div className="flex flex-col gap-4 p-6">
        <TargetBanner id={titleId} env={env} protection={protection} verb={reset ? 'Reset' : 'Seed'} label={reset ? 'Truncate every table of the project, restart identities, seed again' : 'Add the demo data (existing rows with the same ids are updated)'} />
        {seed.state.phase === 'idle' && (
          <div className="flex gap-3">
            <button
              type="button"
              data-testid="confirm-seed"
              onClick={() => void seed.start(() => starters.startSeed(env, { reset, confirm: env }))}
              className={`rounded-md px-4 py-2 text-sm font-semibold text-white ${reset ? 'bg-red-700 hover:bg-red-600' : 'bg-emerald-700 hover:bg-emerald-600'}`}
            >
              {reset ? `Reset ${env}` : `Seed ${env}`}
            </button>
            <button type="button" onClick={close} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
              Cancel
            </button>
          </div>
        )}
        {seed.state.phase !== 'idle' && (
          <div className="flex flex-col gap-3" data-testid="seed-progress">
            <p className="text-sm text-zinc-700" role="status">
              {seed.state.phase === 'running'
                ? (progress.phase ?? `Table ${progress.tables.length + 1}${progress.total ? ` of ${progress.total}` : ''}…`)
                : seed.state.phase === 'done'
                  ? `Done: ${seed.state.result.tables.reduce((n, t) => n + t.rows, 0).toLocaleString('en-US')} rows in ${seed.state.result.tables.length} tables, ${(seed.state.result.durationMs / 1000).toFixed(1)} s`
                  : 'Stopped'}
            </p>
            <div role="progressbar" aria-label="Seed progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={seed.state.phase === 'done' ? 100 : progress.percent} className="h-2 w-full overflow-hidden rounded-full bg-zinc-200">
              <div className={`h-full rounded-full ${seed.state.phase === 'failed' ? 'bg-red-600' : 'bg-emerald-600'}`} style={{ width: `${seed.state.phase === 'done' ? 100 : progress.percent}%` }} />
            </div>
            <ol className="max-h-64 overflow-y-auto rounded-lg border border-zinc-200 text-sm" aria-label="Tables written">
              {progress.tables.map((t) => (
                <li key={t.table} data-testid="seed-table" className="flex justify-between border-b border-zinc-100 px-3 py-1.5 last:border-b-0">
                  <span className="font-mono">{t.table}</span>
                  <span className="tabular-nums text-zinc-600">{t.rows.toLocaleString('en-US')} rows</span>
                </li>
              ))}
            </ol>
            {seed.state.phase === 'failed' && (
              <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
                {seed.state.message}
              </p>
            )}
            {seed.state.phase !== 'running' && (
              <button type="button" onClick={close} data-testid="close-seed" className="self-start rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
                Close
              </button>
            )}
          </div>
        )}
      </div>
    </ModalDialog>
  );
}
