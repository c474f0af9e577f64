import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { ensureEmbeddedRunning } from '../../embedded/ensure-running';
import { environmentHealth } from '../../health/environment-health';
import { readTarget } from '../../migrate/read-status';
import { engineLogger } from '../../observability/logger';
import { defineCommand, type CommandOutput } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { table, when } from '../format';
import { withTarget } from '../with-target';

export const statusCommand = defineCommand({
  name: 'status',
  summary: 'where every change set stands (all environments when no target is given)',
  usage: ['strata status [--env NAME | --database-url URL] [--dir PATH] [--json]'],
  description: `Without a target: one line per configured environment (reachable, schema version,
last migration, pending, failed). With a target: every change set's state — applied,
pending, out_of_order, failed, checksum_mismatch or skipped — and what resolves blocked ones.`,
  flags: { ...TARGET_FLAGS, ...PROJECT_FLAGS },
  async run(options) {
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

/** History tags no change set of the project answers to (renamed or deleted files): apply and rollback refuse while any is pending. */
function unknownNote(unknownTags: string[]): string[] {
  return unknownTags.length ? ['', `! The history also names change sets this project does not have: ${unknownTags.join(', ')}`] : [];
}
