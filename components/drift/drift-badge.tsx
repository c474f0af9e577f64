'use client';

import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { useDrift } from './use-drift';

/** "no drift" / "N drifted" for the pipeline overview; the environment page lists them. */
export function DriftBadge({ env }: { env: string }) {
  const drift = useDrift(env);
  if (drift.isPending) {
    return (
      <span role="status" className="text-xs text-zinc-500" data-testid={`drift-${env}`} data-drift="checking">
        checking drift…
      </span>
    );
  }
  if (drift.isError) {
    return (
      <span className="text-xs text-amber-800" title={drift.error.message} data-testid={`drift-${env}`} data-drift="unknown">
        drift unknown
      </span>
    );
  }
  const n = drift.data.diff.changes.length;
  return (
    <Link href={`/environments/${env}#drift`} data-testid={`drift-${env}`} data-drift={n ? 'drifted' : 'clean'}>
      <Badge tone={n ? 'red' : 'green'}>{n ? `${n} drifted` : 'no drift'}</Badge>
    </Link>
  );
}
