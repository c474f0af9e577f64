import { findChangeSet, rollbackFileOf, type ChangeSet, type Project } from '../changesets/project';
import { StrataError } from '../errors';
import { directionOf, fileFor } from './change-set-file';
import { undone } from './rollback-order';
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
  /** The plan a person reviewed; the run refuses unless the plan made under the lock is exactly it. */
  expectPlan?: PlanItem[];
  /** Called under the target's lock once the plan is settled, before anything runs (e.g. to claim a request). */
  beforeRun?: (plan: PlanItem[]) => Promise<void>;
}

export interface RollbackOptions {
  /** Roll back the last N applied change sets (default 1). */
  steps?: number;
  /** Roll back every applied change set after this one (it stays applied). */
  to?: string;
  /** Roll back everything. */
  all?: boolean;
  /** The plan a person reviewed; the run refuses unless the plan made under the lock is exactly it. */
  expectPlan?: PlanItem[];
  /** Called under the target's lock once the plan is settled, before anything runs (e.g. to claim a request). */
  beforeRun?: (plan: PlanItem[]) => Promise<void>;
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
  const plan = selectRollback(project, status, options);
  const missing = plan.filter((c) => !c.rollback);
  if (missing.length) {
    throw new StrataError(
      'NO_ROLLBACK',
      `Cannot roll back: no rollback file for ${missing.map((c) => `${c.tag} (expected ${rollbackFileOf(c)})`).join(', ')}. Nothing was changed.`,
      { tags: missing.map((c) => c.tag) },
    );
  }
  return plan;
}

/** The change sets a rollback with these options undoes, in the order it undoes them; rollback files not checked. */
export function selectRollback(project: Project, status: TargetStatus, options: RollbackOptions = {}): ChangeSet[] {
  checkRollbackOptions(options);
  const floor = options.to !== undefined ? findChangeSet(project, options.to) : null;
  if (floor && !status.changeSets.some((c) => c.changeSet.tag === floor.tag && c.state === 'applied')) {
    throw new StrataError('INVALID_STATE', `--to ${floor.tag}: that change set is not applied on this target`);
  }
  return undone(appliedInOrder(status).reverse(), { all: options.all, toVersion: floor?.version, steps: options.steps });
}

/** Applied change sets in the order the target applied them (by history row). */
export function appliedInOrder(status: TargetStatus): ChangeSet[] {
  return status.changeSets
    .filter((c) => c.state === 'applied')
    .sort((a, b) => (a.last?.id ?? 0) - (b.last?.id ?? 0))
    .map((c) => c.changeSet);
}

/**
 * One change set of a plan as a person reviewed it: its tag and the checksum of the file
 * that will run (the forward file to apply, the rollback file to roll back). A plan is its
 * direction plus these, in order.
 */
export interface PlanItem {
  tag: string;
  checksum: string;
}

/** The identity of each change set a plan runs in `direction`. */
export function planItems(changeSets: ChangeSet[], direction: 'apply' | 'rollback'): PlanItem[] {
  return changeSets.map((c) => ({ tag: c.tag, checksum: fileFor(c, directionOf(direction))?.checksum ?? 'no-rollback-file' }));
}

/** How `current` differs from the `reviewed` plan, in words, or null when it is the same. */
export function planDifference(reviewed: PlanItem[], current: PlanItem[]): string | null {
  const differences: string[] = [];
  const now = new Map(current.map((p) => [p.tag, p.checksum]));
  const then = new Map(reviewed.map((p) => [p.tag, p.checksum]));
  for (const p of reviewed) {
    if (!now.has(p.tag)) differences.push(`${p.tag} is no longer in the plan`);
    else if (now.get(p.tag) !== p.checksum) differences.push(`${p.tag}'s file changed (checksum ${p.checksum.slice(0, 12)} → ${now.get(p.tag)!.slice(0, 12)})`);
  }
  for (const p of current) if (!then.has(p.tag)) differences.push(`${p.tag} was added to the plan`);
  if (differences.length === 0 && reviewed.map((p) => p.tag).join('\n') !== current.map((p) => p.tag).join('\n')) {
    differences.push('the change sets would run in another order');
  }
  return differences.length ? differences.join('; ') : null;
}

/**
 * What is reviewed is what runs: when the caller reviewed a plan (a dry run, an approved
 * request, `plan --json`), the plan made under the lock must be exactly its change sets,
 * in the same order, with the same file checksums. Someone else's apply in between, an
 * edited file or journal, stops the run before anything changes.
 */
export function assertPlanAsReviewed(plan: ChangeSet[], direction: 'apply' | 'rollback', expected: PlanItem[] | undefined): PlanItem[] {
  const actual = planItems(plan, direction);
  if (expected === undefined) return actual;
  const difference = planDifference(expected, actual);
  if (difference === null) return actual;
  throw new StrataError(
    'PLAN_CHANGED',
    `The plan changed since it was reviewed: ${difference}. It would now ${direction === 'apply' ? 'apply' : 'roll back'} ${actual.length ? actual.map((p) => p.tag).join(', ') : 'nothing'}. Nothing was changed; review it again.`,
    { expected, actual, difference },
  );
}
