/**
 * Which applied change sets a rollback undoes, given them in the order it undoes them (most
 * recently applied first): `steps` takes the first N, `toVersion` every one after that
 * position in the journal (keeping it), `all` every one. planRollback applies this rule to
 * a target's status; the environment page's buttons apply it to the same order
 * (rollbackChoices), in the browser — so this module imports nothing.
 */
export interface UndoSelection {
  steps?: number;
  toVersion?: number;
  all?: boolean;
}

export function undone<T extends { version: number }>(undoOrder: readonly T[], selection: UndoSelection): T[] {
  if (selection.all) return [...undoOrder];
  const { toVersion } = selection;
  if (toVersion !== undefined) return undoOrder.filter((c) => c.version > toVersion);
  return undoOrder.slice(0, selection.steps ?? 1);
}
