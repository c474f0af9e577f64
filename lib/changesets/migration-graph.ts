import fs from 'node:fs';
import path from 'node:path';
import { folderMillis, MIGRATION_FOLDER_PATTERN, migrationFolders } from './project';

/**
 * What drizzle-kit 1.0's `check` looks for in a folder-per-migration project, in Strata's
 * words. Each snapshot.json names its parents (`prevIds`); two migrations with the same parent
 * are a fork — two branches that each generated migrations from the same schema. drizzle-kit
 * accepts a fork whose branches touch different objects (they commute) and refuses one whose
 * branches touch the same object; Strata does the same, from the difference between the fork's
 * parent snapshot and each branch's last snapshot, like drizzle-kit's commutativity check. It
 * also refuses what drizzle-orm 1.0 cannot keep apart: two folders of the same second (one
 * created_at), and two snapshots with the same id (a folder copied instead of generated).
 * Reads files only.
 */

/** drizzle-kit's parent id of a first migration: the empty schema. */
export const ORIGIN_ID = '00000000-0000-0000-0000-000000000000';

export type CheckProblemKind =
  | 'conflicting-branches'
  | 'same-timestamp'
  | 'same-snapshot-id'
  | 'unknown-parent'
  | 'unreadable-snapshot'
  | 'no-snapshot'
  | 'bad-folder-name'
  // drizzle-kit 0.x's journal layout (lib/changesets/journal-check.ts):
  | 'old-snapshot-version'
  | 'journal-order'
  | 'duplicate-journal-entry'
  | 'journal-entry-without-sql'
  | 'sql-not-in-journal';

export interface CheckProblem {
  kind: CheckProblemKind;
  /** `error` fails `strata check` (exit 1); `note` is said and passes (a fork whose branches commute). */
  severity: 'error' | 'note';
  /** The migration folders it is about. */
  folders: string[];
  /** The whole explanation, in words. */
  message: string;
}

export interface MigrationCheckReport {
  dir: string;
  migrations: number;
  problems: CheckProblem[];
  errors: number;
}

/** One entry of a snapshot's `ddl`: an object of the schema (table, column, index…). */
export interface DdlEntry {
  entityType: string;
  schema?: string;
  table?: string;
  name?: string;
  [key: string]: unknown;
}

/** A migration with its snapshot: `folder` is how messages name it (a folder, or a 0.x tag). */
export interface Node {
  folder: string;
  id: string;
  prevIds: string[];
  ddl: DdlEntry[];
}

/** Checks the migration folders of the project in `dir` (drizzle-kit 1.0's layout). */
export function checkMigrationFolders(dir: string): MigrationCheckReport {
  const absolute = path.resolve(dir);
  const folders = migrationFolders(absolute);
  const problems: CheckProblem[] = [];
  const nodes: Node[] = [];

  for (const folder of folders) {
    if (!MIGRATION_FOLDER_PATTERN.test(folder)) {
      problems.push(error('bad-folder-name', [folder], `${folder}: a migration folder's name must be <yyyymmddhhmmss>_<name>, as drizzle-kit 1.0 writes it; drizzle-orm 1.0 reads its created_at from the first 14 digits.`));
      continue;
    }
    const node = readSnapshot(absolute, folder, problems);
    if (node) nodes.push(node);
  }

  const validFolders = folders.filter((f) => MIGRATION_FOLDER_PATTERN.test(f));
  for (const group of groupBy(validFolders, (f) => folderMillis(f))) {
    problems.push(
      error(
        'same-timestamp',
        group,
        `${group.join(' and ')} have the same timestamp (${group[0]!.slice(0, 14)}): drizzle-orm 1.0 records both with one created_at, so neither drizzle's table nor Strata can tell which of them ran. Rename the later folder to a later second, before it is applied anywhere.`,
      ),
    );
  }
  for (const group of groupBy(nodes, (n) => n.id)) {
    problems.push(
      error(
        'same-snapshot-id',
        group.map((n) => n.folder),
        `${group.map((n) => n.folder).join(' and ')} have the same snapshot id ${group[0]!.id}: one was copied rather than generated, so the order of migrations cannot be told from the snapshots. Delete the copy and run drizzle-kit generate again.`,
      ),
    );
  }

  const byId = new Map(nodes.map((n) => [n.id, n]));
  for (const node of nodes) {
    for (const parent of node.prevIds) {
      if (parent !== ORIGIN_ID && !byId.has(parent)) {
        problems.push(error('unknown-parent', [node.folder], `${node.folder} was generated after a snapshot (${parent}) that no migration folder holds: the migration it was written on top of is missing from this branch. Bring that migration in (merge its branch) or regenerate this one.`));
      }
    }
  }
  problems.push(...forkProblems(nodes, byId));
  return { dir: absolute, migrations: folders.length, problems, errors: problems.filter((p) => p.severity === 'error').length };
}

function readSnapshot(dir: string, folder: string, problems: CheckProblem[]): Node | null {
  const file = path.join(dir, 'migrations', folder, 'snapshot.json');
  if (!fs.existsSync(file)) {
    // drizzle-kit 1.0's check and migrate skip such a folder too; `strata import --layout folders` writes none.
    problems.push({
      kind: 'no-snapshot',
      severity: 'note',
      folders: [folder],
      message: `${folder} has no snapshot.json (an imported or hand-written migration), so it is left out of the fork checks, as drizzle-kit 1.0 leaves it out.`,
    });
    return null;
  }
  try {
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { id?: unknown; prevIds?: unknown; ddl?: unknown };
    if (typeof raw.id !== 'string' || !Array.isArray(raw.prevIds) || !Array.isArray(raw.ddl)) throw new Error('it has no id, prevIds or ddl');
    return { folder, id: raw.id, prevIds: raw.prevIds.map(String), ddl: raw.ddl as DdlEntry[] };
  } catch (e) {
    problems.push(error('unreadable-snapshot', [folder], `${folder}/snapshot.json is not a drizzle-kit 1.0 snapshot (${(e as Error).message}). Run drizzle-kit up, or regenerate it.`));
    return null;
  }
}

/** Two branches from one parent, and the first object both change (null: they commute). */
export interface Fork {
  parent: Node | undefined;
  parentId: string;
  a: Branch;
  b: Branch;
  overlap: { object: string; a: string; b: string } | null;
}

/**
 * Every parent with more than one child is a fork. For each pair of its branches (a child and
 * everything generated after it), the objects each branch changed since the parent are
 * compared; branches that later merged (share a last migration) are settled and skipped.
 * Shared by both layouts, which word the result their own way.
 */
export function findForks(nodes: Node[], byId: Map<string, Node>): Fork[] {
  const children = new Map<string, Node[]>();
  for (const node of nodes) for (const parent of node.prevIds) children.set(parent, [...(children.get(parent) ?? []), node]);
  const forks: Fork[] = [];
  for (const [parentId, kids] of children) {
    if (kids.length < 2) continue;
    const parent = byId.get(parentId);
    const branches = kids.map((kid) => branchFrom(kid, children));
    for (let i = 0; i < branches.length; i++) {
      for (let j = i + 1; j < branches.length; j++) {
        const a = branches[i]!;
        const b = branches[j]!;
        if (a.leaves.some((leaf) => b.leaves.includes(leaf))) continue;
        forks.push({ parent, parentId, a, b, overlap: overlapping(changesBetween(parent?.ddl ?? [], a.last.ddl), changesBetween(parent?.ddl ?? [], b.last.ddl)) });
      }
    }
  }
  return forks;
}

function forkProblems(nodes: Node[], byId: Map<string, Node>): CheckProblem[] {
  return findForks(nodes, byId).map(({ parent, a, b, overlap }) => {
    const parentName = parent ? parent.folder : 'the empty schema (both are first migrations)';
    const names = `${a.folders.join(', ')} and ${b.folders.join(', ')}`;
    if (overlap) {
      return error(
        'conflicting-branches',
        [...a.folders, ...b.folders],
        `${names} were generated on two branches from the same parent, ${parentName}, and both change ${overlap.object}: ` +
          `${a.folders.at(-1)} ${overlap.a}, ${b.folders.at(-1)} ${overlap.b}. Whichever runs second was written against a schema that is no longer there. ` +
          `Keep one branch: delete the other branch's migration folders and run drizzle-kit generate again on top of it.`,
      );
    }
    return {
      kind: 'conflicting-branches' as const,
      severity: 'note' as const,
      folders: [...a.folders, ...b.folders],
      message: `${names} were generated on two branches from the same parent, ${parentName}, but touch different objects, so they apply in either order (drizzle-kit 1.0 accepts this too).`,
    };
  });
}

export interface Branch {
  folders: string[];
  leaves: string[];
  /** The branch's last migration by folder order: its snapshot is the branch's schema. */
  last: Node;
}

function branchFrom(start: Node, children: Map<string, Node[]>): Branch {
  const seen = new Map<string, Node>();
  const stack = [start];
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node.folder)) continue;
    seen.set(node.folder, node);
    stack.push(...(children.get(node.id) ?? []));
  }
  const members = [...seen.values()].sort((x, y) => x.folder.localeCompare(y.folder));
  const leaves = members.filter((n) => !(children.get(n.id)?.length)).map((n) => n.folder);
  return { folders: members.map((n) => n.folder), leaves, last: members.at(-1)! };
}

/** One object a branch changed: what it is, the table it belongs to (if any), and what happened to it. */
interface Change {
  key: string;
  object: string;
  table: string | null;
  isTable: boolean;
  what: string;
}

const KIND_NAMES: Record<string, string> = {
  tables: 'table',
  columns: 'column',
  pks: 'primary key',
  fks: 'foreign key',
  indexes: 'index',
  uniques: 'unique constraint',
  checks: 'check constraint',
  policies: 'policy',
  enums: 'enum',
  sequences: 'sequence',
  views: 'view',
  schemas: 'schema',
  roles: 'role',
  privileges: 'privilege',
};

function identity(e: DdlEntry): { key: string; object: string; table: string | null } {
  const kind = KIND_NAMES[e.entityType] ?? e.entityType.replace(/s$/, '');
  const schema = e.schema ?? 'public';
  if (e.table !== undefined) {
    const table = `${schema}.${e.table}`;
    return { key: `${e.entityType}:${table}.${e.name}`, object: kind === 'column' ? `column ${table}.${e.name}` : `${kind} ${e.name} on ${table}`, table };
  }
  const name = e.entityType === 'schemas' || e.entityType === 'roles' ? String(e.name) : `${schema}.${e.name}`;
  return { key: `${e.entityType}:${name}`, object: `${kind} ${name}`, table: e.entityType === 'tables' ? name : null };
}

/** The objects whose definition differs between two snapshots' ddl lists (added, dropped or changed). */
function changesBetween(before: DdlEntry[], after: DdlEntry[]): Change[] {
  const index = (list: DdlEntry[]) => new Map(list.map((e) => [identity(e).key, e]));
  const from = index(before);
  const to = index(after);
  const changes: Change[] = [];
  for (const key of new Set([...from.keys(), ...to.keys()])) {
    const old = from.get(key);
    const now = to.get(key);
    if (old && now && JSON.stringify(old) === JSON.stringify(now)) continue;
    const id = identity((now ?? old)!);
    const verb = !old ? 'adds' : !now ? 'drops' : 'changes';
    changes.push({ key, object: id.object, table: id.table, isTable: (now ?? old)!.entityType === 'tables', what: `${verb} ${id.object}` });
  }
  return changes;
}

/** The first object both branches touch: the same object, or a table one branch creates, drops or alters while the other changes something on it. */
function overlapping(a: Change[], b: Change[]): { object: string; a: string; b: string } | null {
  for (const x of a) {
    for (const y of b) {
      if (x.key === y.key) return { object: x.object, a: x.what, b: y.what };
      if (x.isTable && y.table === x.table) return { object: x.object, a: x.what, b: y.what };
      if (y.isTable && x.table === y.table) return { object: y.object, a: x.what, b: y.what };
    }
  }
  return null;
}

export function error(kind: CheckProblemKind, folders: string[], message: string): CheckProblem {
  return { kind, severity: 'error', folders, message };
}

/** Groups of two or more items sharing a key. */
export function groupBy<T, K>(items: T[], key: (item: T) => K): T[][] {
  const groups = new Map<K, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()].filter((g) => g.length > 1);
}
