import { z } from 'zod';

/**
 * What a protected fleet's rollout request carries (console.change_requests.payload, kind
 * `rollout`): the rollout's options as filed, and the fleet's target names at filing — the
 * approval covers exactly those targets (rollout-requests.ts compares them at execution).
 * Kept apart from rollout-requests.ts so the approvals page can describe a request without
 * importing the engine.
 */
export const rolloutPayload = z
  .object({
    waves: z.string().min(1).max(200),
    concurrency: z.number().int().min(1).max(64),
    maxFailures: z.number().int().min(0),
    to: z.string().max(200).nullable(),
    targets: z.array(z.string().min(1)).min(1),
  })
  .strict();

export type RolloutPayload = z.infer<typeof rolloutPayload>;

/** "Roll out to 50 targets up to the head, waves 1,10%,100%, 4 at a time, 0 failures allowed". */
export function describeRolloutPayload(payload: unknown): string {
  const parsed = rolloutPayload.safeParse(payload);
  if (!parsed.success) return 'rollout (unreadable payload)';
  const p = parsed.data;
  return (
    `Roll out to ${p.targets.length} target${p.targets.length === 1 ? '' : 's'} up to ${p.to ?? 'the head'}, ` +
    `waves ${p.waves}, ${p.concurrency} at a time, ${p.maxFailures} failure${p.maxFailures === 1 ? '' : 's'} allowed`
  );
}
