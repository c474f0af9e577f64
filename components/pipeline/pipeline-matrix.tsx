import Link from 'next/link';
import type { PipelineOverview } from '@/lib/console/pipeline';
import { Badge } from '@/components/ui/badge';
import { OperationButton } from '@/components/operations/operation-dialog';
import { DriftBadge } from '@/components/drift/drift-badge';
import { CELL_STATE } from './cell-state';
import { operationKind, type Capabilities } from '@/components/operations/capabilities';

/**
 * Every change set against every environment, in pipeline order, with what promoting to
 * the next environment would apply. A diagram people read across: green where applied.
 */
export function PipelineMatrix({ overview, capabilities }: { overview: PipelineOverview; capabilities: Record<string, Capabilities> }) {
  const { rows, environments, promotions } = overview;
  return (
    <section aria-labelledby="pipeline-heading" className="flex flex-col gap-4" data-testid="pipeline-matrix">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="pipeline-heading" className="text-lg font-semibold text-zinc-900">
          Change sets across the pipeline
        </h2>
        <p className="text-sm text-zinc-600">{environments.map((e) => e.name).join(' → ')}</p>
      </div>
      {promotions.length > 0 && (
        <div className="flex flex-wrap gap-4 rounded-lg border border-zinc-200 bg-white p-4">
          {promotions.map((p) => {
            const target = environments.find((e) => e.name === p.to)!;
            const kind = operationKind(capabilities[p.to]!);
            const verb = kind === 'request' ? 'Request: ' : kind === 'dry-run' ? 'Dry-run: ' : '';
            return (
              <div key={p.to} className="flex flex-col gap-2" data-testid={`promotion-${p.to}`}>
                <p className="text-sm text-zinc-700">
                  <strong>{p.to}</strong> is {p.tags.length} change set{p.tags.length === 1 ? '' : 's'} behind <strong>{p.from}</strong>.
                </p>
                {kind && (
                  <OperationButton
                    env={p.to}
                    protection={target.protection}
                    kind={kind}
                    plan={{ direction: 'apply', to: p.upTo, expected: p.tags.length, label: `${verb}Promote ${p.from} → ${p.to}` }}
                  />
                )}
              </div>
            );
          })}
        </div>
      )}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
        <table className="min-w-full text-sm">
          <caption className="sr-only">State of each change set on each environment</caption>
          <thead className="bg-zinc-50 text-left text-xs font-semibold text-zinc-600 uppercase">
            <tr>
              <th scope="col" className="px-3 py-2">
                Change set
              </th>
              {environments.map((e) => (
                <th key={e.name} scope="col" className="px-3 py-2">
                  <Link href={`/environments/${e.name}`} className="text-blue-700 normal-case hover:underline">
                    {e.name}
                  </Link>
                  <div className="mt-1 font-normal normal-case">
                    {e.reachable ? <DriftBadge env={e.name} /> : <span className="text-red-700">unreachable</span>}
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {[...rows].reverse().map((row) => (
              <tr key={row.tag}>
                <th scope="row" className="px-3 py-1.5 text-left font-mono font-normal">
                  <Link href={`/environments/${environments[0]?.name ?? 'local'}/changesets/${row.version}`} className="text-zinc-900 hover:underline">
                    {row.tag}
                  </Link>
                </th>
                {environments.map((e) => {
                  const cell = e.cells[row.tag];
                  if (!cell) return <td key={e.name} className="px-3 py-1.5 text-zinc-400">—</td>;
                  const look = CELL_STATE[cell.state];
                  return (
                    <td key={e.name} className="px-3 py-1.5" data-testid={`cell-${e.name}-${row.version}`} data-state={cell.state} title={cell.reason ?? undefined}>
                      <Badge tone={look.tone}>
                        <span aria-hidden="true">{look.symbol}</span> {look.label}
                      </Badge>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
