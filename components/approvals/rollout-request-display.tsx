/*
 * A rollout request on the approvals page, read on the server (no 'use client': the request
 * card renders there): where its dry run ran and why, and the rollout it started.
 */

/** The rollout part of a rollout request's dry run summary (lib/console/rollout-requests.ts), read defensively. */
export interface RolloutDryRunFacts {
  representative: string;
  why: string;
  pendingTargets: number | null;
  waves: number[];
  onTargetSkipped: string | null;
}

export function readRolloutFacts(dryRun: unknown): RolloutDryRunFacts | null {
  const rollout = (dryRun as { rollout?: Record<string, unknown> } | null)?.rollout;
  if (!rollout || typeof rollout.representative !== 'string' || typeof rollout.why !== 'string') return null;
  return {
    representative: rollout.representative,
    why: rollout.why,
    pendingTargets: typeof rollout.pendingTargets === 'number' ? rollout.pendingTargets : null,
    waves: Array.isArray(rollout.waves) ? rollout.waves.filter((w): w is number => typeof w === 'number') : [],
    onTargetSkipped: typeof rollout.onTargetSkipped === 'string' ? rollout.onTargetSkipped : null,
  };
}

/** Where the rollout's dry run ran, and why there: what the approver weighs beside the diff. */
export function RolloutFacts({ facts }: { facts: RolloutDryRunFacts }) {
  return (
    <div data-testid="request-representative" className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
      <p>
        <span className="font-semibold">Representative target:</span> <span className="font-mono">{facts.why}</span>
      </p>
      <p className="mt-1 text-sky-900">
        {facts.pendingTargets !== null && `${facts.pendingTargets} target${facts.pendingTargets === 1 ? '' : 's'} with change sets pending`}
        {facts.waves.length > 0 && ` · waves of ${facts.waves.join(' → ')} targets`}
        {facts.onTargetSkipped && ` · dry run on a shadow only (${facts.onTargetSkipped.split(':')[0]})`}
      </p>
    </div>
  );
}

/** The rollout an executed request started. */
export function startedRollout(result: unknown): { rollout: number; fleet: string } | null {
  const r = result as { rollout?: unknown; fleet?: unknown } | null;
  return r && typeof r.rollout === 'number' && typeof r.fleet === 'string' ? { rollout: r.rollout, fleet: r.fleet } : null;
}
