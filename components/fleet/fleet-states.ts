import type { TargetState } from '@/lib/fleet/types';
import type { BadgeTone } from '@/components/ui/badge';

/** How each target state looks on the fleet page and the home page's card; in the order of urgency (the server's sort). */
export const TARGET_STATE_LOOK: Record<TargetState, { label: string; tone: BadgeTone; bar: string; help: string }> = {
  failed: { label: 'Failed', tone: 'red', bar: 'bg-red-600', help: 'a change set failed, was interrupted or was edited after it was applied: it blocks the target until resolved' },
  'out-of-order': { label: 'Out of order', tone: 'amber', bar: 'bg-amber-500', help: 'a change set sits before change sets already applied (merged late)' },
  drifted: { label: 'Drifted', tone: 'violet', bar: 'bg-violet-600', help: 'the live schema differs from the one its applied change sets produce' },
  pending: { label: 'Pending', tone: 'neutral', bar: 'bg-sky-500', help: 'behind the project: change sets to apply' },
  'at-head': { label: 'At head', tone: 'green', bar: 'bg-emerald-600', help: 'every change set applied, no drift' },
  unreachable: { label: 'Unreachable', tone: 'red', bar: 'bg-zinc-500', help: 'could not be read' },
};

export const TARGET_STATE_ORDER = Object.keys(TARGET_STATE_LOOK) as TargetState[];
