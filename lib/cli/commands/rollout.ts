import path from 'node:path';
import { consoleSql, withConsole } from '../../auth/console-db';
import { readProject } from '../../changesets/project';
import { loadConfig, type StrataConfig } from '../../config/environments';
import { audited } from '../../console/audited';
import { auditRefusal } from '../../console/refusals';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { StrataError } from '../../errors';
import { fleetOf } from '../../fleet/resolve-fleet';
import { countsText, dryRunRollout, runRollout, type RolloutRequest } from '../../fleet/rollout-run';
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
fleet's unfinished rollout, and targets already at the head are skipped.`,
  flags: {
    env: valueFlag('FLEET', 'a configured fleet'),
    'fleet-file': valueFlag('FILE', 'a bare fleet: one PostgreSQL URL per line (its path is stored, never its URLs; every worker must read it there)'),
    to: valueFlag('TAG', 'stop each target after this change set'),
    waves: valueFlag('LIST', `cumulative wave sizes, counts or percentages (default ${DEFAULT_WAVES})`),
    concurrency: valueFlag('N', `targets migrated at once, across all workers (default ${DEFAULT_ROLLOUT_CONCURRENCY})`),
    'max-failures': valueFlag('N', 'failed targets allowed before the rollout stops at the next wave (default 0)'),
    'dry-run': switchFlag('dry-run the first target of wave 1 on a shadow database; writes nothing'),
    ...PROJECT_FLAGS,
    ...ACTOR_FLAGS,
  },
  notes: 'Exit codes: 0 every target at the head (or paused), 1 a target failed, 2 bad usage, 3 the fleet has a rollout running.',
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
        const dry = await audited(config, cliPrincipal(options), { action: 'rollout-dry-run', environment: fleet.name, intent: `dry run on the first target, waves ${wavesText(waves)}` }, () => dryRunRollout(config, request), (r) => ({ outcome: r.result.failed ? 'failed' : 'ok', target: r.target }));
        const text = [`Dry run of the rollout to fleet ${fleet.name} on ${dry.target} (the first target of wave 1), on a shadow database: nothing was written.`, `Waves: ${dry.waves.join(' → ')} targets.`, '', dryRunText(dry.result)].join('\n');
        return { code: dry.result.failed ? 1 : 0, text, json: dry };
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
    `Rollout ${rollout.id} of fleet ${rollout.fleet}: ${rollout.state}${rollout.finishedAt ? ` at ${rollout.finishedAt.toISOString()}` : ''} (waves ${wavesText(rollout.waves)}, concurrency ${rollout.concurrency}, max failures ${rollout.maxFailures}, by ${rollout.actor})`,
    ...[...waves].sort((a, b) => a[0] - b[0]).map(([wave, members]) => `  wave ${wave + 1}: ${members.length} target${members.length === 1 ? '' : 's'} — ${countsText(members)}`),
    ...targets.filter((t) => t.state === 'failed').map((t) => `  failed: ${t.name}: ${t.error}`),
  ];
  if (rollout.error) lines.push(rollout.error);
  return lines.join('\n');
}
