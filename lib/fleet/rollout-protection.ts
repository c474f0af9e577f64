/**
 * What the CLI and the console's doors share about starting a rollout, so both refuse and
 * default alike: the defaults of its options, and the refusal of a protected fleet's direct
 * start (its rollout runs only from an approved two-person request, rollout-requests.ts).
 */
export const DEFAULT_WAVES = '1,10%,100%';
export const DEFAULT_ROLLOUT_CONCURRENCY = 4;

export function protectedRolloutMessage(fleet: string): string {
  return (
    `Fleet "${fleet}" is protected: its rollout runs only from an approved two-person request; nothing was started. ` +
    `File one (Request rollout… on the fleet page, or strata rollout --env ${fleet} --reason WHY), have another admin approve it, then run it (strata rollout --env ${fleet} --request N)`
  );
}
