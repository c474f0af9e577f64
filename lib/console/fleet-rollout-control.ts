import type { z } from 'zod';
import { consoleSql } from '../auth/console-db';
import type { Principal } from '../auth/types';
import { StrataError } from '../errors';
import type { CheckOptions } from '../fleet/fleet-overview';
import { planRollout } from '../fleet/rollout-run';
import { DEFAULT_ROLLOUT_CONCURRENCY, DEFAULT_WAVES, protectedRolloutMessage } from '../fleet/rollout-protection';
import { createRollout, pauseRollout, readRollout, resumeRollout, retryFailedTargets, type Rollout } from '../fleet/rollout-store';
import { parseWaves, wavesText } from '../fleet/rollout-waves';
import type { rolloutStartSchema } from './api-schemas';
import { audited } from './audited';

/**
 * Starting and steering a configured fleet's rollout from the console. The start stores the
 * rollout and adds its first jobs (createRollout, as the CLI does) and answers at once: the
 * console's own queue worker (started beside it by `npm start`) and any `strata worker` run
 * the jobs, so nothing here waits for a target. Audited like the CLI's.
 */

export type RolloutStart = z.infer<typeof rolloutStartSchema>;
export type RolloutStep = 'pause' | 'resume' | 'retry-failed';

/** What a door answers: the rollout's id and state, and a sentence for the page. */
export interface Steered {
  rollout: Pick<Rollout, 'id' | 'fleet' | 'state'>;
  note: string;
}

function refuseProtected(options: CheckOptions): void {
  if (options.fleet.protection === 'protected') throw new StrataError('PROTECTED', protectedRolloutMessage(options.fleet.name));
}

export async function startFleetRollout(options: CheckOptions, input: RolloutStart, principal: Principal): Promise<Steered> {
  const { config, fleet } = options;
  refuseProtected(options);
  if (input.confirm !== fleet.name) throw new StrataError('CONFIRMATION_REQUIRED', `Type “${fleet.name}” to confirm; nothing was started.`);
  // The CLI's checks, worded for the flags it shares with this body.
  const waves = parseWaves(input.waves ?? DEFAULT_WAVES);
  const concurrency = input.concurrency ?? DEFAULT_ROLLOUT_CONCURRENCY;
  const maxFailures = input.maxFailures ?? 0;
  const toTag = input.to ?? null;
  const request = { fleet, fleetFile: null, project: options.project, toTag, waves, concurrency, maxFailures, actor: principal.username };
  const { targets } = await planRollout(request);
  const rollout = await audited(
    config,
    principal,
    { action: 'rollout', environment: fleet.name, intent: `waves ${wavesText(waves)}, concurrency ${concurrency}, max failures ${maxFailures}${toTag ? `, to ${toTag}` : ''}` },
    () =>
      createRollout(consoleSql(config), {
        fleet: fleet.name,
        fleetFile: null,
        projectDir: options.project.dir,
        toTag,
        waves,
        concurrency,
        maxFailures,
        actor: principal.username,
        // No process drives it: the console's worker runs its jobs, and a CLI rerun may take it over.
        driver: null,
        targets: targets.map((t) => ({ name: t.name, wave: t.wave })),
      }),
    (r) => ({ outcome: 'ok', target: `rollout ${r.id}`, detail: `started: ${targets.length} targets` }),
  );
  return { rollout: { id: rollout.id, fleet: rollout.fleet, state: rollout.state }, note: `${targets.length} targets; the console's queue worker runs them` };
}

/** Pause, resume or retry the failed targets of one of this fleet's rollouts (another fleet's id: not found). */
export async function steerFleetRollout(options: CheckOptions, id: number, step: RolloutStep, principal: Principal): Promise<Steered> {
  const { config, fleet } = options;
  const sql = consoleSql(config);
  const before = await readRollout(sql, id).catch(() => null);
  if (!before || before.fleet !== fleet.name) throw new StrataError('NOT_FOUND', `Fleet "${fleet.name}" has no rollout ${id}`);
  return audited(config, principal, { action: `rollout-${step}`, environment: fleet.name, target: `rollout ${id}` }, async () => {
    if (step === 'pause') return { rollout: pick(await pauseRollout(sql, id)), note: 'no new target starts; running ones finish' };
    if (step === 'resume') return { rollout: pick(await resumeRollout(sql, id)), note: 'targets start again' };
    const retried = await retryFailedTargets(sql, id, null);
    return { rollout: pick(retried.rollout), note: `${retried.retried.length} failed target${retried.retried.length === 1 ? '' : 's'} wait${retried.retried.length === 1 ? 's' : ''} to run again` };
  });
}

function pick(r: Rollout): Steered['rollout'] {
  return { id: r.id, fleet: r.fleet, state: r.state };
}
