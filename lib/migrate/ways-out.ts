import type { ChangeSetState } from './target-state';

/**
 * What a person can do about one change set in a given state, without running its SQL: the
 * ways out of a failed, interrupted or edited change set (`resolve`), and leaving an optional
 * one out or bringing it back (`skip`, `unskip`). The console offers exactly these, and a
 * request for anything else is refused when it is filed; the engine checks again under the
 * target's lock when it runs.
 */
/** How a failed, interrupted or edited change set is resolved (strata resolve --as …, or --accept-checksum). */
export const RESOLUTIONS = ['retry', 'applied', 'rolled-back', 'accept-checksum'] as const;

export type WayOut = 'retry' | 'applied' | 'rolled-back' | 'accept-checksum' | 'skip' | 'unskip';

export function waysOut(state: ChangeSetState, optional: boolean): WayOut[] {
  switch (state) {
    case 'failed':
    case 'interrupted':
      return ['retry', 'applied', 'rolled-back'];
    case 'checksum_mismatch':
      return ['accept-checksum'];
    case 'pending':
    case 'out_of_order':
      return optional ? ['skip'] : [];
    case 'skipped':
      return ['unskip'];
    default:
      return [];
  }
}

/** How each way out reads on a button and in a request. */
export const WAY_OUT_LABEL: Record<WayOut, string> = {
  retry: 'Retry',
  applied: 'Mark applied',
  'rolled-back': 'Mark rolled back',
  'accept-checksum': 'Accept the changed file',
  skip: 'Skip',
  unskip: 'Un-skip',
};

/** What each way out records, for the person choosing it. */
export const WAY_OUT_MEANING: Record<WayOut, string> = {
  retry: 'it failed and nothing of it is in place: make it pending so the next apply runs it again',
  applied: 'you completed it by hand: record it as applied',
  'rolled-back': 'it ran part-way and you undid its effects by hand: make it pending again',
  'accept-checksum': 'its file was edited after it was applied and the edit is harmless: record the new checksum',
  skip: 'leave this optional change set out here; later change sets apply past it',
  unskip: 'make it applicable again (out of order if later change sets were applied past it)',
};
