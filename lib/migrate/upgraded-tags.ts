import type { ChangeSet, Project } from '../changesets/project';
import type { DrizzleRow, HistoryEntry } from './history-store';

/**
 * `drizzle-kit up` (drizzle-kit 1.0) turns a 0.x project's `migrations/0003_x.sql` into
 * `migrations/<yyyymmddhhmmss of its journal when>_x/migration.sql`, copying the SQL byte for
 * byte. Strata's history (append-only) keeps the old tag, so without this every change set
 * applied before the upgrade would read as pending and `apply` would run it again.
 *
 * An old tag T of the history is the folder F when:
 * - T is no longer a tag of the project, and the checksum of T's latest history row (Strata
 *   records the forward file's sha256 on every row) is F's `migration.sql` checksum; and
 * - for a T applied now, the same second: the drizzle row Strata wrote for T — same hash,
 *   created_at in F's second (the journal's `when` had milliseconds, the folder has whole
 *   seconds), not named otherwise. A folder renamed to another second does not match: drizzle's
 *   row would then be left matching no folder, which drizzle-orm 1.0's table upgrade refuses;
 * - for a T not applied now (rolled back, skipped, or superseded by rows Strata wrote under F's
 *   tag since: drizzle's row then is F's own, or none), T's name after its `NNNN_` equals F's
 *   after its timestamp, as `drizzle-kit up` names it.
 * Exactly one folder must fit; a T that fits none or several stays unknown (and a run with
 * change sets pending is refused: assertNoBlockers).
 */
export function upgradedTags(project: Project, history: HistoryEntry[], drizzleRows: DrizzleRow[]): Map<string, ChangeSet> {
  const renamed = new Map<string, ChangeSet>();
  if (project.layout !== 'folders') return renamed;
  const known = new Set(project.changeSets.map((c) => c.tag));
  const latest = new Map<string, HistoryEntry>();
  for (const entry of history) if (!known.has(entry.tag)) latest.set(entry.tag, entry);
  const claimed = new Set<string>();
  for (const [oldTag, last] of latest) {
    const fits = project.changeSets.filter((f) => {
      if (claimed.has(f.tag) || f.forward.checksum !== last.checksum) return false;
      // Rows Strata wrote under the new tag since (a rollback, a re-apply) say where it stands now.
      const appliedNow = last.status === 'applied' && !history.some((h) => h.tag === f.tag && h.id > last.id);
      return appliedNow ? sameSecondRow(f, last.checksum, drizzleRows) : sameName(oldTag, f.tag);
    });
    if (fits.length !== 1) continue;
    renamed.set(oldTag, fits[0]!);
    claimed.add(fits[0]!.tag);
  }
  return renamed;
}

function sameSecondRow(folder: ChangeSet, checksum: string, drizzleRows: DrizzleRow[]): boolean {
  return drizzleRows.some((r) => r.hash === checksum && sameSecond(r.createdAt, folder.when) && (r.name === null || r.name === folder.tag));
}

/** Whether two created_at values fall in one second, as drizzle-orm 1.0's table upgrade compares them (rounding down). */
export function sameSecond(a: number, b: number): boolean {
  return Math.floor(a / 1000) === Math.floor(b / 1000);
}

function sameName(oldTag: string, folder: string): boolean {
  return oldTag.split('_').slice(1).join('_') === folder.split('_').slice(1).join('_');
}
