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
import { chooseRepresentative, readAppliedSets, type Representative } from './representative-target';
import { rolloutTasks } from './rollout-jobs';
import { createRollout, findOpenRollout, readRollout, readRolloutTargets, takeOverRollout, type Rollout, type RolloutTarget } from './rollout-store';
import { assignWaves, wavesText, type WaveSize } from './rollout-waves';
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
      options.onEvent(takeOverMessage(open.rollout, request));
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

/**
 * What a rerun says when it joins the fleet's unfinished rollout instead of starting one: who
 * started it, from where, and that its stored settings — not this command's flags — apply.
 * A rollout with no driver was started from the console (its queue worker runs it): this
 * process helps run it and follows it to the end, which is safe because every target job
 * takes the target's lock and skips change sets already applied. One whose driving process
 * is gone (a killed CLI) is taken over. Either way it never starts a second rollout.
 */
export function takeOverMessage(open: Rollout, request: Pick<RolloutRequest, 'toTag' | 'waves' | 'concurrency' | 'maxFailures'>): string {
  const when = open.createdAt.toISOString().replace('T', ' ').slice(0, 19);
  const stored = `to ${open.toTag ?? 'the head'}, waves ${wavesText(open.waves)}, concurrency ${open.concurrency}, max failures ${open.maxFailures}`;
  const asked = `to ${request.toTag ?? 'the head'}, waves ${wavesText(request.waves)}, concurrency ${request.concurrency}, max failures ${request.maxFailures}`;
  const settings = stored === asked ? `its settings are the ones asked for (${stored})` : `its stored settings apply (${stored}), not the ones asked for (${asked})`;
  const who =
    open.driver === null
      ? `rollout ${open.id} of fleet ${open.fleet}, started from the console by ${open.actor} at ${when} UTC, is unfinished: this process helps the console's workers run it and follows it to the end`
      : `rollout ${open.id} of fleet ${open.fleet}, started by ${open.actor} at ${when} UTC, is unfinished and the process that drove it is gone: this process takes it over`;
  return `${who}; ${settings}; targets already at the head are skipped. (strata rollout status ${open.id} shows it without joining; strata rollout pause ${open.id} pauses it.)`;
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

/** What a rollout's dry run found: on whom, why, and the dry runs there. */
export interface RolloutDryRun {
  /** The representative target's name (kept as `target` for the CLI's --json readers). */
  target: string;
  representative: Representative;
  /** Targets per wave, in order. */
  waves: number[];
  /** Every target's name, in name order. */
  targets: string[];
  /** Targets with change sets pending up to the rollout's end, as read now. */
  pendingTargets: number;
  /** On a shadow database: the representative's applied change sets replayed, the pending ones run there. */
  result: DryRunResult;
  /** In a transaction on the representative itself, rolled back; null when not run (onTargetSkipped says why). */
  onTarget: DryRunResult | null;
  onTargetSkipped: string | null;
}

/**
 * A rollout's dry run: the existing single-environment dry run on one representative target
 * (the one whose applied change sets most targets share, representative-target.ts) — on a
 * shadow database, and in a transaction on the target itself that is always rolled back.
 * Never the latter on a protected fleet: it takes real locks on a production database (the
 * guard's rule for a single protected environment, dry-run.on-target), so the shadow stands
 * alone there and the answer says so.
 */
export async function dryRunRollout(config: StrataConfig, request: RolloutRequest): Promise<RolloutDryRun> {
  const { targets } = await planRollout(request);
  const found = await readAppliedSets(targets.map((t) => ({ fleet: request.fleet.name, name: t.name, url: t.url, ...(t.schema !== undefined ? { schema: t.schema } : {}) })), request.project);
  const upTo = request.toTag ? new Set(changeSetsUpTo(request.project, request.toTag).map((c) => c.tag)) : null;
  const representative = chooseRepresentative(found, upTo);
  if (!representative) throw new StrataError('CONNECTION_FAILED', `No target of fleet "${request.fleet.name}" could be read, so none can stand for the fleet: ${found[0]?.problem ?? 'unreachable'}`);
  const chosen = targets.find((t) => t.name === representative.name)!;
  const environment = targetEnvironment(request.fleet, { fleet: request.fleet.name, name: chosen.name, url: chosen.url, ...(chosen.schema !== undefined ? { schema: chosen.schema } : {}) });
  const shadowServerUrl = process.env.STRATA_SHADOW_DATABASE_URL ?? (request.fleetFile ? withDatabase(chosen.url, 'postgres') : config.shadowServerUrl);
  const ctx = { url: environment.url, place: placeOf(environment), environment: environment.name, actor: request.actor, logger: engineLogger() };
  const options = { direction: 'apply' as const, ...(request.toTag ? { to: request.toTag } : {}) };
  const result = await dryRun(ctx, request.project, { ...options, mode: 'shadow' }, { shadowServerUrl });
  const onTargetSkipped = request.fleet.protection === 'protected' ? 'the fleet is protected: a dry run on a target takes real locks there, so only the shadow ran' : null;
  const onTarget = onTargetSkipped ? null : await dryRun(ctx, request.project, { ...options, mode: 'transaction' }, { shadowServerUrl });
  const sizes = [...byWave(targets.map((t) => ({ name: t.name, wave: t.wave, state: 'waiting' as const, applied: [], error: null, attempts: 0 })))].map(([, m]) => m.length);
  const pendingTargets = found.filter((t) => t.pending.some((tag) => !upTo || upTo.has(tag))).length;
  return { target: representative.name, representative, waves: sizes, targets: targets.map((t) => t.name), pendingTargets, result, onTarget, onTargetSkipped };
}

/** The project's change sets up to and including `to` (a tag or a version), in journal order. */
export function changeSetsUpTo(project: Project, to: string | null): Project['changeSets'] {
  if (to === null) return project.changeSets;
  const end = project.changeSets.findIndex((c) => c.tag === to || String(c.version) === to);
  if (end < 0) throw new StrataError('NOT_FOUND', `--to ${to}: no such change set in the project`);
  return project.changeSets.slice(0, end + 1);
}
