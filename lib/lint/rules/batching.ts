import type { Node } from 'libpg-query';
import { nodeOf, stringsOf, tableKey } from '../ast';
import { hits, type LintRule, type StatementContext } from '../rule';
import { existsBefore } from './index-locks';

/**
 * Row locks held for a whole table: an UPDATE or DELETE that changes every row (or a large
 * range) of a big table in one statement keeps each changed row locked until it commits, so
 * concurrent writers to those rows wait for all of it. A `-- strata:batched` statement is run
 * in primary-key-ordered batches, each its own short transaction, so it is never reported.
 *
 * How big is big comes from the target's live row counts (`strata lint --env`, the change set
 * page, the dry run): without a target the rule says nothing, since the schema model knows
 * columns and indexes but no row counts, and guessing would flag every backfill.
 */

/** The target table of an UPDATE or DELETE (schema.table), its alias, its verb and its WHERE; null for other statements. */
function rowChange(node: Node): { verb: 'UPDATE' | 'DELETE'; table: string; alias: string | null; where: Node | undefined } | null {
  const update = nodeOf(node, 'UpdateStmt');
  if (update?.relation) return { verb: 'UPDATE', table: tableKey(update.relation), alias: update.relation.alias?.aliasname ?? null, where: update.whereClause };
  const del = nodeOf(node, 'DeleteStmt');
  if (del?.relation) return { verb: 'DELETE', table: tableKey(del.relation), alias: del.relation.alias?.aliasname ?? null, where: del.whereClause };
  return null;
}

/** The terms of a predicate joined by AND at its top (the predicate itself when it is not an AND). */
function conjuncts(expr: Node | undefined): Node[] {
  if (!expr) return [];
  const bool = nodeOf(expr, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(conjuncts);
  return [expr];
}

/** True when `expr` mentions no column (a literal, a parameter, a cast or function of those, a list of them). */
function isConstant(expr: Node | undefined): boolean {
  if (!expr) return true;
  const tree = JSON.stringify(expr);
  return !tree.includes('"ColumnRef"') && !tree.includes('"SubLink"');
}

/**
 * The target table's column a term pins to one value or a list of values (`col = 42`,
 * `t.col IN (1, 2)`, `col = ANY($1)`), else null. A column qualified with another table's
 * name (UPDATE … FROM) is not the target's.
 */
function pinnedColumn(term: Node, target: { table: string; alias: string | null }): string | null {
  const expr = nodeOf(term, 'A_Expr');
  if (!expr) return null;
  const operator = stringsOf(expr.name).at(-1);
  const equality = (expr.kind === 'AEXPR_OP' || expr.kind === 'AEXPR_OP_ANY') && operator === '=';
  if (!equality && !(expr.kind === 'AEXPR_IN' && operator === '=')) return null;
  for (const [column, other] of [
    [expr.lexpr, expr.rexpr],
    [expr.rexpr, expr.lexpr],
  ] as const) {
    const fields = stringsOf(nodeOf(column, 'ColumnRef')?.fields);
    if (fields.length === 0 || !isConstant(other)) continue;
    const qualifier = fields.length > 1 ? fields[fields.length - 2] : null;
    if (qualifier && qualifier !== target.alias && qualifier !== target.table.split('.')[1]) continue;
    return fields[fields.length - 1]!;
  }
  return null;
}

/**
 * True when the WHERE pins the leading column of one of the table's indexes (its primary key
 * among them) to a value or a list: PostgreSQL finds those rows through the index and they are
 * few by design. A range (`created_at < …`), IS NULL or a join condition may still match most
 * of the table, so they do not count.
 */
function selectiveOnIndexedKey(ctx: StatementContext, change: NonNullable<ReturnType<typeof rowChange>>): boolean {
  const leading = new Set(ctx.model.indexesOn(change.table).map((index) => index.columns[0]).filter((c): c is string => typeof c === 'string'));
  const parent = ctx.model.tables.get(change.table)?.partitionOf;
  if (parent) for (const index of ctx.model.indexesOn(parent)) if (index.columns[0]) leading.add(index.columns[0]);
  return conjuncts(change.where).some((term) => {
    const column = pinnedColumn(term, change);
    return column !== null && leading.has(column);
  });
}

export const largeUpdateNotBatched: LintRule = {
  id: 'large-update-not-batched',
  category: 'locking',
  severity: 'warning',
  title: 'UPDATE or DELETE over many rows of a big table in one statement',
  explanation:
    'One UPDATE or DELETE locks every row it changes until its transaction commits: on a big table, writers to those rows (and anything queued behind them) wait for the whole statement, it writes all of its WAL and dead rows at once, and replicas fall behind. Inside a change set\'s transaction the locks last until the whole change set commits. Judged on the target\'s live row counts (strata-lint.json "batchingRowThreshold", default 100,000 rows); a WHERE that pins an indexed key to values (`id = …`, `id IN (…)`) is taken as selective.',
  saferAlternative:
    'Run it in batches: put it alone in a `-- strata:no-transaction` change set with `-- strata:batched size=1000 pause=50ms` on the line above it; Strata then runs it in primary-key-ordered batches, each its own short transaction with a checkpoint, and resumes where it stopped after a crash.',
  checkStatement(ctx) {
    const change = rowChange(ctx.statement.node);
    if (!change || ctx.statement.batched) return [];
    if (!existsBefore(ctx, change.table)) return [];
    const rows = ctx.options.tableRows(change.table);
    const threshold = ctx.options.config.batchingRowThreshold;
    if (rows === null || rows < threshold) return [];
    if (selectiveOnIndexedKey(ctx, change)) return [];
    const scope = change.where ? 'with a WHERE that pins no indexed key' : 'on every row';
    const held = ctx.session.wrapped ? 'until the change set commits' : ctx.session.inTransaction ? 'until its transaction commits' : 'until the statement ends';
    return hits([
      `${change.verb} on ${change.table} (${rows.toLocaleString('en-US')} rows; batching from ${threshold.toLocaleString('en-US')}) runs ${scope} in one statement: every row it changes stays locked ${held}; run it as \`-- strata:batched size=1000\` in a \`-- strata:no-transaction\` change set`,
    ]);
  },
};

export const BATCHING_RULES: LintRule[] = [largeUpdateNotBatched];
