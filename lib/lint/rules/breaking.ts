import { keyFromNames, nodeOf, nodesOf, stringsOf, tableKey } from '../ast';
import { hits, type LintRule, type StatementContext } from '../rule';
import { alterOfExistingTable } from './alter-table-locks';
import { existsBefore } from './index-locks';

/**
 * Changes that break the application running against the database during a deploy (old
 * code still reads the old names) or lose data. Objects created in the same change set
 * are exempt: no deployed code knows them yet.
 */

const EXPAND_CONTRACT = 'expand and contract: add the new, deploy code that uses both, migrate, and remove the old in a later change set once nothing uses it';

/** A column that existed before this change set (on a table that did too). */
function existingColumn(ctx: StatementContext, table: string, column: string): boolean {
  const info = ctx.model.column(table, column);
  return !info || info.origin.tag !== ctx.changeSet.tag;
}

export const renameColumn: LintRule = {
  id: 'rename-column',
  category: 'breaking',
  severity: 'error',
  title: 'Column renamed',
  explanation:
    'The application servers running while the migration applies (and any other reader: reports, replicas, ETL) still use the old name, and fail from the moment the rename commits until every one of them is redeployed.',
  saferAlternative: `Add the new column and ${EXPAND_CONTRACT}; or a view exposing the old name.`,
  checkStatement(ctx) {
    const rename = nodeOf(ctx.statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_COLUMN') return [];
    const table = tableKey(rename.relation);
    if (!existsBefore(ctx, table) || !existingColumn(ctx, table, rename.subname ?? '')) return [];
    return hits([`column ${table}.${rename.subname} is renamed to ${rename.newname}`]);
  },
};

export const renameTable: LintRule = {
  id: 'rename-table',
  category: 'breaking',
  severity: 'error',
  title: 'Table renamed',
  explanation: 'Every query using the old table name fails from the moment the rename commits until all code using it is redeployed.',
  saferAlternative: `Create the new table (or rename and leave a view with the old name behind) and ${EXPAND_CONTRACT}.`,
  checkStatement(ctx) {
    const rename = nodeOf(ctx.statement.node, 'RenameStmt');
    if (rename?.renameType !== 'OBJECT_TABLE') return [];
    const table = tableKey(rename.relation);
    if (!existsBefore(ctx, table)) return [];
    return hits([`table ${table} is renamed to ${rename.newname}`]);
  },
};

export const dropColumn: LintRule = {
  id: 'drop-column',
  category: 'breaking',
  severity: 'error',
  title: 'Column dropped',
  explanation:
    "The column's data is gone (only a backup brings it back), and code still selecting or inserting it fails until redeployed. ORMs that list every column in INSERTs break even if they never read it.",
  saferAlternative: `Stop using the column in code first, deploy, then drop it in a later change set (${EXPAND_CONTRACT}); keep a copy if the data may be needed.`,
  checkStatement(ctx) {
    const alter = alterOfExistingTable(ctx);
    if (!alter) return [];
    return hits(
      alter.cmds.map((cmd) =>
        cmd.subtype === 'AT_DropColumn' && cmd.name && existingColumn(ctx, alter.table, cmd.name) ? `column ${alter.table}.${cmd.name} is dropped with its data` : null,
      ),
    );
  },
};

export const dropTable: LintRule = {
  id: 'drop-table',
  category: 'breaking',
  severity: 'error',
  title: 'Table dropped',
  explanation: "The table's rows are gone (only a backup brings them back) and every query on it fails.",
  saferAlternative: 'Stop using the table in code first, deploy, then drop it in a later change set; rename it aside (or copy it) first if the data may be needed.',
  checkStatement(ctx) {
    const drop = nodeOf(ctx.statement.node, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_TABLE') return [];
    return hits(
      (drop.objects ?? []).map((o) => {
        const table = keyFromNames(stringsOf(nodeOf(o, 'List')?.items));
        return existsBefore(ctx, table) ? `table ${table} is dropped with its rows` : null;
      }),
    );
  },
};

export const truncateTable: LintRule = {
  id: 'truncate-table',
  category: 'breaking',
  severity: 'error',
  title: 'Table truncated',
  explanation: 'TRUNCATE deletes every row of an existing table (CASCADE: of every table referencing it too) under ACCESS EXCLUSIVE; the data is not recoverable without a backup.',
  saferAlternative: 'Delete exactly the rows meant, in batches, with a WHERE clause; or keep the truncate in a runbook, not a migration.',
  checkStatement(ctx) {
    const truncate = nodeOf(ctx.statement.node, 'TruncateStmt');
    if (!truncate) return [];
    const cascade = truncate.behavior === 'DROP_CASCADE' ? ' and every table referencing it (CASCADE)' : '';
    return hits(nodesOf(truncate.relations, 'RangeVar').map((rv) => (existsBefore(ctx, tableKey(rv)) ? `${tableKey(rv)}${cascade} loses every row` : null)));
  },
};

export const setNotNullOnExistingColumn: LintRule = {
  id: 'set-not-null-on-existing-column',
  category: 'breaking',
  severity: 'error',
  title: 'SET NOT NULL on an existing column',
  explanation:
    'Writers that still insert NULL start failing, and PostgreSQL scans the whole table under ACCESS EXCLUSIVE to check existing rows (the ALTER fails if one is NULL). From PostgreSQL 12 a validated CHECK (col IS NOT NULL) constraint lets it skip the scan.',
  saferAlternative:
    'Deploy code that always writes a value, backfill NULLs, ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT in a later change set, then SET NOT NULL and drop the check.',
  checkStatement(ctx) {
    const alter = alterOfExistingTable(ctx);
    if (!alter) return [];
    return hits(
      alter.cmds.map((cmd) => {
        if (cmd.subtype !== 'AT_SetNotNull' || !cmd.name) return null;
        const provenByCheck = ctx.model.checks.some((c) => c.table === alter.table && c.notNullColumn === cmd.name && c.validated);
        if (provenByCheck && ctx.options.serverVersion >= 12) return null;
        const note = provenByCheck ? ` (PostgreSQL ${ctx.options.serverVersion} cannot use the validated check to skip the scan)` : '';
        // A column added earlier in this change set has no writers yet: only the scan remains.
        const writers = existingColumn(ctx, alter.table, cmd.name) ? ' and writers sending NULL fail' : '';
        return `${alter.table}.${cmd.name} becomes NOT NULL: the table is scanned under ACCESS EXCLUSIVE${writers}${note}`;
      }),
    );
  },
};

export const BREAKING_RULES: LintRule[] = [renameColumn, renameTable, dropColumn, dropTable, truncateTable, setNotNullOnExistingColumn];

