import { consoleSql } from '../auth/console-db';
import type { Project } from '../changesets/project';
import type { StrataConfig } from '../config/environments';
import { withDatabase } from '../db/connection-url';
import { StrataError } from '../errors';
import { dryRun, type DryRunResult } from '../migrate/dry-run';
import { placeOf } from '../migrate/target-place';
import { engineLogger } from '../observability/logger';
import { startQueueWorker } from '../queue/queue-worker';
import { fleetTargets, targetEnvironment } from './fleet-targets';
import { rolloutTasks } from './rollout-jobs';
import { createRollout, findOpenRollout, readRollout, readRolloutTargets, takeOverRollout, type Rollout, type RolloutTarget } from './rollout-store';
import { assignWaves, type WaveSize } from './rollout-waves';
import type { Fleet } from './types';

export interface RolloutRequest {
  fleet: Fleet;
  /** The --fleet-file path (absolute), or null for a configured fleet. */
  fleetFile: string | null;
  project: Project;
  toTag: string | null;
  waves: WaveSize[];
  concurrency: number;
  maxFailures: number;
  actor: string;
}

export interface RolloutOutcome {
  rollout: Rollout;
  targets: RolloutTarget[];
  /** True when this run took over an unfinished rollout whose process was gone. */
  resumed: boolean;
}

/** Checks what can be checked before anything is stored: the tag, the targets, the waves against them. */
export async function planRollout(request: RolloutRequest): Promise<{ targets: Array<{ name: string; url: string; schema?: string; wave: number }> }> {
  if (request.toTag !== null && !request.project.changeSets.some((c) => c.tag === request.toTag || String(c.version) === request.toTag)) {
    throw new StrataError('NOT_FOUND', `--to ${request.toTag}: no such change set in the project`);
  }
  const targets = await fleetTargets(request.fleet);
  const waves = assignWaves(request.waves, targets.length);
  return { targets: targets.map((t, i) => ({ name: t.name, url: t.url, ...(t.schema !== undefined ? { schema: t.schema } : {}), wave: waves[i]! })) };
}

/**
 * Runs a rollout to its end from this process: starts a queue worker here (so the command
 * works alone; `strata worker`s elsewhere share the jobs), creates the rollout — or takes
 * over the fleet's unfinished one when the process that drove it is gone — and waits,
 * reporting each wave as it ends.
 */
export async function runRollout(config: StrataConfig, request: RolloutRequest, options: { slots: number; onEvent: (line: string) => void; pollMs?: number }): Promise<RolloutOutcome> {
  const { targets } = await planRollout(request);
  const sql = consoleSql(config);
  const worker = await startQueueWorker(config, { slots: options.slots, tasks: rolloutTasks(config) });
  try {
    const open = await findOpenRollout(sql, request.fleet.name);
    let rollout: Rollout;
    let resumed = false;
    if (open) {
      if (open.rollout.state === 'paused') throw new StrataError('INVALID_STATE', `Fleet "${request.fleet.name}" has a paused rollout (rollout ${open.rollout.id}): resume it with strata rollout resume ${open.rollout.id}`);
      if (open.driverAlive) throw new StrataError('LOCKED', `Fleet "${request.fleet.name}" already has a rollout running (rollout ${open.rollout.id}, started by ${open.rollout.actor}); wait for it, or pause it first`, { rollout: open.rollout.id });
      rollout = await takeOverRollout(sql, open.rollout.id, worker.processId);
      resumed = true;
      options.onEvent(`resuming rollout ${rollout.id} of fleet ${rollout.fleet}: its process is gone (targets already at the head are skipped; the stored waves and limits apply)`);
    } else {
      rollout = await createRollout(sql, {
        fleet: request.fleet.name,
        fleetFile: request.fleetFile,
        projectDir: request.project.dir,
        toTag: request.toTag,
        waves: request.waves,
        concurrency: request.concurrency,
        maxFailures: request.maxFailures,
        actor: request.actor,
        driver: worker.processId,
        targets: targets.map((t) => ({ name: t.name, wave: t.wave })),
      });
      const waveCount = new Set(targets.map((t) => t.wave)).size;
      options.onEvent(`rollout ${rollout.id}: ${targets.length} targets of fleet ${rollout.fleet} in ${waveCount} wave${waveCount === 1 ? '' : 's'}, ${rollout.concurrency} at a time`);
    }
    const final = await waitForRollout(config, rollout.id, { onEvent: options.onEvent, pollMs: options.pollMs ?? 300, workerStopped: worker.stopped });
    return { ...final, resumed };
  } finally {
    await worker.stop();
  }
}

/** Polls the rollout until it has ended (or is paused with nothing running), reporting each wave as it ends. */
export async function waitForRollout(config: StrataConfig, id: number, options: { onEvent: (line: string) => void; pollMs: number; workerStopped?: Promise<void> }): Promise<{ rollout: Rollout; targets: RolloutTarget[] }> {
  const sql = consoleSql(config);
  const reported = new Set<number>();
  let workerGone = false;
  void options.workerStopped?.then(() => (workerGone = true));
  for (;;) {
    const rollout = await readRollout(sql, id);
    const targets = await readRolloutTargets(sql, id);
    for (const [wave, members] of byWave(targets)) {
      if (reported.has(wave) || members.some((t) => t.state === 'waiting' || t.state === 'running')) continue;
      if (members.every((t) => t.attempts === 0)) continue;
      reported.add(wave);
      options.onEvent(`wave ${wave + 1}: ${members.length} target${members.length === 1 ? '' : 's'} — ${countsText(members)}${failedText(members)}`);
    }
    const running = targets.some((t) => t.state === 'running');
    if (rollout.state === 'succeeded' || rollout.state === 'failed' || (rollout.state === 'paused' && !running)) return { rollout, targets };
    if (workerGone) throw new StrataError('CONNECTION_FAILED', `This process's queue worker stopped (its console connection broke); rollout ${id} goes on when any worker runs it — rerun to take it over`);
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
}

function byWave(targets: RolloutTarget[]): Map<number, RolloutTarget[]> {
  const waves = new Map<number, RolloutTarget[]>();
  for (const t of targets) waves.set(t.wave, [...(waves.get(t.wave) ?? []), t]);
  return new Map([...waves].sort((a, b) => a[0] - b[0]));
}

export function countsText(targets: RolloutTarget[]): string {
  const counts = new Map<string, number>();
  for (const t of targets) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

function failedText(targets: RolloutTarget[]): string {
  const failed = targets.filter((t) => t.state === 'failed');
  return failed.length ? `\n  failed: ${failed.map((t) => `${t.name} (${t.error})`).join('\n          ')}` : '';
}

/**
 * A rollout's dry run: the existing dry run on one representative target — the first of
 * wave 1 — on a shadow database (its applied change sets replayed, the pending ones run
 * there), so it writes nothing anywhere a tenant lives.
 */
export async function dryRunRollout(config: StrataConfig, request: RolloutRequest): Promise<{ target: string; waves: number[]; result: DryRunResult }> {
  const { targets } = await planRollout(request);
  const first = targets[0]!;
  const environment = targetEnvironment(request.fleet, { fleet: request.fleet.name, name: first.name, url: first.url, ...(first.schema !== undefined ? { schema: first.schema } : {}) });
  const shadowServerUrl = process.env.STRATA_SHADOW_DATABASE_URL ?? (request.fleetFile ? withDatabase(first.url, 'postgres') : config.shadowServerUrl);
  const result = await dryRun(
    { url: environment.url, place: placeOf(environment), environment: environment.name, actor: request.actor, logger: engineLogger() },
    request.project,
    { direction: 'apply', ...(request.toTag ? { to: request.toTag } : {}), mode: 'shadow' },
    { shadowServerUrl },
  );
  const sizes = [...byWave(targets.map((t) => ({ name: t.name, wave: t.wave, state: 'waiting' as const, applied: [], error: null, attempts: 0 })))].map(([, m]) => m.length);
  return { target: first.name, waves: sizes, result };
}
