import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { environmentHealth } from '../../health/environment-health';
import { readTarget } from '../../migrate/read-status';
import { engineLogger } from '../../observability/logger';
import { defineCommand, type CommandOutput } from '../command';
import { FLEET_FLAGS, PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { fleetStatusOutput, readFleetStatus } from '../fleet-status';
import { fleetOf } from '../../fleet/resolve-fleet';
import { fleetTargets } from '../../fleet/fleet-targets';
import type { StrataConfig } from '../../config/environments';
import { table, when } from '../format';
import { withTarget } from '../with-target';

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'where every change set stands (all environments when no target is given)',
  usage: ['strata status [--env NAME | --database-url URL] [--dir PATH] [--json]', 'strata status --env FLEET | --fleet-file FILE [--dir PATH] [--json]'],
  description: `Without a target: one line per configured environment (reachable, schema version,
last migration, pending, failed). With a target: every change set's state — applied,
pending, out_of_order, failed, checksum_mismatch or skipped — and what resolves blocked ones. With a fleet: how many targets are at the head, pending,
failed, out of order or unreachable, then each target that is not at the head.`,
  flags: { ...TARGET_FLAGS, ...FLEET_FLAGS, ...PROJECT_FLAGS },
  async run(options) {
    if (options.fleetFile || (options.env && isFleetName(loadConfig(), options.env))) return statusOfFleet(options);
    if (!options.env && !options.databaseUrl) return statusOfAll(options.dir);
    return withTarget(options, async (target, project) => {
      const { status } = await readTarget(target.url, project);
      const rows = status.changeSets.map((c) => [
        String(c.changeSet.version).padStart(4, '0'),
        // History from before `drizzle-kit up` carries the old tag: say which, so the two can be told apart.
        c.formerTags.length ? `${c.changeSet.tag} (was ${c.formerTags.join(', ')})` : c.changeSet.tag,
        c.state,
        c.state === 'applied' ? when(c.last?.finishedAt) : '',
        c.state === 'applied' ? (c.last?.actor ?? (c.appliedByDrizzleOnly ? 'drizzle-orm' : '')) : '',
      ]);
      const notes = status.changeSets.filter((c) => c.reason).map((c) => `! ${c.reason}`);
      const header = `${target.name ?? 'database'}: schema version ${status.schemaVersion ?? '(none)'}; ` +
        `${status.counts.applied} applied, ${status.counts.pending} pending, ${status.counts.failed} failed, ` +
        `${status.counts.interrupted} interrupted, ${status.counts.out_of_order} out of order, ${status.counts.checksum_mismatch} edited after apply, ${status.counts.skipped} skipped`;
      return {
        code: 0,
        text: [header, '', table(['ver', 'tag', 'state', 'applied at', 'by'], rows), ...(notes.length ? ['', ...notes] : []), ...unknownNote(status.unknownTags)].join('\n'),
        json: {
          target: target.name,
          schemaVersion: status.schemaVersion,
          lastMigrationAt: status.lastMigrationAt,
          counts: status.counts,
          unknownTags: status.unknownTags,
          changeSets: status.changeSets.map((c) => ({
            version: c.changeSet.version,
            tag: c.changeSet.tag,
            formerTags: c.formerTags,
            state: c.state,
            checksum: c.changeSet.forward.checksum,
            appliedAt: c.state === 'applied' ? c.last?.finishedAt ?? null : null,
            appliedBy: c.state === 'applied' ? c.last?.actor ?? null : null,
            hasRollback: c.changeSet.rollback !== null,
            reason: c.reason,
          })),
        },
      };
    });
  },
});

async function statusOfAll(dir: string | undefined): Promise<CommandOutput> {
  const config = loadConfig();
  const project = readProject(dir ?? config.projectDir);
  const embedded = await ensureEmbeddedRunning(config, engineLogger());
  try {
    const health = await Promise.all(config.environments.map((env) => environmentHealth(env, project)));
    const rows = health.map((h) => [
      h.name,
      h.protection,
      h.reachable ? 'yes' : `NO (${h.error})`,
      h.schemaVersion ?? '(none)',
      when(h.lastMigrationAt),
      h.pending,
      h.failed,
      h.interrupted,
      h.outOfOrder,
      h.checksumMismatch,
    ]);
    return {
      code: health.every((h) => h.reachable) ? 0 : 1,
      text: table(['environment', 'protection', 'reachable', 'schema version', 'last migration', 'pending', 'failed', 'interrupted', 'out of order', 'edited'], rows),
      json: health,
    };
  } finally {
    await embedded?.stop();
  }
}

function isFleetName(config: StrataConfig, name: string): boolean {
  return config.fleets?.some((f) => f.name === name) ?? false;
}

/** `strata status --env FLEET` / `--fleet-file FILE`: the fleet's summary (fleet-status.ts). */
async function statusOfFleet(options: { env?: string; fleetFile?: string; databaseUrl?: string; dir?: string }): Promise<CommandOutput> {
  const config = loadConfig();
  const project = readProject(options.dir ?? config.projectDir);
  // The fleet is checked (and a fleet file read) before the embedded server is started for it.
  const fleet = fleetOf(options, config);
  // A fleet file is bare databases, like --database-url: nothing is started for it.
  const embedded = options.fleetFile ? null : await ensureEmbeddedRunning(config, engineLogger());
  try {
    return fleetStatusOutput(await readFleetStatus(fleet, await fleetTargets(fleet), project));
  } finally {
    await embedded?.stop();
  }
}

/** History tags no change set of the project answers to (renamed or deleted files): apply and rollback refuse while any is pending. */
function unknownNote(unknownTags: string[]): string[] {
  return unknownTags.length ? ['', `! The history also names change sets this project does not have: ${unknownTags.join(', ')}`] : [];
}
