import type { CellState } from '@/lib/console/pipeline';
import type { BadgeTone } from '@/components/ui/badge';

/** How each change set state looks wherever the console shows one. */
export const CELL_STATE: Record<CellState, { label: string; tone: BadgeTone; symbol: string }> = {
  applied: { label: 'applied', tone: 'green', symbol: '✓' },
  pending: { label: 'pending', tone: 'neutral', symbol: '·' },
  rolled_back: { label: 'rolled back', tone: 'violet', symbol: '↶' },
  failed: { label: 'failed', tone: 'red', symbol: '✗' },
  // A no-transaction run with no outcome: running now, or stopped half-way; blocks like a failure.
  interrupted: { label: 'interrupted', tone: 'red', symbol: '↯' },
  checksum_mismatch: { label: 'edited after apply', tone: 'red', symbol: '≠' },
  out_of_order: { label: 'out of order', tone: 'amber', symbol: '⇅' },
  // An optional change set not run here on purpose: not blocking, later ones apply past it.
  skipped: { label: 'skipped', tone: 'neutral', symbol: '⤼' },
};
