import type { Project } from '../changesets/project';
import { countTablesNamed, type RowCount } from '../db/row-counts';
import { assertPlanAsReviewed, checkRollbackOptions, planRollback, type RollbackOptions } from './plan';
import type { RunContext } from './run-context';
import { parseAll, runInOrder, type ParsedChangeSet, type RunResult } from './run-plan';
import { backupTables, type TableBackup } from './table-backup';
import { withTargetLock, type LockedConnection } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export type { RollbackOptions } from './plan';

export interface RollbackRunOptions extends RollbackOptions {
  /** Copy tables whose rows the rollback destroys into a backup schema first (default true). */
  backup?: boolean;
}

/**
 * Rolls back applied change sets in the reverse of the order they were applied. Every
 * one of them must have a rollback file: that is checked before the first one runs, not
 * discovered half-way. When the rollback files drop tables or columns (or delete rows) of
 * tables that have rows, those tables are copied to a backup schema first, and each
 * history row says where.
 */
export async function rollbackChangeSets(ctx: RunContext, project: Project, options: RollbackRunOptions = {}): Promise<RunResult> {
  checkRollbackOptions(options);
  return withTargetLock(ctx.url, ctx.sessionLabel ?? ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status);
    const plan = planRollback(project, status, options);
    const items = assertPlanAsReviewed(plan, 'rollback', options.expectPlan);
    const parsed = await parseAll(plan, 'down');
    await options.beforeRun?.(items);
    const backup = options.backup === false ? null : await backupDestroyedTables(conn, ctx, parsed);
    return runInOrder(conn, ctx, parsed, 'rollback', { backup });
  }, { waitMs: ctx.lockWaitMs });
}

/** The tables (with rows) that the rollback statements can destroy. */
export async function tablesToBackUp(conn: LockedConnection, parsed: ParsedChangeSet[]): Promise<RowCount[]> {
  const names = [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => s.destroys)))];
  return (await countTablesNamed(conn, names)).filter((t) => t.rows > 0);
}

async function backupDestroyedTables(conn: LockedConnection, ctx: RunContext, parsed: ParsedChangeSet[]): Promise<TableBackup | null> {
  const tables = await tablesToBackUp(conn, parsed);
  if (tables.length === 0) return null;
  const label = String(parsed[0]!.changeSet.version).padStart(4, '0');
  const backup = await backupTables(conn, tables.map((t) => t.table), label, { actor: ctx.actor, changeSets: parsed.map((p) => p.changeSet.tag) });
  ctx.logger.info({ env: ctx.environment, backup_schema: backup.schema, tables: backup.tables.map((t) => t.source), actor: ctx.actor }, 'tables backed up before rollback');
  return backup;
}
