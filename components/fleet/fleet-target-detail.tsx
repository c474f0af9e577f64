'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { CELL_STATE } from '@/components/pipeline/cell-state';
import { formatAbsolute } from '@/components/environments/environment-display';
import { Badge } from '@/components/ui/badge';
import { TARGET_STATE_LOOK } from './fleet-states';
import { useFleetTarget } from './use-fleet';

/**
 * One target, read live when opened: what is not applied and why, drift against the
 * expected schema, its history, and a link to its live schema diagram (read-only, on a page
 * of its own). Escape closes it and gives the list its focus back.
 */
export function FleetTargetDetail({ fleet, target, onClose }: { fleet: string; target: string | null; onClose: () => void }) {
  const detail = useFleetTarget(fleet, target);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (target) heading.current?.focus();
  }, [target]);

  if (!target) {
    return (
      <aside aria-label="Target detail" className="rounded-xl border border-dashed border-zinc-300 p-5 text-sm text-zinc-600">
        Choose a target (click it, or move with the arrow keys and press Enter) to see its history, pending change sets and drift.
      </aside>
    );
  }

  function close() {
    onClose();
    document.querySelector<HTMLElement>('[data-testid="fleet-targets"]')?.focus();
  }

  const d = detail.data;
  return (
    <aside
      aria-labelledby="fleet-target-heading"
      data-testid="fleet-target-detail"
      onKeyDown={(e) => e.key === 'Escape' && close()}
      className="flex max-h-[min(75vh,48rem)] min-w-0 flex-col gap-4 overflow-auto rounded-xl border border-zinc-200 bg-white p-5 shadow-sm"
    >
      <header className="flex items-start justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <h2 id="fleet-target-heading" ref={heading} tabIndex={-1} className="truncate font-mono text-base font-semibold text-zinc-900 focus:outline-none">
            {target}
          </h2>
          {d && (
            <p className="flex flex-wrap items-center gap-2 text-xs text-zinc-600">
              <Badge tone={TARGET_STATE_LOOK[d.overview.state].tone}>{TARGET_STATE_LOOK[d.overview.state].label}</Badge>
              read <time dateTime={d.overview.checkedAt}>{formatAbsolute(d.overview.checkedAt)}</time> in {d.overview.checkMs} ms
            </p>
          )}
          <Link
            href={`/fleets/${encodeURIComponent(fleet)}/targets/${encodeURIComponent(target)}/erd`}
            data-testid="fleet-target-erd-link"
            className="self-start text-xs font-medium text-blue-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
          >
            Schema diagram of {target} →
          </Link>
        </div>
        <button
          type="button"
          onClick={close}
          className="rounded-md border border-zinc-300 px-2 py-1 text-xs font-medium text-zinc-700 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        >
          Close <span className="sr-only">the detail of {target}</span>
        </button>
      </header>

      {detail.isPending && (
        <p role="status" className="text-sm text-zinc-600">
          Reading {target}…
        </p>
      )}
      {detail.isError && (
        <p role="alert" className="text-sm text-red-700">
          {detail.error.message}
        </p>
      )}
      {d && (
        <>
          {d.overview.problem && <p className="rounded-md bg-red-50 px-3 py-2 text-sm break-words text-red-800">{d.overview.problem}</p>}
          <section aria-labelledby="detail-pending-heading">
            <h3 id="detail-pending-heading" className="mb-2 text-xs font-medium tracking-wide text-zinc-500 uppercase">
              Not applied
            </h3>
            {d.changeSets.filter((c) => c.state !== 'applied').length === 0 ? (
              <p className="text-sm text-zinc-700">{d.changeSets.length ? 'Every change set is applied.' : 'Nothing could be read.'}</p>
            ) : (
              <ul className="flex flex-col gap-1.5" data-testid="detail-pending">
                {d.changeSets
                  .filter((c) => c.state !== 'applied')
                  .map((c) => (
                    <li key={c.tag} className="text-sm">
                      <span className="font-mono text-zinc-900">{c.tag}</span>{' '}
                      <Badge tone={CELL_STATE[c.state as keyof typeof CELL_STATE]?.tone ?? 'neutral'}>{CELL_STATE[c.state as keyof typeof CELL_STATE]?.label ?? c.state}</Badge>
                      {c.reason && <p className="mt-0.5 text-xs break-words text-zinc-600">{c.reason}</p>}
                    </li>
                  ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="detail-drift-heading">
            <h3 id="detail-drift-heading" className="mb-2 text-xs font-medium tracking-wide text-zinc-500 uppercase">
              Drift
            </h3>
            {!d.drift ? (
              <p className="text-sm text-zinc-600">Not checked.</p>
            ) : d.drift.changes.length === 0 ? (
              <p className="text-sm text-zinc-700" data-testid="detail-drift">
                None: the live schema is the one its applied change sets produce ({d.drift.expected === 'cached' ? 'expected schema from the cache' : 'expected schema replayed now'}).
              </p>
            ) : (
              <ul className="flex flex-col gap-1 text-sm" data-testid="detail-drift">
                {d.drift.changes.map((c, i) => (
                  <li key={i}>
                    <span className="text-zinc-600">{c.action}</span> {c.kind.replace('_', ' ')} <span className="font-mono">{c.name}</span>
                  </li>
                ))}
                {d.drift.more > 0 && <li className="text-zinc-600">and {d.drift.more} more</li>}
              </ul>
            )}
          </section>
          <section aria-labelledby="detail-history-heading">
            <h3 id="detail-history-heading" className="mb-2 text-xs font-medium tracking-wide text-zinc-500 uppercase">
              History, newest first
            </h3>
            {d.history.length === 0 ? (
              <p className="text-sm text-zinc-600">No history.</p>
            ) : (
              <table className="w-full text-left text-xs" data-testid="detail-history">
                <thead className="text-zinc-500">
                  <tr>
                    <th className="py-1 pr-2 font-medium">Change set</th>
                    <th className="py-1 pr-2 font-medium">What</th>
                    <th className="py-1 pr-2 font-medium">By</th>
                    <th className="py-1 font-medium">When</th>
                  </tr>
                </thead>
                <tbody>
                  {d.history.map((h) => (
                    <tr key={h.id} className="border-t border-zinc-100 align-top">
                      <td className="py-1 pr-2 font-mono break-all text-zinc-900">{h.tag}</td>
                      <td className={`py-1 pr-2 ${h.status === 'failed' ? 'text-red-700' : 'text-zinc-700'}`} title={h.errorMessage ?? undefined}>
                        {h.operation}
                        {/* An apply that applied or a rollback that rolled back says so by its name alone. */}
                        {h.status !== 'applied' && h.status !== 'rolled_back' && ` (${h.status})`}
                      </td>
                      <td className="py-1 pr-2 text-zinc-700">{h.actor}</td>
                      <td className="py-1 whitespace-nowrap text-zinc-600">
                        <time dateTime={h.finishedAt}>{formatAbsolute(h.finishedAt)}</time>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </aside>
  );
}
