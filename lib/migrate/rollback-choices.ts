import type { Project } from '../changesets/project';
import { missingRollbackFiles, selectRollback, type RollbackOptions } from './plan';
import type { TargetStatus } from './target-state';

/**
 * The rollbacks an environment's page offers, each with the change sets the engine would
 * undo, in the order it would undo them. They come from the same selection `planRollback`
 * makes, so a button names exactly what its rollback undoes — also after an out-of-order
 * apply, when the change set applied last is not the newest in the journal.
 */
export interface RollbackChoice {
  /** Tags the rollback undoes, in the order it undoes them. Never empty. */
  undoes: string[];
  /** Why the engine would refuse it (a change set without a rollback file), or null. */
  refusal: string | null;
}

export interface RollbackChoices {
  /** "Roll back last change set" (`steps: 1`): the change set applied most recently. Null when nothing is applied. */
  last: RollbackChoice | null;
  /** The applied change set furthest along the journal: not `last` when an out-of-order apply came after it. */
  newestInJournal: string | null;
  /** "Roll back to X, keeping X" (`to: X`): one per applied change set, in journal order, that leaves something to undo. */
  backTo: Array<RollbackChoice & { to: string }>;
}

export function rollbackChoices(project: Project, status: TargetStatus): RollbackChoices {
  const applied = status.changeSets.filter((c) => c.state === 'applied').map((c) => c.changeSet.tag);
  const backTo = applied.map((to) => ({ to, ...choice(project, status, { to }) })).filter((c) => c.undoes.length > 0);
  return {
    last: applied.length > 0 ? choice(project, status, { steps: 1 }) : null,
    newestInJournal: applied.at(-1) ?? null,
    backTo,
  };
}

function choice(project: Project, status: TargetStatus, options: RollbackOptions): RollbackChoice {
  const plan = selectRollback(project, status, options);
  return { undoes: plan.map((c) => c.tag), refusal: missingRollbackFiles(plan)?.message ?? null };
}
