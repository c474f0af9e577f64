'use client';

import { useQueryClient } from '@tanstack/react-query';
import { DiffChanges } from '@/components/dry-run/diff-changes';
import { driftOriginText } from './drift-origin';
import { useDrift } from './use-drift';

/**
 * The environment page's drift section: every difference between the live schema and what
 * its applied change sets produce, or a clear "no drift", with when it was checked (the
 * server keeps a report for a few seconds, so many viewers cost one check).
 */
export function DriftPanel({ env }: { env: string }) {
  const drift = useDrift(env);
  const client = useQueryClient();
  return (
    <section id="drift" aria-labelledby="drift-heading" className="flex flex-col gap-3" data-testid="drift-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="drift-heading" className="text-lg font-semibold text-zinc-900">
          Drift
        </h2>
        <button
          type="button"
          onClick={() => void client.invalidateQueries({ queryKey: ['drift', env] })}
          disabled={drift.isFetching}
          className="rounded-md px-3 py-1.5 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50 disabled:opacity-50"
        >
          {drift.isFetching ? 'Checking…' : 'Check again'}
        </button>
      </div>
      {drift.isPending && (
        <div role="status" className="flex flex-col gap-2 text-sm text-zinc-600">
          Comparing the live schema with what its applied change sets produce (the first check of an applied set replays it on a shadow database)…
          <div className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200">
            <div className="h-full w-1/3 animate-pulse rounded-full bg-blue-600" />
          </div>
        </div>
      )}
      {drift.isError && (
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          {drift.error.message}
        </p>
      )}
      {drift.data && drift.data.drifted && (
        <div data-testid="drift-found" className="flex flex-col gap-2">
          <p className="text-sm font-medium text-red-800">
            The live schema differs from what its {drift.data.applied.length} applied change sets produce — {drift.data.diff.changes.length} difference
            {drift.data.diff.changes.length === 1 ? '' : 's'} made outside migrations:
          </p>
          <DiffChanges changes={drift.data.diff.changes} />
        </div>
      )}
      {drift.data && !drift.data.drifted && (
        <p data-testid="drift-clean" className="text-sm text-emerald-800">
          No drift: the live schema is exactly what its {drift.data.applied.length} applied change sets produce.
        </p>
      )}
      {drift.data && (
        <p data-testid="drift-origin" className="text-xs text-zinc-500">
          {driftOriginText(drift.data)}
        </p>
      )}
    </section>
  );
}
