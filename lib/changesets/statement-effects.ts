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
 * Relations whose existing rows the statement can destroy: dropped tables, tables losing a
 * column or changing a column's type, truncated tables, DELETE targets. `schema.*` stands for
 * every table of a dropped schema. Names are as written (unqualified ones resolve through
 * the search_path at run time).
 */
export function destroyedRelations(stmt: unknown): string[] {
  const found = new Set<string>();
  const node = stmt as Node;
  const drop = node.DropStmt as Node | undefined;
  if (drop && (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_MATVIEW')) {
    for (const object of (drop.objects as Node[]) ?? []) found.add(qualifiedFromList(object));
  }
  if (drop && drop.removeType === 'OBJECT_SCHEMA') {
    for (const object of (drop.objects as Node[]) ?? []) found.add(`${stringValue(object)}.*`);
  }
  const alter = node.AlterTableStmt as Node | undefined;
  if (alter && alter.objtype === 'OBJECT_TABLE') {
    const destructive = ((alter.cmds as Node[]) ?? []).some((c) => {
      const subtype = (c.AlterTableCmd as Node | undefined)?.subtype;
      return subtype === 'AT_DropColumn' || subtype === 'AT_AlterColumnType';
    });
    if (destructive) found.add(rangeVarName(alter.relation));
  }
  const truncate = node.TruncateStmt as Node | undefined;
  if (truncate) for (const r of (truncate.relations as Node[]) ?? []) found.add(rangeVarName(r.RangeVar ?? r));
  const del = node.DeleteStmt as Node | undefined;
  if (del) found.add(rangeVarName(del.relation));
  return [...found].filter(Boolean).sort();
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
