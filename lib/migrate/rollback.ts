import { findChangeSet, type Project } from '../changesets/project';
import { StrataError } from '../errors';
import { parseAll, runInOrder, type RunResult } from './apply';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export interface RollbackOptions {
  /** Roll back the last N applied change sets (default 1). */
  steps?: number;
  /** Roll back every applied change set after this one (it stays applied). */
  to?: string;
  /** Roll back everything. */
  all?: boolean;
}

/**
 * Rolls back applied change sets in the reverse of the order they were applied. Every
 * one of them must have a rollback file: that is checked before the first one runs, not
 * discovered half-way.
 */
export async function rollbackChangeSets(ctx: RunContext, project: Project, options: RollbackOptions = {}): Promise<RunResult> {
  const chosen = [options.steps !== undefined, options.to !== undefined, options.all === true].filter(Boolean).length;
  if (chosen > 1) throw new StrataError('BAD_USAGE', 'Choose one of --steps, --to and --all');
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) throw new StrataError('BAD_USAGE', `--steps must be a positive whole number (got ${options.steps})`);
  const floor = options.to !== undefined ? findChangeSet(project, options.to) : null;

  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status);
    if (floor && !status.changeSets.some((c) => c.changeSet.tag === floor.tag && c.state === 'applied')) {
      throw new StrataError('INVALID_STATE', `--to ${floor.tag}: that change set is not applied on this target`);
    }
    // Most recently applied first: the reverse of the order the target actually saw.
    const applied = status.changeSets
      .filter((c) => c.state === 'applied')
      .sort((a, b) => (b.last?.id ?? 0) - (a.last?.id ?? 0));
    const plan = (options.all ? applied : floor ? applied.filter((c) => c.changeSet.version > floor.version) : applied.slice(0, steps)).map(
      (c) => c.changeSet,
    );
    const missing = plan.filter((c) => !c.rollback);
    if (missing.length) {
      throw new StrataError(
        'NO_ROLLBACK',
        `Cannot roll back: no rollback file for ${missing.map((c) => `${c.tag} (expected rollback/${c.tag}.sql)`).join(', ')}. Nothing was changed.`,
        { tags: missing.map((c) => c.tag) },
      );
    }
    const parsed = await parseAll(plan, (c) => c.rollback!);
    return runInOrder(conn, ctx, parsed, 'down', 'rollback');
  });
}
