import type { TaskList } from 'graphile-worker';
import { consoleSql, withConsole } from '../auth/console-db';
import { backupSettingsFor } from '../backup/settings';
import { readProject } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { safeMessage, secretUrlsOf } from '../db/safe-message';
import { isStrataError, StrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import type { RunContext } from '../migrate/run-context';
import { placeOf } from '../migrate/target-place';
import { engineLogger } from '../observability/logger';
import { fleetTargets, targetEnvironment } from './fleet-targets';
import { rolloutFleet } from './rollout-fleet';
import { finishTarget, readRollout, readTarget, TARGET_JOB, type TargetOutcome } from './rollout-store';

/** The jobs a queue worker runs for rollouts (lib/queue/queue-worker.ts takes them as its task list). */
export function rolloutTasks(config: StrataConfig): TaskList {
  return {
    [TARGET_JOB]: async (payload, helpers) => {
      const { rollout, target } = payload as { rollout: number; target: string };
      await runTargetJob(config, rollout, target, { lastAttempt: helpers.job.attempts >= helpers.job.max_attempts });
    },
  };
}

/**
 * One target of a rollout, applied exactly as a single environment is: applyChangeSets on
 * targetEnvironment(fleet, target), under the target's own runner lock, with its history,
 * checksums, backups and checks. A target whose lock another runner holds is retried later
 * by the queue (the job throws), not failed. A job whose target is no longer running (it was
 * finished already) does nothing, so a job run twice never applies twice — and the target
 * lock plus the history make a second apply find nothing pending anyway.
 */
export async function runTargetJob(config: StrataConfig, id: number, name: string, options: { lastAttempt?: boolean } = {}): Promise<void> {
  const sql = await withConsole(config, async (s) => s);
  const row = await readTarget(sql, id, name);
  if (!row || row.state !== 'running') return;
  const rollout = await readRollout(sql, id);
  let outcome: TargetOutcome;
  let secrets: string[] = secretUrlsOf(config);
  try {
    const fleet = rolloutFleet(config, rollout);
    const target = (await fleetTargets(fleet)).find((t) => t.name === name);
    if (!target) throw new StrataError('NOT_FOUND', `Target "${name}" is no longer in fleet "${fleet.name}"`);
    secrets = [...secrets, target.url];
    const environment = targetEnvironment(fleet, target);
    const ctx: RunContext = {
      url: environment.url,
      // A tenant schema's run (its search_path, history and lock); a name PostgreSQL cannot hold fails this target, named.
      place: placeOf(environment),
      environment: environment.name,
      actor: rollout.actor,
      logger: engineLogger().child({ rollout: id, target: name }),
      lockRetries: environment.lockRetries,
      backup: backupSettingsFor(environment, config.backupDir),
      reason: `rollout ${id} of fleet ${fleet.name}${rollout.request !== null ? `, approved request #${rollout.request}` : ''}`,
    };
    const result = await applyChangeSets(ctx, readProject(rollout.projectDir), rollout.toTag ? { to: rollout.toTag } : {});
    const applied = result.records.filter((r) => r.status === 'applied').map((r) => r.tag);
    outcome = result.failed
      ? { state: 'failed', applied, error: `${result.failed.tag} failed: ${result.failed.error?.message ?? 'unknown error'}` }
      : { state: applied.length ? 'succeeded' : 'skipped-at-head', applied };
  } catch (error) {
    // Another runner holds the target's lock: the queue tries again later (with its backoff),
    // until its last attempt, which records the target as failed rather than leave it running.
    if (isStrataError(error) && error.code === 'LOCKED' && !options.lastAttempt) throw error;
    const message = isStrataError(error) ? `${error.code}: ${error.message}` : (error as Error)?.message ?? String(error);
    outcome = { state: 'failed', applied: [], error: message };
  }
  if (outcome.state === 'failed') outcome = { ...outcome, error: safeMessage(outcome.error, secrets) };
  await finishTarget(consoleSql(config), id, name, outcome);
}
