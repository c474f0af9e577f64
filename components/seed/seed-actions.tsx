'use client';

import { useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import type { SeedResult, TableSeedPlan } from '@/lib/seed/types';
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

/**
 * The one seed flow: confirm, start the recorded operation, follow its table-by-table
 * progress to the summary. With `table`, it seeds that table and the parents its foreign
 * keys need, and a reset first lists (from the live preview) every table its TRUNCATE …
 * CASCADE also empties, and sends that list with the confirmation.
 */
export function SeedDialog({ env, protection, reset, table, onClose }: { env: string; protection: Protection; reset: boolean; table?: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const starters = useOperationStarters();
  const seed = useOperation<SeedResult>();
  const preview = useTableSeedPreview(env, table);
  const titleId = useId();
  useEffect(() => dialog.current?.showModal(), []);
  const ready = table === undefined || preview.data !== undefined;
  const start = () =>
    seed.start(() =>
      starters.startSeed(env, table === undefined ? { reset, confirm: env } : { reset, confirm: env, table, ...(reset ? { alsoEmpties: preview.data!.alsoEmpties } : {}) }),
    );
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
        <TargetBanner
          id={titleId}
          env={env}
          protection={protection}
          verb={reset ? 'Reset' : 'Seed'}
          label={
            table !== undefined
              ? reset
                ? `Empty ${table} (and every table that references it), then seed it and the parents it needs`
                : `Add the demo rows of ${table} and of the parents its foreign keys need (existing rows with the same ids are updated)`
              : reset
                ? 'Truncate every table of the project, restart identities, seed again'
                : 'Add the demo data (existing rows with the same ids are updated)'
          }
        />
        {table !== undefined && seed.state.phase === 'idle' && <TablePreview reset={reset} preview={preview} />}
        {seed.state.phase === 'idle' && (
          <div className="flex gap-3">
            <button
              type="button"
              data-testid="confirm-seed"
              disabled={!ready}
              onClick={() => void start()}
              className={`rounded-md px-4 py-2 text-sm font-semibold text-white disabled:cursor-not-allowed disabled:opacity-50 ${reset ? 'bg-red-700 hover:bg-red-600' : 'bg-emerald-700 hover:bg-emerald-600'}`}
            >
              {table === undefined
                ? reset
                  ? `Reset ${env}`
                  : `Seed ${env}`
                : reset
                  ? `Empty ${1 + (preview.data?.alsoEmpties.length ?? 0)} tables and reseed ${table}`
                  : `Seed ${table}`}
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

/** GET /api/environments/{env}/seed/preview?table=: what seeding the table writes and what resetting it empties, read live. */
function useTableSeedPreview(env: string, table: string | undefined): UseQueryResult<TableSeedPlan, Error> {
  return useQuery<TableSeedPlan, Error>({
    queryKey: ['seed-preview', env, table],
    enabled: table !== undefined,
    retry: false,
    // Always read afresh when the dialog opens: the list a reset confirms must be the current one.
    staleTime: 0,
    gcTime: 0,
    queryFn: async () => {
      const response = await fetch(`/api/environments/${encodeURIComponent(env)}/seed/preview?table=${encodeURIComponent(table!)}`, { cache: 'no-store' });
      const body = await response.json();
      if (!response.ok) throw new Error(body?.message ?? `The server answered ${response.status}`);
      return body as TableSeedPlan;
    },
  });
}

function TableList({ tables, testId }: { tables: string[]; testId: string }) {
  return (
    <ul data-testid={testId} className="flex flex-wrap gap-1.5">
      {tables.map((t) => (
        <li key={t} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">
          {t}
        </li>
      ))}
    </ul>
  );
}

/** What a one-table seed writes and, for a reset, everything it empties: read before anything is confirmed. */
function TablePreview({ reset, preview }: { reset: boolean; preview: UseQueryResult<TableSeedPlan, Error> }) {
  if (preview.isPending) {
    return (
      <p role="status" className="text-sm text-zinc-600">
        Reading the table’s foreign keys…
      </p>
    );
  }
  if (preview.isError) {
    return (
      <p role="alert" data-testid="seed-preview-error" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
        {preview.error.message}
      </p>
    );
  }
  const plan = preview.data;
  return (
    <div className="flex flex-col gap-3 text-sm" data-testid="seed-preview">
      {reset && (
        <div className={`flex flex-col gap-2 rounded-lg border px-4 py-3 ${plan.alsoEmpties.length ? 'border-red-200 bg-red-50 text-red-950' : 'border-zinc-200 bg-zinc-50 text-zinc-800'}`}>
          {plan.alsoEmpties.length ? (
            <>
              <p className="font-semibold">
                TRUNCATE … CASCADE also empties {plan.alsoEmpties.length} table{plan.alsoEmpties.length === 1 ? '' : 's'} that reference {plan.table}; they stay empty:
              </p>
              <TableList tables={plan.alsoEmpties} testId="seed-also-empties" />
            </>
          ) : (
            <p data-testid="seed-also-empties-none">No other table references {plan.table}: only it is emptied.</p>
          )}
        </div>
      )}
      <div className="flex flex-col gap-2">
        <p className="text-zinc-700">Then writes, in this order (the table and the parents its foreign keys need):</p>
        <TableList tables={plan.seeds} testId="seed-writes" />
        {plan.unseededParents.length > 0 && <p className="text-zinc-600">The seed set has no rows for {plan.unseededParents.join(', ')}: their rows must already be there.</p>}
      </div>
    </div>
  );
}
