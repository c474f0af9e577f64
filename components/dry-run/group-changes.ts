import type { DiffAction, DiffChange, SchemaDiff } from '@/lib/diff/types';

export interface ChangeGroup {
  /** Table (or view, enum) id; null for schemas and extensions, and for changes that belong to no table. */
  table: string | null;
  /** What the group is headed with: its table id, SCHEMAS_AND_EXTENSIONS or OTHER_OBJECTS. */
  heading: string;
  changes: DiffChange[];
  counts: Record<DiffAction, number>;
}

export const SCHEMAS_AND_EXTENSIONS = 'Schemas and extensions';
export const OTHER_OBJECTS = 'Other objects';

const ownGroup = (change: DiffChange) => change.kind === 'schema' || change.kind === 'extension';

/**
 * Groups diff changes by the table they belong to, tables in the order they first appear
 * (the diff is sorted by table id already) and changes in their own order. Schema and
 * extension changes come first, in one group, as the diff lists them; any other change
 * with no table comes last, in one group.
 */
export function groupChangesByTable(changes: readonly DiffChange[]): ChangeGroup[] {
  const groups = new Map<string, ChangeGroup>();
  for (const change of changes) {
    const heading = ownGroup(change) ? SCHEMAS_AND_EXTENSIONS : (change.table ?? OTHER_OBJECTS);
    // Keyed by heading, a table named like a heading would merge with it: tables are keyed apart.
    const key = change.table !== null && !ownGroup(change) ? `table:${change.table}` : heading;
    let group = groups.get(key);
    if (!group) {
      group = { table: ownGroup(change) ? null : change.table, heading, changes: [], counts: { added: 0, removed: 0, changed: 0 } };
      groups.set(key, group);
    }
    group.changes.push(change);
    group.counts[change.action] += 1;
  }
  const list = [...groups.values()];
  const rank = (g: ChangeGroup) => (g.table !== null ? 1 : g.heading === SCHEMAS_AND_EXTENSIONS ? 0 : 2);
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** Every table id the diff touches, each once, in diff order. */
export function touchedTables(diff: Pick<SchemaDiff, 'changes'>): string[] {
  return [...new Set(diff.changes.map((c) => c.table).filter((t): t is string => t !== null))];
}
