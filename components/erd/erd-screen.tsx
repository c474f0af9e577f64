'use client';

import '@xyflow/react/dist/style.css';
import './erd.css';
import { ReactFlowProvider } from '@xyflow/react';
import Link from 'next/link';
import { fleetTargetSchemaUrl, useSchemaQuery } from './use-schema-query';
import { ErdWorkspace } from './erd-workspace';
import type { SeedAvailability } from '@/components/seed/seed-availability';
import type { ClassificationMap } from '@/lib/erd/classification-map';

/**
 * Where the diagram's schema comes from when it is not a configured environment: one target
 * of a fleet, read-only (no named views, exports, table pages or seeding — those belong to
 * environments). `env` is then `fleet/target`, as the target's history names it.
 */
export type ErdSource = { kind: 'fleet-target'; fleet: string; target: string };

/**
 * The live ERD of one environment (or fleet target): loading, failure and the diagram itself.
 * The schema comes from the schema route through TanStack Query (polled every 10 s);
 * everything else happens in the browser.
 */
export function ErdScreen({ env, classifications, seed, source }: { env: string; classifications?: ClassificationMap; seed?: SeedAvailability; source?: ErdSource }) {
  const query = useSchemaQuery(env, source ? fleetTargetSchemaUrl(source.fleet, source.target) : undefined);
  const back = source ? { href: `/fleets/${encodeURIComponent(source.fleet)}`, label: `Back to fleet ${source.fleet}` } : { href: '/', label: 'Back to environments' };

  if (query.isPending) {
    return (
      <div role="status" aria-live="polite" className="flex flex-1 items-center justify-center text-sm text-zinc-600">
        Reading the schema of {env}…
      </div>
    );
  }
  if (!query.data) {
    const error = query.error;
    const unknown = error?.status === 404;
    return (
      <div className="flex flex-1 items-start justify-center px-4 py-16">
        <div role="alert" data-testid="erd-error" className="max-w-lg rounded-xl border border-red-200 bg-red-50 p-6">
          <h2 className="text-lg font-semibold text-red-900">{unknown ? `There is no ${source ? 'fleet target' : 'environment'} called “${env}”` : `Cannot show the schema of ${env}`}</h2>
          <p className="mt-2 text-sm text-red-900">{error?.message ?? 'The schema could not be loaded.'}</p>
          <div className="mt-4 flex gap-3">
            {!unknown && (
              <button type="button" onClick={() => void query.refetch()} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700">
                Try again
              </button>
            )}
            <Link href={back.href} className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 hover:bg-zinc-50">
              {back.label}
            </Link>
          </div>
          {!unknown && <p className="mt-3 text-xs text-red-800">Strata keeps trying every 10 seconds.</p>}
        </div>
      </div>
    );
  }
  return (
    <ReactFlowProvider>
      <ErdWorkspace env={env} environmentTools={!source} classifications={classifications} seed={seed} model={query.data} updatedAt={query.dataUpdatedAt} problem={query.isError ? (query.error?.message ?? 'The last refresh failed.') : null} />
    </ReactFlowProvider>
  );
}
