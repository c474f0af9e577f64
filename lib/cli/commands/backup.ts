import { StrataError } from '../../errors';
import { assertConfirmed } from '../../migrate/confirm-target';
import { listBackups, restoreBackup } from '../../migrate/table-backup';
import { withTargetLock } from '../../migrate/target-lock';
import { auditedCli } from '../cli-audit';
import { cliContext } from '../cli-context';
import { defineCommand, valueFlag } from '../command';
import { ACTOR_FLAGS, CONFIRM_FLAGS, TARGET_FLAGS } from '../flags';
import { table } from '../format';
import { refuseOnProtected } from '../reviewed-runs';
import { withReachableTarget } from '../with-target';

/** `backup list` and `backup restore --schema S`: undo a destructive rollback. */
export const backupCommand = defineCommand({
  name: 'backup',
  summary: 'list, or restore, the tables a rollback copied first     list | restore --schema S',
  usage: ['strata backup list (--env NAME | --database-url URL)', 'strata backup restore --schema NAME (--env NAME | --database-url URL) [--confirm NAME]'],
  description: `Lists the backup schemas destructive rollbacks created, or puts a backup's rows back into
their tables (which must exist again: re-apply the change set first). Rows whose key
already exists are left alone. One transaction: all or nothing.`,
  flags: {
    schema: valueFlag('NAME', 'restore: the backup schema (see backup list)'),
    ...CONFIRM_FLAGS,
    ...TARGET_FLAGS,
    ...ACTOR_FLAGS,
  },
  async run(options, positional) {
    const action = positional[0];
    if (action !== 'list' && action !== 'restore') throw new StrataError('BAD_USAGE', 'backup needs a subcommand: list, or restore --schema NAME');
    if (action === 'restore' && !options.schema) throw new StrataError('BAD_USAGE', 'backup restore needs --schema NAME (see backup list)');
    return withReachableTarget(options, async (target, config) => {
      const ctx = cliContext(options, target);
      if (action === 'list') {
        const backups = await withTargetLock(ctx.url, ctx.actor, (conn) => listBackups(conn));
        const rows = backups.flatMap((b) => b.tables.map((t) => [b.schema, t.source, t.backupTable, t.rows]));
        return { code: 0, text: rows.length ? table(['schema', 'table', 'copy', 'rows'], rows) : 'No backups on this target.', json: backups };
      }
      assertConfirmed(target, options.confirm);
      refuseOnProtected(target, 'backup restore');
      const restored = await auditedCli(options, target, config, 'backup-restore', () => withTargetLock(ctx.url, ctx.actor, (conn) => restoreBackup(conn, options.schema!)), (r) => ({
        outcome: 'ok',
        target: options.schema!,
        detail: r.map((x) => `${x.table}: ${x.rows} rows`).join(', ') || null,
      }));
      ctx.logger.info({ env: ctx.environment, backup_schema: options.schema, restored, actor: ctx.actor }, 'backup restored');
      return {
        code: 0,
        text: restored.map((r) => `Restored ${r.rows} rows into ${r.table}`).join('\n') || 'Nothing to restore.',
        json: { schema: options.schema, restored },
      };
    });
  },
});
