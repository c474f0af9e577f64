import type { AlterTableCmd, ColumnDef, Constraint } from 'libpg-query';
import { nodeOf, nodesOf, tableKey } from '../ast';
import { hits, type LintRule, type RuleHit, type StatementContext } from '../rule';
import { columnConstraints, isSerial } from '../schema-model';
import { defaultVolatility, isNullDefault } from '../volatility';
import { existsBefore } from './index-locks';

/**
 * ALTER TABLE forms that hold ACCESS EXCLUSIVE for longer than a catalog update: table
 * rewrites, validation scans, index builds. Tables created in the same change set are
 * exempt: they are empty and nobody else can see them yet.
 */

/** The subcommands of an ALTER TABLE on a table that existed before this change set. */
export function alterOfExistingTable(ctx: StatementContext): { table: string; cmds: AlterTableCmd[] } | null {
  const alter = nodeOf(ctx.statement.node, 'AlterTableStmt');
  if (!alter || alter.objtype !== 'OBJECT_TABLE') return null;
  const table = tableKey(alter.relation);
  if (!existsBefore(ctx, table)) return null;
  return { table, cmds: nodesOf(alter.cmds, 'AlterTableCmd') };
}

/** Column definitions added by ALTER TABLE … ADD COLUMN on an existing table. */
function addedColumns(ctx: StatementContext): Array<{ table: string; def: ColumnDef }> {
  const alter = alterOfExistingTable(ctx);
  if (!alter) return [];
  return alter.cmds.flatMap((cmd) => {
    const def = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    return def ? [{ table: alter.table, def }] : [];
  });
}

const has = (def: ColumnDef, contype: string) => columnConstraints(def).some((c) => c.contype === contype);
const defaultOf = (def: ColumnDef) => columnConstraints(def).find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;

export const addNotNullColumnWithoutDefault: LintRule = {
  id: 'add-not-null-column-without-default',
  category: 'locking',
  severity: 'error',
  title: 'NOT NULL column added without a default to an existing table',
  explanation:
    'Existing rows would get NULL in the new column, so PostgreSQL refuses the ALTER as soon as the table has one row ("column contains null values"): the change set applies on an empty development database and fails in production.',
  saferAlternative:
    'Add the column nullable (or with a constant default, instant since PostgreSQL 11), backfill it in batches, add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ skips the scan thanks to the validated check).',
  checkStatement(ctx) {
    const found: RuleHit[] = [];
    for (const { table, def } of addedColumns(ctx)) {
      const notNull = has(def, 'CONSTR_NOTNULL') || has(def, 'CONSTR_PRIMARY');
      const filled = defaultOf(def) !== undefined || has(def, 'CONSTR_IDENTITY') || has(def, 'CONSTR_GENERATED') || isSerial(def);
      if (!notNull || filled) continue;
      const rows = ctx.options.tableRows(table);
      if (rows === 0) continue;
      const what = `NOT NULL column ${def.colname} is added to ${table} without a default`;
      if (rows === null) found.push({ message: `${what}: fails if the table has rows (row count unknown)`, severity: 'warning' });
      else found.push({ message: `${what}: fails, ${table} has ${rows.toLocaleString('en-US')} rows`, severity: 'error' });
    }
    return found;
  },
};

/** Why adding this column rewrites the table, or null when it is a catalog-only change. */
function rewriteReason(def: ColumnDef, serverVersion: number): string | null {
  if (has(def, 'CONSTR_IDENTITY')) return 'an identity column is filled for every existing row';
  if (isSerial(def)) return 'a serial column takes nextval() for every existing row';
  const generated = columnConstraints(def).find((c) => c.contype === 'CONSTR_GENERATED');
  // PostgreSQL 18 makes virtual the default; STORED (generated_kind 's') computes every row now.
  if (generated && generated.generated_kind !== 'v') return 'a stored generated column is computed for every existing row';
  const expr = defaultOf(def);
  if (expr === undefined || isNullDefault(expr)) return null;
  if (serverVersion < 11) return `before PostgreSQL 11 every default is written into each row (server version ${serverVersion})`;
  const volatility = defaultVolatility(expr);
  if (!volatility.volatile) return null;
  return volatility.unknown
    ? `its default calls ${volatility.culprit}, which the linter cannot prove non-volatile; a volatile default is computed for every existing row`
    : `its default ${volatility.culprit} is volatile and is computed for every existing row`;
}

export const addColumnRewritesTable: LintRule = {
  id: 'add-column-rewrites-table',
  category: 'locking',
  severity: 'error',
  title: 'Column added with a volatile default (or identity, serial, stored generated): table rewrite',
  explanation:
    'Since PostgreSQL 11 a column with a constant or stable default (0, now(), \'{}\') is added instantly. A volatile default (random(), gen_random_uuid(), clock_timestamp(), nextval() of serial and identity columns) or a stored generated column must be computed per row: PostgreSQL rewrites the whole table and its indexes under ACCESS EXCLUSIVE.',
  saferAlternative:
    'Add the column without a default (or with a constant one), SET DEFAULT separately so only new rows use it, and backfill existing rows in batches.',
  checkStatement(ctx) {
    return hits(
      addedColumns(ctx).map(({ table, def }) => {
        const reason = rewriteReason(def, ctx.options.serverVersion);
        return reason && `adding ${table}.${def.colname} rewrites the table: ${reason}`;
      }),
    );
  },
};

/** Constraints an ALTER TABLE adds, with the column when declared inline on ADD COLUMN. */
function addedConstraints(cmds: AlterTableCmd[]): Array<{ constraint: Constraint; column: string | null }> {
  return cmds.flatMap((cmd) => {
    if (cmd.subtype === 'AT_AddConstraint') {
      const constraint = nodeOf(cmd.def, 'Constraint');
      return constraint ? [{ constraint, column: null }] : [];
    }
    const def = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    return def ? columnConstraints(def).map((constraint) => ({ constraint, column: def.colname ?? null })) : [];
  });
}

const constraintLabel = (c: Constraint, column: string | null) => c.conname ?? (column ? `on column ${column}` : '(unnamed)');

export const constraintWithoutNotValid: LintRule = {
  id: 'constraint-without-not-valid',
  category: 'locking',
  severity: 'error',
  title: 'Foreign key or check constraint added without NOT VALID to an existing table',
  explanation:
    'Adding a CHECK or FOREIGN KEY constraint scans the whole table to validate existing rows while holding its lock (ACCESS EXCLUSIVE for a check, SHARE ROW EXCLUSIVE on both tables for a foreign key), so writes wait for the scan.',
  saferAlternative:
    'ADD CONSTRAINT … NOT VALID (instant: only new rows are checked), then ALTER TABLE … VALIDATE CONSTRAINT in a later change set; validation takes only SHARE UPDATE EXCLUSIVE and lets writes through.',
  checkStatement(ctx) {
    const alter = alterOfExistingTable(ctx);
    if (!alter) return [];
    return hits(
      addedConstraints(alter.cmds).map(({ constraint, column }) => {
        if (constraint.skip_validation) return null;
        if (constraint.contype === 'CONSTR_FOREIGN') return `foreign key ${constraintLabel(constraint, column)} on ${alter.table} is validated against every row while writes wait`;
        if (constraint.contype === 'CONSTR_CHECK') return `check constraint ${constraintLabel(constraint, column)} on ${alter.table} is validated against every row under ACCESS EXCLUSIVE`;
        return null;
      }),
    );
  },
};

export const notValidValidatedInSameTransaction: LintRule = {
  id: 'not-valid-validated-in-same-transaction',
  category: 'locking',
  severity: 'warning',
  title: 'NOT VALID constraint validated in the same transaction',
  explanation:
    'NOT VALID exists to split the lock: a quick ADD, then a VALIDATE that lets writes through. Validating in the same transaction keeps the lock the ADD took until the validation scan ends, which is what NOT VALID was meant to avoid.',
  saferAlternative: 'Move the VALIDATE CONSTRAINT into a later change set.',
  checkStatement(ctx) {
    const alter = nodeOf(ctx.statement.node, 'AlterTableStmt');
    if (!alter) return [];
    const table = tableKey(alter.relation);
    return hits(
      nodesOf(alter.cmds, 'AlterTableCmd').map((cmd) =>
        cmd.subtype === 'AT_ValidateConstraint' && ctx.session.notValidInTransaction.has(`${table}.${cmd.name}`)
          ? `constraint ${cmd.name} on ${table} is validated in the transaction that added it NOT VALID`
          : null,
      ),
    );
  },
};

export const uniqueConstraintWithoutIndex: LintRule = {
  id: 'unique-constraint-without-index',
  category: 'locking',
  severity: 'error',
  title: 'Unique constraint or primary key built directly on an existing table',
  explanation:
    'ADD UNIQUE, ADD PRIMARY KEY (or a UNIQUE/PRIMARY KEY column) builds its index while holding ACCESS EXCLUSIVE on the table: no reads or writes until the build ends.',
  saferAlternative:
    'CREATE UNIQUE INDEX CONCURRENTLY in a `-- strata:no-transaction` change set, then ALTER TABLE … ADD CONSTRAINT name UNIQUE USING INDEX index (or PRIMARY KEY USING INDEX), which is instant.',
  checkStatement(ctx) {
    const alter = alterOfExistingTable(ctx);
    if (!alter) return [];
    const kinds: Record<string, string> = { CONSTR_UNIQUE: 'unique constraint', CONSTR_PRIMARY: 'primary key', CONSTR_EXCLUSION: 'exclusion constraint' };
    return hits(
      addedConstraints(alter.cmds).map(({ constraint, column }) => {
        const kind = kinds[constraint.contype ?? ''];
        if (!kind || constraint.indexname) return null;
        return `${kind} ${constraintLabel(constraint, column)} on ${alter.table} builds its index under ACCESS EXCLUSIVE`;
      }),
    );
  },
};

export const ALTER_TABLE_LOCK_RULES: LintRule[] = [
  addNotNullColumnWithoutDefault,
  addColumnRewritesTable,
  constraintWithoutNotValid,
  notValidValidatedInSameTransaction,
  uniqueConstraintWithoutIndex,
];
