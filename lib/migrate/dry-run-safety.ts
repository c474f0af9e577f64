import type { Node } from 'libpg-query';
import { accessExclusiveTables } from '../lint/access-exclusive';
import { SchemaModel } from '../lint/schema-model';
import type { Principal } from '../auth/types';
import type { Protection } from '../config/environments';
import { countTablesNamed, rowCountText, type RowCount } from '../db/row-counts';
import type { DryRunMode } from './dry-run-types';
import type { ParsedChangeSet } from './run-plan';
import type { LockedConnection } from './target-lock';

/**
 * A dry run in a transaction runs the plan for real on the target and rolls it back, so it
 * takes the real locks and holds them until it ends. These rules keep that from harming
 * the target: short timeouts, and the plans that would block others for long run on a
 * shadow database instead.
 */

/** A dry run waits this long for a lock, then fails: it never queues the application behind it for long. */
export const DRY_RUN_LOCK_TIMEOUT_MS = 2_000;
/** …and gives up on a statement after this long: the locks it holds are released with it. */
export const DRY_RUN_STATEMENT_TIMEOUT_MS = 60_000;
/**
 * ACCESS EXCLUSIVE on a table with more rows than this would block its readers and writers
 * for as long as the dry run takes, which grows with the rows: such plans run on a shadow.
 */
export const DEFAULT_LOCK_BUDGET_ROWS = 10_000;

export function lockBudgetRows(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env.STRATA_DRY_RUN_LOCK_BUDGET_ROWS);
  return Number.isInteger(value) && value >= 0 ? value : DEFAULT_LOCK_BUDGET_ROWS;
}

/**
 * Where a dry run runs when the caller did not choose: protected environments are never
 * written to, not even inside a rolled-back transaction; on guarded ones only operators
 * (and the CLI) run dry runs on the target, others get a shadow.
 */
export function defaultDryRunMode(protection: Protection, principal?: Pick<Principal, 'role' | 'via'>): DryRunMode {
  if (protection === 'protected') return 'shadow';
  if (protection === 'guarded' && principal && principal.via !== 'cli' && !['operator', 'admin'].includes(principal.role)) return 'shadow';
  return 'transaction';
}

const NO_MODEL = new SchemaModel();

/** Tables the statements lock ACCESS EXCLUSIVE as the dry run runs them (CONCURRENTLY removed). */
async function accessExclusiveNames(conn: LockedConnection, parsed: ParsedChangeSet[]): Promise<string[]> {
  const names = new Set<string>();
  for (const statement of parsed.flatMap((p) => p.statements)) {
    for (const table of accessExclusiveTables(statement.node as Node, NO_MODEL)) if (table) names.add(table);
    // DROP INDEX locks its table ACCESS EXCLUSIVE — in a dry run even when written CONCURRENTLY.
    const drop = (statement.node as { DropStmt?: { removeType?: string; objects?: Array<{ List?: { items?: Array<{ String?: { sval?: string } }> } }> } }).DropStmt;
    if (drop?.removeType === 'OBJECT_INDEX') {
      const indexes = (drop.objects ?? []).map((o) => (o.List?.items ?? []).map((i) => i.String?.sval ?? '').join('.'));
      const rows = await conn`
        select distinct n.nspname || '.' || c.relname as t from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
        where i.indexrelid in (select to_regclass(x) from unnest(${conn.array(indexes)}::text[]) x)`;
      for (const r of rows) names.add(String(r.t));
    }
  }
  return [...names];
}

/**
 * Why the plan must not be dry-run inside a transaction on the target, or null when it
 * may: a rollback that destroys rows, or ACCESS EXCLUSIVE on a table with more rows than
 * the budget. Reads only (row counts: lib/db/row-counts.ts).
 */
export async function shadowReason(conn: LockedConnection, parsed: ParsedChangeSet[], direction: 'apply' | 'rollback', budgetRows: number): Promise<string | null> {
  if (direction === 'rollback') {
    const destroyed = (await countTablesNamed(conn, [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => s.destroys)))])).filter((t) => t.rows > 0);
    if (destroyed.length) {
      return `the rollback destroys rows of ${destroyed.map(tableWithRows).join(', ')}: it was dry-run on a shadow database, never on the target`;
    }
  }
  const locked = (await countTablesNamed(conn, await accessExclusiveNames(conn, parsed))).filter((t) => t.rows > budgetRows);
  if (locked.length) {
    return `it takes ACCESS EXCLUSIVE on ${locked.map(tableWithRows).join(', ')}, more than ${budgetRows.toLocaleString('en-US')} rows (STRATA_DRY_RUN_LOCK_BUDGET_ROWS): a dry run on the target would block it until the dry run ends, so it ran on a shadow database`;
  }
  return null;
}

const tableWithRows = (count: RowCount) => `${count.table} (${rowCountText(count)})`;
