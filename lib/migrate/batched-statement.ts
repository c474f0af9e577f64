import { parseSync, scanSync, type Node } from 'libpg-query';
import { quoteIdent } from '../db/identifiers';

/**
 * How one `-- strata:batched` statement is cut into primary-key ranges: which table's keys
 * drive the batches (read from the parse tree) and the statement of one batch, which is the
 * user's statement with a key-range condition ANDed to its own WHERE.
 */

/** The table whose primary key orders the batches, as the statement names it. */
export interface BatchTarget {
  kind: 'update' | 'delete' | 'insert-select';
  schema: string | null;
  name: string;
  /** What key columns are qualified with inside the statement: its alias, or the table's name. */
  qualifier: string;
  /** False for `ONLY t`: then the batch boundaries are read from that table alone too. */
  inherit: boolean;
}

/** Why a statement cannot be batched, found in its parse tree (thrown as a plain Error; the runner names file and line). */
export class BatchShapeError extends Error {}

interface RangeVarNode {
  schemaname?: string;
  relname: string;
  /** Absent (false) for `ONLY t`: the tree leaves out false values. */
  inh?: boolean;
  alias?: { aliasname?: string };
}

/**
 * The target of a batched statement: the UPDATE's or DELETE's table, or the table an
 * INSERT … SELECT reads first (its FROM's first table, the leftmost of a join).
 */
export function batchTargetOf(node: Node): BatchTarget {
  const tree = node as {
    UpdateStmt?: { relation: RangeVarNode };
    DeleteStmt?: { relation: RangeVarNode };
    InsertStmt?: { selectStmt?: { SelectStmt?: { op?: string; fromClause?: unknown[]; valuesLists?: unknown } } };
  };
  if (tree.UpdateStmt) return fromRangeVar('update', tree.UpdateStmt.relation);
  if (tree.DeleteStmt) return fromRangeVar('delete', tree.DeleteStmt.relation);
  const select = tree.InsertStmt?.selectStmt?.SelectStmt;
  if (!select || select.valuesLists) throw new BatchShapeError('an INSERT can be batched only when its rows come from a SELECT');
  if (select.op && select.op !== 'SETOP_NONE') throw new BatchShapeError('the SELECT of a batched INSERT cannot be a UNION, INTERSECT or EXCEPT');
  let from = select.fromClause?.[0] as { RangeVar?: RangeVarNode; JoinExpr?: { larg: unknown } } | undefined;
  while (from?.JoinExpr) from = from.JoinExpr.larg as typeof from;
  if (!from?.RangeVar) throw new BatchShapeError('the SELECT of a batched INSERT must read a table first in its FROM (its primary key orders the batches)');
  return fromRangeVar('insert-select', from.RangeVar);
}

function fromRangeVar(kind: BatchTarget['kind'], rv: RangeVarNode): BatchTarget {
  return { kind, schema: rv.schemaname ?? null, name: rv.relname, qualifier: rv.alias?.aliasname ?? rv.relname, inherit: rv.inh === true };
}

/** The target as SQL text: `"schema"."name"`, or the bare quoted name (resolved through the session's search_path). */
export function targetSql(target: BatchTarget): string {
  return target.schema ? `${quoteIdent(target.schema)}.${quoteIdent(target.name)}` : quoteIdent(target.name);
}

/** A key column and the type its text form is cast back to. */
export interface KeyColumn {
  name: string;
  type: string;
}

/**
 * The key-range condition of one batch, with `$n` parameters numbered from 1: keys above
 * the last checkpoint's (`lower`) and up to the batch's last key (`upper`), as row
 * comparisons so composite keys order the way their index does.
 */
export function keyRangeCondition(qualifier: string, keys: KeyColumn[], bounds: { lower: boolean; upper: boolean }): string {
  const row = keyRow(qualifier, keys);
  let n = 0;
  const params = () => `(${keys.map((k) => `$${++n}::${k.type}`).join(', ')})`;
  const parts: string[] = [];
  if (bounds.lower) parts.push(`${row} > ${params()}`);
  if (bounds.upper) parts.push(`${row} <= ${params()}`);
  return parts.length ? parts.join(' AND ') : 'true';
}

/** `("q"."a", "q"."b")`: the key columns as one row value, qualified. */
export function keyRow(qualifier: string, keys: KeyColumn[]): string {
  return `(${keys.map((k) => `${quoteIdent(qualifier)}.${quoteIdent(k.name)}`).join(', ')})`;
}

/** Clauses that end a WHERE at the statement's top level. */
const AFTER_WHERE = new Set(['GROUP', 'HAVING', 'WINDOW', 'ORDER', 'LIMIT', 'OFFSET', 'FETCH', 'FOR', 'RETURNING', 'UNION', 'INTERSECT', 'EXCEPT']);

/**
 * The user's statement restricted to `condition`: `WHERE (theirs) AND condition`, or
 * `WHERE condition` where it had none. The statement's tokens (PostgreSQL's own scanner,
 * so strings, quoted names and comments are never mistaken for keywords) locate its top-level
 * WHERE and the clause after it; the result is parsed again and must still be one statement
 * of the same kind with a WHERE.
 */
export function restrictStatement(sql: string, target: BatchTarget, condition: string): string {
  const bytes = Buffer.from(sql.replace(/;\s*$/, ''), 'utf8');
  const tokens = scanSync(bytes.toString('utf8')).tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  let depth = 0;
  // For an INSERT … SELECT, the SELECT's clauses count only after its top-level SELECT keyword.
  let inScope = target.kind !== 'insert-select';
  let sawFrom = false;
  let where: { end: number } | null = null;
  let end = bytes.length;
  for (const [i, t] of tokens.entries()) {
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    if (depth !== 0) continue;
    const word = t.text.toUpperCase();
    if (!inScope) {
      if (word === 'SELECT') inScope = true;
      continue;
    }
    if (word === 'FROM') sawFrom = true;
    if (word === 'WHERE' && !where) {
      where = { end: t.end };
      continue;
    }
    const ends = AFTER_WHERE.has(word) || (word === 'ON' && tokens[i + 1]?.text.toUpperCase() === 'CONFLICT');
    if (ends && (where || target.kind !== 'insert-select' || sawFrom)) {
      end = t.start;
      break;
    }
  }
  if (!inScope) throw new BatchShapeError('the SELECT of a batched INSERT must not be in parentheses');
  const text = (from: number, to?: number) => bytes.subarray(from, to).toString('utf8');
  const restricted = where
    ? `${text(0, where.end)} (${text(where.end, end)}\n) AND ${condition} ${text(end)}`
    : `${text(0, end)}\nWHERE ${condition} ${text(end)}`;
  assertSameShape(restricted, target);
  return restricted.trim();
}

function assertSameShape(sql: string, target: BatchTarget): void {
  const stmts = parseSync(sql).stmts ?? [];
  const node = stmts[0]?.stmt as { UpdateStmt?: { whereClause?: unknown }; DeleteStmt?: { whereClause?: unknown }; InsertStmt?: { selectStmt?: { SelectStmt?: { whereClause?: unknown } } } } | undefined;
  const where =
    target.kind === 'update' ? node?.UpdateStmt?.whereClause : target.kind === 'delete' ? node?.DeleteStmt?.whereClause : node?.InsertStmt?.selectStmt?.SelectStmt?.whereClause;
  if (stmts.length !== 1 || !where) throw new BatchShapeError('Strata could not add the key range to this statement; write it as a plain UPDATE, DELETE or INSERT … SELECT');
}
