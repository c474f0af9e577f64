import { classifyTypeChange, type TypeChange } from '../../diff/type-change';
import { nodeOf } from '../ast';
import { hits, type LintRule, type StatementContext } from '../rule';
import { columnType } from '../schema-model';
import { alterOfExistingTable } from './alter-table-locks';

/**
 * ALTER COLUMN … TYPE on an existing table, judged by the diff's own type classifier:
 * binary-coercible changes (varchar(n) → varchar(m ≥ n), varchar → text, more numeric
 * precision) are catalog-only; the rest rewrite the table, and narrowings can also fail
 * on or change existing values.
 */
interface TypeChangeOf {
  table: string;
  column: string;
  from: string | null;
  to: string;
  change: TypeChange | null;
}

function typeChanges(ctx: StatementContext): TypeChangeOf[] {
  const alter = alterOfExistingTable(ctx);
  if (!alter) return [];
  return alter.cmds.flatMap((cmd) => {
    const def = cmd.subtype === 'AT_AlterColumnType' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    if (!def || !cmd.name) return [];
    const to = columnType(def);
    const from = ctx.model.column(alter.table, cmd.name)?.type ?? null;
    return [{ table: alter.table, column: cmd.name, from, to, change: from ? classifyTypeChange(from, to) : null }];
  });
}

export const columnTypeRewrite: LintRule = {
  id: 'column-type-rewrite',
  category: 'locking',
  severity: 'error',
  title: 'Column type change that rewrites an existing table',
  explanation:
    'ALTER COLUMN … TYPE rewrites the table and rebuilds its indexes under ACCESS EXCLUSIVE unless the old type is binary-coercible to the new one (varchar(n) → varchar(m ≥ n) or text, more numeric precision at the same scale). Reads and writes stop for the whole rewrite.',
  saferAlternative:
    'Add a new column of the new type, backfill it in batches, switch readers and writers (or a trigger) over, then drop the old column in a later change set.',
  checkStatement(ctx) {
    return hits(
      typeChanges(ctx).map((c) => {
        if (c.change === null) {
          return `${c.table}.${c.column} changes type to ${c.to}; its current type is unknown to the project (the table was not created by its change sets), so PostgreSQL may rewrite the table`;
        }
        if (!c.change.rewrite || c.change.narrowing) return null;
        return `${c.table}.${c.column} changes type ${c.from} → ${c.to}: ${c.change.reason}`;
      }),
    );
  },
};

export const narrowedColumnType: LintRule = {
  id: 'narrowed-column-type',
  category: 'breaking',
  severity: 'error',
  title: 'Column type narrowed',
  explanation:
    'A narrower type (varchar(255) → varchar(50), bigint → integer, fewer decimal places) fails the ALTER when an existing value does not fit, or silently rounds it, and it breaks every writer that still sends the old range. It also rewrites the table under ACCESS EXCLUSIVE.',
  saferAlternative:
    'Keep the wider type and add a CHECK constraint NOT VALID for the new limit, VALIDATE it later, and only narrow the type once every writer respects it, if at all.',
  checkStatement(ctx) {
    return hits(typeChanges(ctx).map((c) => c.change?.narrowing && `${c.table}.${c.column} is narrowed ${c.from} → ${c.to}: ${c.change.reason}`));
  },
};
