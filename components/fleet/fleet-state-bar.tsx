import type { TargetState } from '@/lib/fleet/types';
import { TARGET_STATE_LOOK, TARGET_STATE_ORDER } from './fleet-states';

/**
 * The fleet's targets per state as one bar, segment widths from the server's counts (the
 * browser never counts targets itself); not-yet-read targets are the bar's grey rest.
 */
export function FleetStateBar({ counts, total, unchecked }: { counts: Record<TargetState, number>; total: number; unchecked: number }) {
  const label = TARGET_STATE_ORDER.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${TARGET_STATE_LOOK[s].label.toLowerCase()}`)
    .concat(unchecked > 0 ? [`${unchecked} not read yet`] : [])
    .join(', ');
  return (
    <div role="img" aria-label={`${total} targets: ${label || 'none read yet'}`} data-testid="fleet-state-bar" className="flex h-3 w-full overflow-hidden rounded-full bg-zinc-200">
      {total > 0 &&
        TARGET_STATE_ORDER.filter((s) => counts[s] > 0).map((s) => (
          <span key={s} title={`${counts[s]} ${TARGET_STATE_LOOK[s].label.toLowerCase()}`} className={`h-full ${TARGET_STATE_LOOK[s].bar}`} style={{ width: `${(100 * counts[s]) / total}%` }} />
        ))}
    </div>
  );
}
