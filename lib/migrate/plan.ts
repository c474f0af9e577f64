import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { StrataError } from '../errors';
import type { TargetStatus } from './target-state';

/**
 * Which change sets an apply or a rollback would run, decided from a target's status alone.
 * The real run and the dry run share these, so a dry run always previews exactly the plan
 * that confirming it executes.
 */

export interface ApplyOptions {
  /** Apply pending change sets up to and including this tag (or version). */
  to?: string;
  /** Also apply change sets that sit before already-applied ones. */
  includeOutOfOrder?: boolean;
  /** The tags a dry run showed; the run refuses if the plan is no longer exactly these. */
  expectPlan?: string[];
}

export interface RollbackOptions {
  /** Roll back the last N applied change sets (default 1). */
  steps?: number;
  /** Roll back every applied change set after this one (it stays applied). */
  to?: string;
  /** Roll back everything. */
  all?: boolean;
  /** The tags a dry run showed; the run refuses if the plan is no longer exactly these. */
  expectPlan?: string[];
}

export interface ApplyPlan {
  changeSets: ChangeSet[];
  /** Out-of-order change sets left alone (reported, never silently skipped). */
  skippedOutOfOrder: string[];
}

export function planApply(project: Project, status: TargetStatus, options: ApplyOptions = {}): ApplyPlan {
  const limit = options.to ? findChangeSet(project, options.to).version : Infinity;
  const wanted = new Set<string>(['pending', ...(options.includeOutOfOrder ? ['out_of_order'] : [])]);
  const changeSets = status.changeSets.filter((c) => wanted.has(c.state) && c.changeSet.version <= limit).map((c) => c.changeSet);
  const skippedOutOfOrder = status.changeSets
    .filter((c) => c.state === 'out_of_order' && !changeSets.includes(c.changeSet))
    .map((c) => c.changeSet.tag);
  return { changeSets, skippedOutOfOrder };
}

/** Checks the options before anything is read, so bad usage fails without a connection. */
export function checkRollbackOptions(options: RollbackOptions): void {
  const chosen = [options.steps !== undefined, options.to !== undefined, options.all === true].filter(Boolean).length;
  if (chosen > 1) throw new StrataError('BAD_USAGE', 'Choose one of --steps, --to and --all');
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1) throw new StrataError('BAD_USAGE', `--steps must be a positive whole number (got ${options.steps})`);
}

/**
 * Applied change sets to undo, most recently applied first (the reverse of the order the
 * target actually saw). Every one must have a rollback file: checked here, before anything runs.
 */
export function planRollback(project: Project, status: TargetStatus, options: RollbackOptions = {}): ChangeSet[] {
  checkRollbackOptions(options);
  const floor = options.to !== undefined ? findChangeSet(project, options.to) : null;
  if (floor && !status.changeSets.some((c) => c.changeSet.tag === floor.tag && c.state === 'applied')) {
    throw new StrataError('INVALID_STATE', `--to ${floor.tag}: that change set is not applied on this target`);
  }
  const applied = appliedInOrder(status).reverse();
  const plan = options.all ? applied : floor ? applied.filter((c) => c.version > floor.version) : applied.slice(0, options.steps ?? 1);
  const missing = plan.filter((c) => !c.rollback);
  if (missing.length) {
    throw new StrataError(
      'NO_ROLLBACK',
      `Cannot roll back: no rollback file for ${missing.map((c) => `${c.tag} (expected rollback/${c.tag}.sql)`).join(', ')}. Nothing was changed.`,
      { tags: missing.map((c) => c.tag) },
    );
  }
  return plan;
}

/** Applied change sets in the order the target applied them (by history row). */
export function appliedInOrder(status: TargetStatus): ChangeSet[] {
  return status.changeSets
    .filter((c) => c.state === 'applied')
    .sort((a, b) => (a.last?.id ?? 0) - (b.last?.id ?? 0))
    .map((c) => c.changeSet);
}

/**
 * What is confirmed is what runs: when the caller reviewed a dry run, the plan made under
 * the lock must be exactly the change sets it showed, in the same order. Someone else's
 * apply in between, or an edited journal, stops the run before anything changes.
 */
export function assertPlanAsReviewed(plan: ChangeSet[], expected: string[] | undefined): void {
  if (expected === undefined) return;
  const actual = plan.map((c) => c.tag);
  if (actual.length === expected.length && actual.every((tag, i) => tag === expected[i])) return;
  throw new StrataError(
    'PLAN_CHANGED',
    `The plan changed since the dry run: it would now run ${actual.length ? actual.join(', ') : 'nothing'}, but the dry run showed ${expected.length ? expected.join(', ') : 'nothing'}. Nothing was changed; run the dry run again.`,
    { expected, actual },
  );
}
