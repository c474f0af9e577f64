import { DRAFT_ROLLBACK_DIRECTIVE, isDraftRollback, rollbackFileOf } from '../../changesets/project';
import { nodeOf } from '../ast';
import { createdObjects, droppedObjects, notUndone } from '../rollback-coverage';
import { hits, listed, type LintRule } from '../rule';

/** Change-set hygiene: a rollback that exists and undoes the change, transactions left to Strata. */

export const missingRollback: LintRule = {
  id: 'missing-rollback',
  category: 'hygiene',
  severity: 'warning',
  title: 'Change set without rollback SQL',
  explanation:
    'Without a rollback file (rollback/NNNN_tag.sql; rollback.sql in a drizzle-kit 1.0 migration folder), `strata rollback` refuses to undo the change set (and everything applied after it), so a bad deploy can only be fixed forward, under pressure.',
  saferAlternative: 'Write rollback/<tag>.sql (or migrations/<folder>/rollback.sql; `strata draft-rollback` drafts one from drizzle-kit 1.0 snapshots) undoing the change in reverse order; for a change that cannot be undone, a rollback file that says so in a comment.',
  checkChangeSet(ctx) {
    if (ctx.changeSet.rollback) return [];
    return [{ message: `${ctx.changeSet.tag} has no rollback file (${rollbackFileOf(ctx.changeSet)})`, statementIndex: null, line: 1 }];
  },
};

export const rollbackIncomplete: LintRule = {
  id: 'rollback-incomplete',
  category: 'hygiene',
  severity: 'error',
  title: 'Rollback does not undo what the change set creates',
  explanation:
    'Every schema, table, column, index, named constraint, type, extension, view, sequence, function and trigger the forward SQL creates must be dropped by the rollback (directly, or with the table, column or schema containing it). Otherwise re-applying the change set after a rollback fails with "already exists", and the database drifts from the project.',
  saferAlternative: 'Add the missing DROP statements to the rollback, in reverse order of creation.',
  checkChangeSet(ctx) {
    if (!ctx.rollback?.ok || !ctx.changeSet.rollback) return [];
    const left = notUndone(
      createdObjects(ctx.statements.map((s) => s.node)),
      droppedObjects(ctx.rollback.statements.map((s) => s.node)),
    );
    if (left.length === 0) return [];
    return [
      {
        message: `the rollback leaves behind ${listed(left.map((o) => `${o.kind} ${o.key}`), 8)}`,
        statementIndex: null,
        line: 1,
        fileKind: 'rollback',
      },
    ];
  },
};

export const transactionControl: LintRule = {
  id: 'transaction-control-in-change-set',
  category: 'hygiene',
  severity: 'error',
  title: 'BEGIN/COMMIT/ROLLBACK inside a change set',
  explanation:
    'Strata runs each change set in its own transaction and records it in strata.change_log inside that transaction. A COMMIT in the file ends that transaction early (the rest runs outside it and a failure can no longer be undone); a BEGIN is ignored with a warning. In a `-- strata:no-transaction` change set, an explicit transaction must be opened once and closed.',
  saferAlternative: 'Remove BEGIN/COMMIT from transactional change sets; split work that must commit separately into its own change set.',
  checkStatement(ctx) {
    const tx = nodeOf(ctx.statement.node, 'TransactionStmt');
    if (!tx) return [];
    const opens = tx.kind === 'TRANS_STMT_BEGIN' || tx.kind === 'TRANS_STMT_START';
    const closes = tx.kind === 'TRANS_STMT_COMMIT' || tx.kind === 'TRANS_STMT_ROLLBACK';
    const word = (tx.kind ?? '').replace('TRANS_STMT_', '');
    if (ctx.session.wrapped && (opens || closes)) return hits([`${word} inside a change set that Strata already runs in a transaction`]);
    if (opens && ctx.session.inTransaction) return hits([`${word} while a transaction is already open`]);
    if (closes && !ctx.session.inTransaction) return hits([`${word} without an open transaction`]);
    return [];
  },
  checkChangeSet(ctx) {
    const opened = ctx.session.wrapped ? null : ctx.session.openedAt;
    if (!opened) return [];
    return [{ message: 'the transaction opened here is never committed: PostgreSQL rolls it back when the session ends', ...opened }];
  },
};

/** Findings the runner itself produces: documented here so they can be configured and listed like any rule. */
export const sqlSyntaxError: LintRule = {
  id: 'sql-syntax-error',
  category: 'hygiene',
  severity: 'error',
  title: 'SQL that PostgreSQL cannot parse',
  explanation: 'The file does not parse with PostgreSQL 18’s own parser, so apply would fail on it; the other rules cannot check it either.',
  saferAlternative: 'Fix the statement at the reported line.',
};

export const lintIgnoreNeedsReason: LintRule = {
  id: 'lint-ignore-needs-reason',
  category: 'hygiene',
  severity: 'error',
  title: 'strata-lint-ignore without a reason',
  explanation: 'A silenced finding is a reviewed decision; the reason tells the next reader why the risk is acceptable. A silence without one silences nothing.',
  saferAlternative: 'Write `-- strata-lint-ignore <rule-id>: <why this is safe here>`.',
};

export const lintIgnoreUnknownRule: LintRule = {
  id: 'lint-ignore-unknown-rule',
  category: 'hygiene',
  severity: 'error',
  title: 'strata-lint-ignore names an unknown rule',
  explanation: 'A misspelt rule id silences nothing, so the finding it was meant for still fails the build while the comment suggests otherwise.',
  saferAlternative: 'Use the ids listed by `strata lint --rules`.',
};

export const unreviewedDraftRollback: LintRule = {
  id: 'unreviewed-draft-rollback',
  category: 'hygiene',
  severity: 'error',
  title: 'Rollback drafted by strata draft-rollback and not yet reviewed',
  explanation:
    'A drafted rollback is drizzle-kit\'s SQL from the migration\'s snapshot back to the one before it: it knows the schema, not the data. It may drop a column whose values nothing restores, or miss what the migration did outside the schema (data backfills). Until a person has read it, nobody has decided that undoing the migration this way is acceptable.',
  saferAlternative: 'Read the draft, fix what it gets wrong (or say in a comment why the loss is acceptable), then delete its first lines starting with `-- strata:draft-rollback`.',
  checkChangeSet(ctx) {
    if (!ctx.changeSet.rollback || !isDraftRollback(ctx.changeSet.rollback.text)) return [];
    return [{ message: `${ctx.changeSet.rollback.file} is a draft nobody has reviewed (its first line is ${DRAFT_ROLLBACK_DIRECTIVE})`, statementIndex: null, line: 1, fileKind: 'rollback' }];
  },
};

export const HYGIENE_RULES: LintRule[] = [
  missingRollback,
  rollbackIncomplete,
  unreviewedDraftRollback,
  transactionControl,
  sqlSyntaxError,
  lintIgnoreNeedsReason,
  lintIgnoreUnknownRule,
];
