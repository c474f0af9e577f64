import { totalRows } from '../../backup/backup-record';
import { pruneOnTarget, restoreLines, restoreOnTarget } from '../../backup/backup-operations';
import { readBackups } from '../../backup/backups';
import { StrataError } from '../../errors';
import { assertConfirmed } from '../../migrate/confirm-target';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, switchFlag } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, TARGET_FLAGS } from '../flags';
import { table, when } from '../format';
import { refuseOnProtected } from '../reviewed-runs';
import { withReachableTarget } from '../with-target';

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`);

/** `backup list | restore ID [--dry-run] | prune`: the copies taken before change sets that could destroy data. */
export const backupCommand = defineCommand({
  name: 'backup',
  summary: 'list, restore or prune the verified copies taken before destructive change sets     list | restore ID | prune',
  usage: [
    'strata backup list (--env NAME | --database-url URL)',
    'strata backup restore ID [--dry-run] (--env NAME | --database-url URL) [--confirm NAME]',
    'strata backup prune (--env NAME | --database-url URL)',
  ],
  description: `Before a change set that can destroy data, Strata copies what it can destroy and verifies
the copy (see the environment's backup policy). list shows them; restore puts back what the
change set destroyed (run it after rolling that change set back: dropped tables get their rows,
dropped or rewritten columns their values, by primary key) — --dry-run says what it would write;
prune applies the retention policy now (newest N, none older than D days).`,
  flags: {
    'dry-run': switchFlag('restore: say what would be written, write nothing'),
    ...CONFIRM_FLAGS,
    ...TARGET_FLAGS,
    ...ACTOR_FLAGS,
  },
  async run(options, positional) {
    const [action, id] = positional;
    if (action !== 'list' && action !== 'restore' && action !== 'prune') throw new StrataError('BAD_USAGE', 'backup needs a subcommand: list, restore ID or prune');
    if (action === 'restore' && !id) throw new StrataError('BAD_USAGE', 'backup restore needs the backup\'s id (see backup list)');
    return withReachableTarget(options, async (target, config) => {
      const ctx = cliContext(options, target);
      if (action === 'list') {
        const backups = await readBackups(target.url, target.backup);
        const rows = backups.map((b) => [b.id, when(b.createdAt), b.changeSet ?? '?', b.tables.map((t) => t.source).join(', '), totalRows(b), size(b.sizeBytes), b.verified ? 'yes' : 'no']);
        return { code: 0, text: rows.length ? table(['backup', 'when', 'before', 'tables', 'rows', 'size', 'verified'], rows) : 'No backups on this target.', json: backups };
      }
      if (action === 'prune') {
        const pruned = await auditedCli(options, target, config, 'backup-prune', () => pruneOnTarget(ctx), (r) => ({ outcome: 'ok', detail: r.removed.map((x) => `${x.id} (${x.why})`).join(', ').slice(0, 500) || 'nothing to remove' }));
        const text = pruned.removed.length ? pruned.removed.map((r) => `Removed ${r.id}: ${r.why}`).join('\n') : 'Nothing to remove.';
        return { code: 0, text: `${text}\nKept ${pruned.kept.length} (policy: newest ${target.backup.policy.keep}, none older than ${target.backup.policy.maxAgeDays} days).`, json: pruned };
      }
      if (options.dryRun) {
        const dry = await restoreOnTarget(ctx, id!, { write: false });
        return { code: dry.tables.some((t) => t.problem) ? 1 : 0, text: [`Dry run of restoring ${dry.backup.id} (nothing written):`, ...restoreLines(dry)].join('\n'), json: dry };
      }
      assertConfirmed(target, options.confirm);
      refuseOnProtected(target, 'backup restore');
      const restored = await auditedCli(options, target, config, 'backup-restore', () => restoreOnTarget(ctx, id!, { write: true }), (r) => ({
        outcome: 'ok',
        target: r.backup.id,
        detail: restoreLines(r).join('; ').slice(0, 500),
      }));
      return { code: 0, text: [`Restored ${restored.backup.id}:`, ...restoreLines(restored)].join('\n'), json: restored };
    });
  },
});
