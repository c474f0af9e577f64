import Link from 'next/link';
import type { FleetSummary } from '@/lib/fleet/fleet-summary';
import type { RefreshProgress } from '@/lib/fleet/fleet-overview';
import { Card } from '@/components/ui/card';
import { ProtectionBadge } from '@/components/environments/protection-badge';
import { PROTECTION_INFO } from '@/components/environments/environment-display';
import { FleetStateBar } from './fleet-state-bar';
import { TARGET_STATE_LOOK, TARGET_STATE_ORDER } from './fleet-states';

/** A fleet on the home page, beside the environments: its targets per state, counted by the server from its cache. */
export function FleetCard({ summary }: { summary: FleetSummary & { refreshing: RefreshProgress | null } }) {
  const name = summary.fleet.name;
  const headingId = `fleet-${name}-heading`;
  const attention = summary.counts.failed + summary.counts.unreachable > 0;
  return (
    <Card alert={attention} aria-labelledby={headingId} data-testid={`fleet-card-${name}`} className="h-full">
      <header className="flex items-start justify-between gap-3 px-5 pt-5">
        <h3 id={headingId} className="truncate text-2xl font-semibold tracking-tight text-zinc-900">
          {name}
        </h3>
        <ProtectionBadge protection={PROTECTION_INFO[summary.fleet.protection]} />
      </header>
      <p className="px-5 pt-1 text-sm font-medium text-zinc-700">
        Fleet of {summary.total} targets
        {summary.refreshing ? ` · reading ${summary.refreshing.done} of ${summary.refreshing.total}…` : summary.unchecked > 0 ? ` · ${summary.unchecked} not read yet` : ''}
      </p>
      <div className="flex flex-col gap-4 px-5 pt-4 pb-5">
        <FleetStateBar counts={summary.counts} total={summary.total} unchecked={summary.unchecked} />
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
          {TARGET_STATE_ORDER.map((s) => (
            <div key={s} className="flex items-center justify-between gap-2" data-testid={`fleet-count-${s}`}>
              <dt className="flex items-center gap-2 text-zinc-600">
                <span aria-hidden="true" className={`size-2 rounded-full ${TARGET_STATE_LOOK[s].bar}`} />
                {TARGET_STATE_LOOK[s].label}
              </dt>
              <dd className={`font-semibold tabular-nums ${summary.counts[s] > 0 && (s === 'failed' || s === 'unreachable') ? 'text-red-700' : 'text-zinc-900'}`}>{summary.counts[s]}</dd>
            </div>
          ))}
        </dl>
        <Link href={`/fleets/${encodeURIComponent(name)}`} className="text-sm font-medium text-blue-700 hover:underline">
          Targets × change sets →<span className="sr-only"> ({name})</span>
        </Link>
      </div>
    </Card>
  );
}
