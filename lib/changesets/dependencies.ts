import type { ChangeSet } from './project';
import { splitStatements } from './statements';

/**
 * Which later change sets need an object an earlier one creates, read from parse trees
 * (libpg-query), never from SQL text: skipping an optional change set is refused while a
 * later one references a table, view, sequence, index or type it creates.
 */

export interface Dependency {
  /** The later change set that needs the object. */
  tag: string;
  /** The object, schema-qualified (`risk.daily_unrealized_pnl`). */
  object: string;
  /** 1-based line of the statement in the later change set's file. */
  line: number;
  file: string;
}

type Node = Record<string, unknown>;

/** Unqualified names resolve through the search_path at run time; `public` is its usual first schema. */
function qualify(name: string): string {
  return name.includes('.') ? name : `public.${name}`;
}

function rangeVar(rv: unknown): string | null {
  const r = rv as { schemaname?: string; relname?: string } | undefined;
  return r?.relname ? qualify(r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname) : null;
}

function nameList(list: unknown): string | null {
  const items = (Array.isArray(list) ? list : []) as Node[];
  const parts = items.map((n) => (n.String as Node | undefined)?.sval).filter((v): v is string => typeof v === 'string');
  return parts.length ? qualify(parts.join('.')) : null;
}

/** The objects one statement creates. */
export function createdObjects(stmt: unknown): string[] {
  const node = stmt as Node;
  const found: Array<string | null> = [];
  const create = (node.CreateStmt as Node | undefined) ?? (node.CreateForeignTableStmt as Node | undefined);
  if (create) found.push(rangeVar(create.relation));
  const view = node.ViewStmt as Node | undefined;
  if (view) found.push(rangeVar(view.view));
  const ctas = node.CreateTableAsStmt as Node | undefined;
  if (ctas) found.push(rangeVar((ctas.into as Node | undefined)?.rel));
  const seq = node.CreateSeqStmt as Node | undefined;
  if (seq) found.push(rangeVar(seq.sequence));
  const index = node.IndexStmt as Node | undefined;
  if (index && typeof index.idxname === 'string') {
    const schema = (index.relation as { schemaname?: string } | undefined)?.schemaname;
    found.push(qualify(schema ? `${schema}.${index.idxname}` : index.idxname));
  }
  const enumType = node.CreateEnumStmt as Node | undefined;
  if (enumType) found.push(nameList(enumType.typeName));
  const composite = node.CompositeTypeStmt as Node | undefined;
  if (composite) found.push(rangeVar(composite.typevar));
  return found.filter((n): n is string => n !== null);
}

/** Every relation, type and dropped object a statement names (what it needs to exist). */
export function referencedObjects(stmt: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (typeof n.relname === 'string' && typeof n.relpersistence === 'string') found.add(rangeVar(n)!);
    // A TypeName (column types, casts) names its type as a list.
    if (Array.isArray(n.names) && 'typemod' in n) {
      const name = nameList(n.names);
      if (name) found.add(name);
    }
    const drop = n.DropStmt as Node | undefined;
    if (drop) for (const object of (drop.objects as Node[]) ?? []) {
      const name = nameList((object.List as Node | undefined)?.items) ?? nameList((object.TypeName as Node | undefined)?.names);
      if (name) found.add(name);
    }
    Object.values(n).forEach(visit);
  };
  visit(stmt);
  return found;
}

/**
 * The later change sets (`later`, in journal order) that reference something `changeSet`
 * creates, one entry per change set and object, first statement only.
 */
export async function dependentsOf(changeSet: ChangeSet, later: ChangeSet[]): Promise<Dependency[]> {
  const created = new Set((await splitStatements(changeSet.forward)).flatMap((s) => createdObjects(s.node)));
  if (created.size === 0) return [];
  const found: Dependency[] = [];
  for (const next of later) {
    const seen = new Set<string>();
    for (const statement of await splitStatements(next.forward)) {
      // An object the later change set creates itself is its own, not a dependency.
      const own = new Set(createdObjects(statement.node));
      for (const object of referencedObjects(statement.node)) {
        if (created.has(object) && !own.has(object) && !seen.has(object)) {
          seen.add(object);
          found.push({ tag: next.tag, object, line: statement.line, file: next.forward.file });
        }
      }
    }
  }
  return found;
}
