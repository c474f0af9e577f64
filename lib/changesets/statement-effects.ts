import { scanSync } from 'libpg-query';

/**
 * What a statement does that a dry run and a rollback must plan for, read from its parse
 * tree (never from regexes over SQL text): which tables' rows it can destroy, and whether
 * PostgreSQL refuses to run it inside a transaction block.
 */

/** How a statement that cannot run in a transaction is handled by an in-transaction dry run. */
export interface OutsideTransaction {
  /** The same statement without CONCURRENTLY (same resulting schema), or null to skip it. */
  simulateWith: string | null;
  /** Shown next to the statement: what the dry run did instead and why. */
  reason: string;
}

type Node = Record<string, unknown>;

/**
 * Data a statement can destroy or overwrite, read from its parse tree: a whole relation
 * (dropped table or schema, TRUNCATE, DELETE) or some of its columns (a dropped column, a
 * column changing type — with the new type's parse node, so a backup can tell a widening
 * from a lossy change against the live column — or the targets of an UPDATE's SET). Names
 * are as written (unqualified ones resolve through the search_path at run time); `schema.*`
 * stands for every table of a dropped schema.
 */
export interface DataAtRisk {
  relation: string;
  how: 'drop' | 'truncate' | 'delete' | 'drop-column' | 'retype' | 'update';
  /** The columns at risk; null for the whole relation. */
  columns: string[] | null;
  /** For `retype`: each column's new type, as the parser gave it (a TypeName node). */
  newTypes?: Record<string, unknown>;
}

export function dataAtRisk(stmt: unknown): DataAtRisk[] {
  const found: DataAtRisk[] = [];
  const node = stmt as Node;
  const drop = node.DropStmt as Node | undefined;
  if (drop && (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_MATVIEW')) {
    for (const object of (drop.objects as Node[]) ?? []) found.push({ relation: qualifiedFromList(object), how: 'drop', columns: null });
  }
  if (drop && drop.removeType === 'OBJECT_SCHEMA') {
    for (const object of (drop.objects as Node[]) ?? []) found.push({ relation: `${stringValue(object)}.*`, how: 'drop', columns: null });
  }
  const alter = node.AlterTableStmt as Node | undefined;
  if (alter && alter.objtype === 'OBJECT_TABLE') {
    const relation = rangeVarName(alter.relation);
    const commands = ((alter.cmds as Node[]) ?? []).map((c) => c.AlterTableCmd as Node | undefined).filter((c): c is Node => Boolean(c));
    const dropped = commands.filter((c) => c.subtype === 'AT_DropColumn').map((c) => String(c.name));
    if (dropped.length) found.push({ relation, how: 'drop-column', columns: dropped });
    const retyped = commands.filter((c) => c.subtype === 'AT_AlterColumnType');
    if (retyped.length) {
      const newTypes = Object.fromEntries(retyped.map((c) => [String(c.name), ((c.def as Node | undefined)?.ColumnDef as Node | undefined)?.typeName]));
      found.push({ relation, how: 'retype', columns: Object.keys(newTypes), newTypes });
    }
  }
  const truncate = node.TruncateStmt as Node | undefined;
  if (truncate) for (const r of (truncate.relations as Node[]) ?? []) found.push({ relation: rangeVarName(r.RangeVar ?? r), how: 'truncate', columns: null });
  const del = node.DeleteStmt as Node | undefined;
  if (del) found.push({ relation: rangeVarName(del.relation), how: 'delete', columns: null });
  const update = node.UpdateStmt as Node | undefined;
  if (update) {
    const columns = ((update.targetList as Node[]) ?? []).map((t) => String((t.ResTarget as Node | undefined)?.name ?? '')).filter(Boolean);
    found.push({ relation: rangeVarName(update.relation), how: 'update', columns: [...new Set(columns)] });
  }
  return found.filter((f) => f.relation);
}

/**
 * Relations whose existing rows the statement can destroy: dropped tables, tables losing a
 * column or changing a column's type, truncated tables, DELETE targets (an UPDATE rewrites
 * values but keeps its rows, so it is data at risk without destroying rows).
 */
export function destroyedRelations(stmt: unknown): string[] {
  return [...new Set(dataAtRisk(stmt).filter((d) => d.how !== 'update').map((d) => d.relation))].sort();
}

/** Statement kinds PostgreSQL refuses inside a transaction block, and that change no schema. */
const NO_SCHEMA_EFFECT: Record<string, string> = {
  VacuumStmt: 'VACUUM',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
};

/** Null when the statement can run in a transaction; otherwise how a dry run handles it. */
export function outsideTransaction(stmt: unknown, sql: string): OutsideTransaction | null {
  const node = stmt as Node;
  const kind = Object.keys(node)[0] ?? '';
  if (NO_SCHEMA_EFFECT[kind]) {
    return { simulateWith: null, reason: `skipped: ${NO_SCHEMA_EFFECT[kind]} cannot run inside a transaction and changes no schema` };
  }
  if (isConcurrent(node)) {
    return {
      simulateWith: withoutConcurrently(sql),
      reason: 'ran without CONCURRENTLY (not allowed in a transaction): same schema, but the real run does not block writes while it builds',
    };
  }
  return null;
}

function isConcurrent(node: Node): boolean {
  if ((node.IndexStmt as Node | undefined)?.concurrent) return true;
  if ((node.DropStmt as Node | undefined)?.concurrent) return true;
  const reindex = node.ReindexStmt as Node | undefined;
  if (reindex && ((reindex.params as Node[]) ?? []).some((p) => (p.DefElem as Node | undefined)?.defname === 'concurrently')) return true;
  const alter = node.AlterTableStmt as Node | undefined;
  return ((alter?.cmds as Node[]) ?? []).some((c) => {
    const cmd = c.AlterTableCmd as Node | undefined;
    return cmd?.subtype === 'AT_DetachPartition' && Boolean(((cmd.def as Node)?.PartitionCmd as Node)?.concurrent);
  });
}

/** Removes the CONCURRENTLY keyword token (found by PostgreSQL's own scanner, so never inside a string or name). */
function withoutConcurrently(sql: string): string {
  const bytes = Buffer.from(sql, 'utf8');
  const token = scanSync(sql).tokens.find((t) => t.text.toLowerCase() === 'concurrently' && t.keywordKind !== 0);
  if (!token) return sql;
  return bytes.subarray(0, token.start).toString('utf8') + bytes.subarray(token.end).toString('utf8');
}

function rangeVarName(rv: unknown): string {
  const r = rv as { schemaname?: string; relname?: string } | undefined;
  if (!r?.relname) return '';
  return r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname;
}

function qualifiedFromList(object: Node): string {
  const items = ((object.List as Node | undefined)?.items as Node[]) ?? [];
  return items.map(stringValue).join('.');
}

function stringValue(node: Node): string {
  return String((node.String as Node | undefined)?.sval ?? '');
}
