/**
 * What the CLI and the console's doors share about starting a rollout, so both refuse and
 * default alike: the defaults of its options, and the refusal of a protected fleet (its
 * rollout would need an approved two-person request, which rollouts do not support yet).
 */
export const DEFAULT_WAVES = '1,10%,100%';
export const DEFAULT_ROLLOUT_CONCURRENCY = 4;

export function protectedRolloutMessage(fleet: string): string {
  return `Fleet "${fleet}" is protected: its rollout needs an approved two-person request, which rollouts do not support yet; nothing was started`;
}
