import path from 'node:path';
import { consoleSql, withConsole } from '../../auth/console-db';
import { readProject } from '../../changesets/project';
import { loadConfig, type StrataConfig } from '../../config/environments';
import { audited } from '../../console/audited';
import { auditRefusal } from '../../console/refusals';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { StrataError } from '../../errors';
import { fleetOf } from '../../fleet/resolve-fleet';
import { countsText, dryRunRollout, runRollout, waitForRollout, type RolloutDryRun, type RolloutRequest } from '../../fleet/rollout-run';
import type { CheckOptions } from '../../fleet/fleet-overview';
import { rolloutTasks } from '../../fleet/rollout-jobs';
import { startQueueWorker } from '../../queue/queue-worker';
import { executeRolloutRequest, fileRolloutRequest, findRolloutRequest, type RolloutRequestInput } from '../../console/rollout-requests';
import { rolloutPayload } from '../../console/rollout-payload';
import { describeRequest } from '../../console/request-kinds';
import { pauseRollout, readRollout, readRolloutTargets, resumeRollout, retryFailedTargets, type Rollout, type RolloutTarget } from '../../fleet/rollout-store';
import { protectedRolloutMessage } from '../../fleet/rollout-protection';
import { parseWaves, wavesText } from '../../fleet/rollout-waves';
import { engineLogger } from '../../observability/logger';
import { cliPrincipal } from '../cli-audit';
import { defineCommand, switchFlag, valueFlag } from '../command';
import { dryRunText } from '../dry-run-text';
import { ACTOR_FLAGS, PROJECT_FLAGS } from '../flags';
import { resolveActor } from '../targets';

import { DEFAULT_ROLLOUT_CONCURRENCY, DEFAULT_WAVES } from '../../fleet/rollout-protection';

export const rolloutCommand = defineCommand({
  name: 'rollout',
  summary: 'roll the project out to a fleet in waves  [--waves 1,10%,100%] | pause|resume|retry-failed|status ID',
  usage: [
    'strata rollout (--env FLEET | --fleet-file FILE) [--to TAG] [--waves 1,10%,100%] [--concurrency N] [--max-failures N] [--dry-run] [--dir PATH] [--json]',
    'strata rollout --env FLEET --reason WHY [--to TAG] [--waves …] [--concurrency N] [--max-failures N]   (a protected fleet: file a request)',
    'strata rollout --env FLEET --request N   (a protected fleet: run the approved request N)',
    'strata rollout pause|resume|retry-failed|status ID [--json]',
  ],
  description: `Applies pending change sets to every target of a fleet, wave by wave, on the console
database's job queue (graphile-worker). Each target is applied exactly as a single
environment is: its own runner lock, history, checksums, backups and checks. Waves are
cumulative counts or shares of the targets in name order (1,10%,100%: one target, then up
to 10% in all, then the rest); a wave starts when the previous one has ended. A failed
target counts against --max-failures: past it, the rollout stops before the next wave.
This command runs a queue worker itself until the rollout ends, reporting each wave;
\`strata worker\` processes share the jobs. Rerun it after a crash: it takes over the
fleet's unfinished rollout, and targets already at the head are skipped.

A protected fleet's rollout needs two people: --reason files a request (with a dry run on
a representative target attached), another admin approves it on the console's approvals
page, then --request N starts it and waits for it, as above. The approval covers the change
sets up to --to and the fleet's targets as they were: if either changed, the request fails.`,
  flags: {
    env: valueFlag('FLEET', 'a configured fleet'),
    'fleet-file': valueFlag('FILE', 'a bare fleet: one PostgreSQL URL per line (its path is stored, never its URLs; every worker must read it there)'),
    to: valueFlag('TAG', 'stop each target after this change set'),
    waves: valueFlag('LIST', `cumulative wave sizes, counts or percentages (default ${DEFAULT_WAVES})`),
    concurrency: valueFlag('N', `targets migrated at once, across all workers (default ${DEFAULT_ROLLOUT_CONCURRENCY})`),
    'max-failures': valueFlag('N', 'failed targets allowed before the rollout stops at the next wave (default 0)'),
    'dry-run': switchFlag('dry-run on the representative target (the one whose applied change sets most targets share), on a shadow and, unless the fleet is protected, in a rolled-back transaction on it; writes nothing'),
    reason: valueFlag('WHY', 'a protected fleet: file a rollout request with this reason, for another admin to approve'),
    request: valueFlag('N', 'a protected fleet: start the approved rollout request N and wait for it'),
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  notes: 'Exit codes: 0 every target at the head (or paused; or a request filed), 1 a target failed, 2 bad usage, 3 the fleet has a rollout running.',
  async run(options, positional) {
    const action = positional[0];
    if (action !== undefined) return manage(action, positional[1], options);
    // Everything the flags say is checked before any database is reached.
    if (options.env === undefined && options.fleetFile === undefined) throw new StrataError('BAD_USAGE', 'rollout needs a fleet: --env FLEET or --fleet-file FILE (or a subcommand: pause, resume, retry-failed, status)');
    const waves = parseWaves(options.waves ?? DEFAULT_WAVES);
    const concurrency = wholeNumber(options.concurrency, '--concurrency', 1) ?? DEFAULT_ROLLOUT_CONCURRENCY;
    const maxFailures = wholeNumber(options.maxFailures, '--max-failures', 0) ?? 0;
    const config = loadConfig();
    const fleetFile = options.fleetFile !== undefined ? path.resolve(options.fleetFile) : null;
    const fleet = fleetOf({ env: options.env, fleetFile: fleetFile ?? undefined }, config);
    const project = readProject(options.dir ?? config.projectDir);
    const actor = resolveActor(options.actor);
    const request: RolloutRequest = { fleet, fleetFile, project, toTag: options.to ?? null, waves, concurrency, maxFailures, actor };
    return onConsoleServer(config, async () => {
      if (options.dryRun) {
        const dry = await audited(config, cliPrincipal(options), { action: 'rollout-dry-run', environment: fleet.name, intent: `dry run on a representative target, waves ${wavesText(waves)}` }, () => dryRunRollout(config, request), (r) => ({ outcome: r.result.failed || r.onTarget?.failed ? 'failed' : 'ok', target: r.target, detail: `representative: ${r.representative.why}` }));
        return { code: dry.result.failed || dry.onTarget?.failed ? 1 : 0, text: rolloutDryRunText(fleet.name, dry), json: dry };
      }
      if (options.reason !== undefined || options.request !== undefined) {
        if (fleetFile !== null) throw new StrataError('BAD_USAGE', '--reason and --request are for a configured protected fleet (--env FLEET), not --fleet-file');
        const checks: CheckOptions = { config, fleet, project, logger: engineLogger(), actor };
        if (options.reason !== undefined) return fileRequest(checks, options, { to: options.to, waves: options.waves, concurrency: options.concurrency === undefined ? undefined : concurrency, maxFailures: options.maxFailures === undefined ? undefined : maxFailures, reason: options.reason });
        return runRequest(checks, options, options.request!);
      }
      if (fleet.protection === 'protected') {
        const message = protectedRolloutMessage(fleet.name);
        await auditRefusal(config, { actor, role: 'cli', action: 'rollout', environment: fleet.name, detail: `PROTECTED: ${message}`, source: 'cli' });
        throw new StrataError('PROTECTED', message);
      }
      const lines: string[] = [];
      const outcome = await audited(
        config,
        cliPrincipal(options),
        { action: 'rollout', environment: fleet.name, intent: `waves ${wavesText(waves)}, concurrency ${concurrency}, max failures ${maxFailures}${request.toTag ? `, to ${request.toTag}` : ''}` },
        () =>
          runRollout(config, request, {
            slots: concurrency,
            onEvent: (line) => {
              lines.push(line);
              if (!options.json) process.stderr.write(`${line}\n`);
            },
          }),
        (o) => ({ outcome: o.rollout.state === 'failed' ? 'failed' : 'ok', target: `rollout ${o.rollout.id}`, detail: o.rollout.error ?? o.rollout.state }),
      );
      return { code: outcome.rollout.state === 'failed' ? 1 : 0, text: `${outcome.resumed ? `Resumed rollout ${outcome.rollout.id}: the process that ran it was gone.\n` : ''}${rolloutText(outcome.rollout, outcome.targets)}`, json: { ...outcome, events: lines } };
    });
  },
});

/** Files a protected fleet's rollout request; another admin approves it in the console. */
async function fileRequest(checks: CheckOptions, options: { actor?: string; to?: string; request?: string }, input: RolloutRequestInput) {
  if (options.request !== undefined) throw new StrataError('BAD_USAGE', '--reason files a request, --request runs an approved one: give one of them');
  const { request, dryRun } = await fileRolloutRequest(checks, input, cliPrincipal(options));
  const text = [
    `Request #${request.id} filed for fleet ${checks.fleet.name}: ${describeRequest(request)}. It expires at ${request.expiresAt}.`,
    `Representative target: ${dryRun.representative.why}; ${dryRun.pendingTargets} target${dryRun.pendingTargets === 1 ? '' : 's'} with change sets pending.`,
    `Another admin approves it on the console's approvals page; then run: strata rollout --env ${checks.fleet.name} --request ${request.id}`,
    '',
    dryRunText(dryRun.result),
  ].join('\n');
  return { code: 0, text, json: { request, dryRun } };
}

/** Starts an approved rollout request from this process and waits for it, as a direct rollout does. */
async function runRequest(checks: CheckOptions, options: { actor?: string; to?: string; waves?: string; concurrency?: string; maxFailures?: string; json?: boolean }, idText: string) {
  if (!/^\d+$/.test(idText.trim()) || !Number.isSafeInteger(Number(idText)) || Number(idText) < 1) throw new StrataError('BAD_USAGE', `--request takes a request number (got "${idText}")`);
  if (options.to !== undefined || options.waves !== undefined || options.concurrency !== undefined || options.maxFailures !== undefined) {
    throw new StrataError('BAD_USAGE', '--request runs the approved rollout as it is: give no --to, --waves, --concurrency or --max-failures with it');
  }
  const { config } = checks;
  const id = Number(idText);
  const lines: string[] = [];
  const onEvent = (line: string) => {
    lines.push(line);
    if (!options.json) process.stderr.write(`${line}\n`);
  };
  const approved = await findRolloutRequest(checks, id);
  const payload = rolloutPayload.parse(approved.payload);
  const worker = await startQueueWorker(config, { slots: payload.concurrency, tasks: rolloutTasks(config) });
  try {
    const { rollout } = await executeRolloutRequest(checks, id, cliPrincipal(options), worker.processId);
    onEvent(`rollout ${rollout.id} of fleet ${rollout.fleet} started from approved request #${id}`);
    const final = await waitForRollout(config, rollout.id, { onEvent, pollMs: 300, workerStopped: worker.stopped });
    return { code: final.rollout.state === 'failed' ? 1 : 0, text: rolloutText(final.rollout, final.targets), json: { ...final, events: lines } };
  } finally {
    await worker.stop();
  }
}

/** The rollout dry run's report: on whom and why, the waves, then the dry runs. */
export function rolloutDryRunText(fleet: string, dry: RolloutDryRun): string {
  return [
    `Dry run of the rollout to fleet ${fleet} on a representative target: ${dry.representative.why}. Nothing was written.`,
    `Waves: ${dry.waves.join(' → ')} targets; ${dry.pendingTargets} with change sets pending.`,
    '',
    'On a shadow database (its applied change sets replayed, the pending ones run there):',
    dryRunText(dry.result),
    '',
    dry.onTarget ? `In a transaction on ${dry.target}, rolled back:\n${dryRunText(dry.onTarget)}` : `Not in a transaction on ${dry.target}: ${dry.onTargetSkipped}.`,
  ].join('\n');
}

async function manage(action: string, idText: string | undefined, options: { actor?: string }) {
  if (!['pause', 'resume', 'retry-failed', 'status'].includes(action)) throw new StrataError('BAD_USAGE', `Unknown rollout subcommand "${action}" (pause, resume, retry-failed, status)`);
  if (idText === undefined || !/^\d+$/.test(idText)) throw new StrataError('BAD_USAGE', `rollout ${action} needs a rollout id (a number)${idText === undefined ? '' : `, not "${idText}"`}`);
  const id = Number(idText);
  const config = loadConfig();
  return onConsoleServer(config, async () => {
    const sql = consoleSql(config);
    if (action === 'status') {
      const rollout = await readRollout(sql, id);
      const targets = await readRolloutTargets(sql, id);
      return { code: 0, text: rolloutText(rollout, targets), json: { rollout, targets } };
    }
    const before = await readRollout(sql, id); // NOT_FOUND before any audit entry: nothing to record about no rollout
    const result = await audited(config, cliPrincipal(options), { action: `rollout-${action}`, environment: before.fleet, target: `rollout ${id}` }, async () => {
      if (action === 'pause') return { rollout: await pauseRollout(sql, id), note: 'no new target starts; running ones finish' };
      if (action === 'resume') return { rollout: await resumeRollout(sql, id), note: 'targets start again (a worker must run: strata worker, or rerun strata rollout)' };
      const retried = await retryFailedTargets(sql, id, null);
      return { rollout: retried.rollout, note: `${retried.retried.join(', ')} wait${retried.retried.length === 1 ? 's' : ''} to run again (a worker must run: strata worker, or rerun strata rollout)` };
    });
    return { code: 0, text: `Rollout ${id}: ${result.rollout.state}; ${result.note}.`, json: result };
  });
}

/** Starts the embedded demo server when the console lives there, and closes the console pool after. */
async function onConsoleServer<T>(config: StrataConfig, work: () => Promise<T>): Promise<T> {
  const embedded = await ensureEmbeddedRunning(config, engineLogger());
  try {
    await withConsole(config, async () => undefined);
    return await work();
  } finally {
    await embedded?.stop();
  }
}

function wholeNumber(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new StrataError('BAD_USAGE', `${flag} takes a whole number, ${min} or more (got "${value}")`);
  return Number(value);
}

export function rolloutText(rollout: Rollout, targets: RolloutTarget[]): string {
  const waves = new Map<number, RolloutTarget[]>();
  for (const t of targets) waves.set(t.wave, [...(waves.get(t.wave) ?? []), t]);
  const lines = [
    `Rollout ${rollout.id} of fleet ${rollout.fleet}: ${rollout.state}${rollout.finishedAt ? ` at ${rollout.finishedAt.toISOString()}` : ''} (waves ${wavesText(rollout.waves)}, concurrency ${rollout.concurrency}, max failures ${rollout.maxFailures}, by ${rollout.actor}${rollout.request !== null ? `, approved request #${rollout.request}` : ''})`,
    ...[...waves].sort((a, b) => a[0] - b[0]).map(([wave, members]) => `  wave ${wave + 1}: ${members.length} target${members.length === 1 ? '' : 's'} — ${countsText(members)}`),
    ...targets.filter((t) => t.state === 'failed').map((t) => `  failed: ${t.name}: ${t.error}`),
  ];
  if (rollout.error) lines.push(rollout.error);
  return lines.join('\n');
}
