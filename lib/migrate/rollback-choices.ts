import type { Project } from '../changesets/project';
import { selectRollback } from './plan';
import type { TargetStatus } from './target-state';

/**
 * What the rollbacks an environment's page offers would undo, from the engine's own view of
 * the target: the applied change sets in the order planRollback undoes them. The page's
 * buttons pass this order through `undone` (rollback-order.ts), the rule planRollback
 * applies, so each names exactly what its rollback undoes — also after an out-of-order
 * apply, when the change set applied last is not the newest in the journal. Linear in the
 * number of applied change sets, however many "roll back to" choices there are.
 */
export interface RollbackChoices {
  /** Every applied change set, most recently applied first: "roll back last" undoes the first. */
  undoOrder: Array<{ tag: string; version: number; hasRollback: boolean }>;
  /** The applied change set furthest along the journal: not the first of `undoOrder` when an out-of-order apply came after it. */
  newestInJournal: string | null;
  /** "Roll back to X, keeping X": every applied change set, in journal order, that leaves something to undo. */
  floors: Array<{ tag: string; version: number }>;
}

export function rollbackChoices(project: Project, status: TargetStatus): RollbackChoices {
  const undoOrder = selectRollback(project, status, { all: true }).map((c) => ({ tag: c.tag, version: c.version, hasRollback: c.rollback !== null }));
  const inJournal = [...undoOrder].sort((a, b) => a.version - b.version);
  return {
    undoOrder,
    newestInJournal: inJournal.at(-1)?.tag ?? null,
    floors: inJournal.slice(0, -1).map(({ tag, version }) => ({ tag, version })),
  };
}
