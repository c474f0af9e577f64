import type { Project } from '../changesets/project';
import { assertPlanAsReviewed, planApply, type ApplyOptions } from './plan';
import type { RunContext } from './run-context';
import { parseAll, runInOrder, type RunResult } from './run-plan';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export type { ApplyOptions } from './plan';
export type { RunResult } from './run-plan';

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
    const parsed = await parseAll(plan.changeSets, 'up', project.dir);
    await options.beforeRun?.(items);
    return runInOrder(conn, ctx, parsed, 'apply', { skippedOutOfOrder: plan.skippedOutOfOrder });
  }, { waitMs: ctx.lockWaitMs, place: ctx.place });
}
