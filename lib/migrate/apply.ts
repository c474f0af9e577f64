import type { ChangeSet, Project } from '../changesets/project';
import { splitStatements, type Statement } from '../changesets/statements';
import { assertPlanAsReviewed, planApply, type ApplyOptions } from './plan';
import { runChangeSet, type RunRecord } from './run-change-set';
import type { RunContext } from './run-context';
import type { TableBackup } from './table-backup';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export type { ApplyOptions } from './plan';

export interface RunResult {
  records: RunRecord[];
  /** The change set that failed, if any; nothing after it ran. */
  failed: RunRecord | null;
  /** Out-of-order change sets that were left alone (reported, never silently skipped). */
  skippedOutOfOrder: string[];
  /** Where a destructive rollback copied the affected tables first. */
  backup: TableBackup | null;
}

/**
 * Applies pending change sets in journal order, each in its own transaction, under the
 * target lock. Every file is parsed before the first one runs, so malformed SQL changes
 * nothing; the first failure stops the run.
 */
export async function applyChangeSets(ctx: RunContext, project: Project, options: ApplyOptions = {}): Promise<RunResult> {
  return withTargetLock(ctx.url, ctx.sessionLabel ?? ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status);
    const plan = planApply(project, status, options);
    const items = assertPlanAsReviewed(plan.changeSets, 'apply', options.expectPlan);
    const parsed = await parseAll(plan.changeSets, (c) => c.forward);
    await options.beforeRun?.(items);
    return runInOrder(conn, ctx, parsed, 'up', 'apply', { skippedOutOfOrder: plan.skippedOutOfOrder });
  }, { waitMs: ctx.lockWaitMs });
}

export interface ParsedChangeSet {
  changeSet: ChangeSet;
  statements: Statement[];
}

/** Splits every file of a plan first, so a parse error aborts before anything runs. */
export async function parseAll(plan: ChangeSet[], pick: (c: ChangeSet) => NonNullable<ChangeSet['rollback']>): Promise<ParsedChangeSet[]> {
  const parsed = [];
  for (const changeSet of plan) parsed.push({ changeSet, statements: await splitStatements(pick(changeSet)) });
  return parsed;
}

export async function runInOrder(
  conn: Parameters<typeof runChangeSet>[0],
  ctx: RunContext,
  parsed: ParsedChangeSet[],
  direction: 'up' | 'down',
  operation: 'apply' | 'rollback',
  extra: { skippedOutOfOrder?: string[]; backup?: TableBackup | null } = {},
): Promise<RunResult> {
  const records: RunRecord[] = [];
  const done = (failed: RunRecord | null): RunResult => ({ records, failed, skippedOutOfOrder: extra.skippedOutOfOrder ?? [], backup: extra.backup ?? null });
  for (const [position, { changeSet, statements }] of parsed.entries()) {
    const file = direction === 'up' ? changeSet.forward : changeSet.rollback!;
    ctx.onProgress?.({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
    const record = await runChangeSet(conn, ctx, changeSet, file, statements, direction, operation, extra.backup?.schema ?? null);
    records.push(record);
    if (record.status === 'failed') return done(record);
  }
  return done(null);
}
