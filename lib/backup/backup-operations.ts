import { connect } from '../db/client';
import type { RunContext } from '../migrate/run-context';
import { withTargetLock } from '../migrate/target-lock';
import { totalRows } from './backup-record';
import { pruneBackups, settingsOf, type PruneResult } from './backups';
import { restoreBackup, type RestoreResult } from './restore';

/**
 * Restore and prune as runs on a target, shared by the CLI and the console. Writing takes
 * the target's lock, like any change: a restore cannot interleave with an apply. The dry
 * run of a restore writes nothing, so it takes no lock and never keeps a run waiting.
 */
export async function restoreOnTarget(
  ctx: RunContext,
  id: string,
  options: { write: boolean; /** Under the target's lock, before anything is written (an approved request's claim). */ beforeWrite?: () => Promise<void> },
): Promise<RestoreResult> {
  const settings = settingsOf(ctx);
  const run = (conn: Parameters<typeof restoreBackup>[0]) => restoreBackup(conn, settings, id, { write: options.write, onProgress: ctx.onProgress });
  if (!options.write) {
    const sql = connect(ctx.url, { max: 1, applicationName: 'strata:restore-dry-run' });
    try {
      const conn = await sql.reserve();
      try {
        return await run(conn);
      } finally {
        conn.release();
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  const result = await withTargetLock(
    ctx.url,
    ctx.sessionLabel ?? ctx.actor,
    async (conn) => {
      await options.beforeWrite?.();
      return run(conn);
    },
    { waitMs: ctx.lockWaitMs, place: ctx.place },
  );
  ctx.logger.info(
    { env: ctx.environment, backup: id, tables: result.tables.map((t) => ({ table: t.table, inserted: t.insert, updated: t.update })), rows: totalRows(result.backup), actor: ctx.actor },
    'backup restored',
  );
  return result;
}

export async function pruneOnTarget(ctx: RunContext): Promise<PruneResult> {
  const result = await withTargetLock(ctx.url, ctx.sessionLabel ?? ctx.actor, (conn) => pruneBackups(conn, settingsOf(ctx)), { waitMs: ctx.lockWaitMs, place: ctx.place });
  ctx.logger.info({ env: ctx.environment, removed: result.removed, kept: result.kept.length, actor: ctx.actor }, 'backups pruned');
  return result;
}

/** What a restore did (or, dry, would do), one line per table. */
export function restoreLines(result: RestoreResult): string[] {
  return result.tables.map((t) => {
    if (t.problem) return `✗ ${t.table}: ${t.problem}`;
    const verb = result.written ? '' : 'would ';
    const parts = t.mode === 'rows'
      ? [`${verb}insert ${t.insert} row${t.insert === 1 ? '' : 's'}`, `${verb}update ${t.update}`]
      : [`${verb}write ${t.columns.filter((c) => !t.key.includes(c)).join(', ')} on ${t.update} row${t.update === 1 ? '' : 's'} by ${t.key.join(', ')}`];
    if (t.unchanged) parts.push(`${t.unchanged} already equal`);
    if (t.notRestorable) parts.push(`${t.notRestorable} whose row no longer exists`);
    return `✓ ${t.table}: ${parts.join(', ')}`;
  });
}
