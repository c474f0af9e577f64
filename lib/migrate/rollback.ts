import type { Project } from '../changesets/project';
import { assertPlanAsReviewed, checkRollbackOptions, planRollback, type RollbackOptions } from './plan';
import type { RunContext } from './run-context';
import { parseAll, runInOrder, type RunResult } from './run-plan';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export type { RollbackOptions } from './plan';

export type RollbackRunOptions = RollbackOptions;

/**
 * Rolls back applied change sets in the reverse of the order they were applied. Every
 * one of them must have a rollback file: that is checked before the first one runs, not
 * discovered half-way. Before each rollback file that can destroy data, what it can destroy
 * is copied first (the run's backup policy, see run-plan.ts), and its history row says where.
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
    return runInOrder(conn, ctx, parsed, 'rollback');
  }, { waitMs: ctx.lockWaitMs, place: ctx.place });
}

