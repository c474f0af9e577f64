import { rollbackFileOf, type ChangeSet, type SqlFile } from '../changesets/project';
import { StrataError } from '../errors';

/**
 * Which of a change set's files a direction means — the one place that choice is made, for
 * running a plan, describing it and naming its files in messages.
 */

export type Direction = 'up' | 'down';

/** The direction an apply or a rollback runs its change sets in. */
export function directionOf(operation: 'apply' | 'rollback'): Direction {
  return operation === 'apply' ? 'up' : 'down';
}

/** The file a change set has for `direction`: its forward file up, its rollback file down (null when it has none). */
export function fileFor(changeSet: ChangeSet, direction: Direction): SqlFile | null {
  return direction === 'up' ? changeSet.forward : changeSet.rollback;
}

/** The file a change set runs in `direction`: one without a rollback file cannot run down. */
export function fileToRun(changeSet: ChangeSet, direction: Direction): SqlFile {
  const file = fileFor(changeSet, direction);
  if (!file) throw new StrataError('NO_ROLLBACK', `${changeSet.tag} has no rollback file (expected ${rollbackFileOf(changeSet)})`, { tags: [changeSet.tag] });
  return file;
}
