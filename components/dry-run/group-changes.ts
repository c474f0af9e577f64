import type { DiffAction, DiffChange, SchemaDiff } from '@/lib/diff/types';

export interface ChangeGroup {
  /** Table (or view, enum) id; null for changes that belong to no table. */
  table: string | null;
  changes: DiffChange[];
  counts: Record<DiffAction, number>;
}

/**
 * Groups diff changes by the table they belong to, tables in the order they first appear
 * (the diff is sorted by table id already) and changes in their own order; changes with no
 * table come last, in one group.
 */
export function groupChangesByTable(changes: readonly DiffChange[]): ChangeGroup[] {
  const groups = new Map<string | null, ChangeGroup>();
  for (const change of changes) {
    let group = groups.get(change.table);
    if (!group) {
      group = { table: change.table, changes: [], counts: { added: 0, removed: 0, changed: 0 } };
      groups.set(change.table, group);
    }
    group.changes.push(change);
    group.counts[change.action] += 1;
  }
  const list = [...groups.values()];
  return [...list.filter((g) => g.table !== null), ...list.filter((g) => g.table === null)];
}

/** Every table id the diff touches, each once, in diff order. */
export function touchedTables(diff: Pick<SchemaDiff, 'changes'>): string[] {
  return [...new Set(diff.changes.map((c) => c.table).filter((t): t is string => t !== null))];
}
