import type { QualifiedName, SchemaModel } from '../introspect/schema-model';
import type { InferredRelationship } from './inferred';
import { compareText, partitionRoot, tablesById, visibleForeignKeys } from './model-helpers';

/**
 * The shortest foreign-key path between two tables, following keys either way (a path from
 * `projects` to `ci_builds` may go through a table that references both). Breadth-first, so
 * the fewest hops; among paths of equal length the one whose tables sort first, so the same
 * schema always answers the same path. Partitions count as the table they belong to, as the
 * ERD draws them: a path to GitLab's `ci_builds` (a partition of `p_ci_builds`) ends at
 * `p_ci_builds`, whose foreign keys its partitions share.
 */
export interface PathStep {
  from: QualifiedName;
  to: QualifiedName;
  /** The foreign key walked, and which way: `forward` from the referencing table to the referenced one. */
  foreignKey: string;
  /** The table that holds the foreign key. */
  holder: QualifiedName;
  columns: string[];
  referencedColumns: string[];
  direction: 'forward' | 'backward';
  /** Walked over an inferred relationship (inferred.ts), not a declared key. */
  inferred: boolean;
}

export interface FoundPath {
  /** From the start (or its partitioned root) to the end (or its root). */
  tables: QualifiedName[];
  steps: PathStep[];
}

/**
 * Null when the two tables are not connected by foreign keys at all; a path of no steps from
 * a table to itself. With `inferred`, naming inferences count as keys too (a declared key is
 * preferred at equal length: inferred steps sort after declared ones).
 */
export function findPath(model: SchemaModel, from: QualifiedName, to: QualifiedName, options: { inferred?: InferredRelationship[] } = {}): FoundPath | null {
  const byId = tablesById(model);
  const rootOf = (id: QualifiedName) => {
    const table = byId.get(id);
    return table ? partitionRoot(table, byId).id : null;
  };
  const start = rootOf(from);
  const end = rootOf(to);
  if (!start || !end) return null;
  const neighbours = new Map<QualifiedName, PathStep[]>();
  const add = (step: PathStep) => {
    const list = neighbours.get(step.from);
    if (list) list.push(step);
    else neighbours.set(step.from, [step]);
  };
  for (const table of model.tables) {
    const holder = rootOf(table.id)!;
    for (const fk of visibleForeignKeys(table)) {
      const target = rootOf(fk.references.table);
      if (!target || target === holder) continue;
      const base = { foreignKey: fk.name, holder, columns: fk.columns, referencedColumns: fk.references.columns, inferred: false };
      add({ ...base, from: holder, to: target, direction: 'forward' });
      add({ ...base, from: target, to: holder, direction: 'backward' });
    }
  }
  for (const link of options.inferred ?? []) {
    const holder = rootOf(link.table);
    const target = link.references ? rootOf(link.references.table) : null;
    if (!holder || !target || target === holder) continue;
    const base = { foreignKey: `inferred: ${link.reason}`, holder, columns: link.columns, referencedColumns: link.references!.columns, inferred: true };
    add({ ...base, from: holder, to: target, direction: 'forward' });
    add({ ...base, from: target, to: holder, direction: 'backward' });
  }
  for (const list of neighbours.values()) list.sort((a, b) => Number(a.inferred) - Number(b.inferred) || compareText(a.to, b.to) || compareText(a.foreignKey, b.foreignKey));

  const cameBy = new Map<QualifiedName, PathStep | null>([[start, null]]);
  let frontier = [start];
  while (frontier.length && !cameBy.has(end)) {
    const next: QualifiedName[] = [];
    for (const table of frontier) {
      for (const step of neighbours.get(table) ?? []) {
        if (cameBy.has(step.to)) continue;
        cameBy.set(step.to, step);
        next.push(step.to);
      }
    }
    frontier = next;
  }
  if (!cameBy.has(end)) return null;
  const steps: PathStep[] = [];
  for (let at = end; at !== start; ) {
    const step = cameBy.get(at)!;
    steps.unshift(step);
    at = step.from;
  }
  return { tables: [start, ...steps.map((s) => s.to)], steps };
}

/** The diagram of a path: its tables, and only the keys (or inferred links) it walks. */
export function pathGraph<G extends { nodes: Array<{ id: string }>; edges: Array<{ id: string }> }>(graph: G, path: FoundPath): G {
  const tables = new Set(path.tables);
  const keys = new Set(path.steps.map((s) => (s.inferred ? `${s.holder}.inferred.${s.columns.at(-1)}` : `${s.holder}.${s.foreignKey}`)));
  return { ...graph, nodes: graph.nodes.filter((n) => tables.has(n.id)), edges: graph.edges.filter((e) => keys.has(e.id)) };
}
