import { checkHeader, notReadOnly } from '../../changesets/checks';
import type { ChangeSetHit, LintRule } from '../rule';

/**
 * Rules for a change set's checks file (`checks/NNNN_tag.sql`, lib/changesets/checks.ts). Its
 * syntax errors are `sql-syntax-error` findings; a checks file with no change set of its tag
 * is found by lintProject (`check-without-change-set`).
 */

export const checkNotReadOnly: LintRule = {
  id: 'check-not-read-only',
  category: 'hygiene',
  severity: 'error',
  title: 'A check that is not a read-only query',
  explanation:
    'A check runs inside the change set’s transaction and must only look: it returns the rows that are wrong, and none when all is well. Strata refuses to run a change set whose checks file holds anything but SELECT, WITH … SELECT or VALUES (a write, DDL, SELECT INTO, FOR UPDATE or a data-modifying WITH), before anything runs.',
  saferAlternative: 'Write the check as a SELECT of the offending rows, e.g. `select id from t where not exists (…)`; put changes in the change set itself.',
  checkChangeSet(ctx) {
    if (!ctx.checks?.ok) return [];
    return ctx.checks.statements.flatMap((s): ChangeSetHit[] => {
      const problem = notReadOnly(s.node);
      return problem ? [{ message: `this check ${problem}; a check must be a read-only query`, statementIndex: s.index, line: s.line, fileKind: 'checks' }] : [];
    });
  },
};

export const checkWithoutComment: LintRule = {
  id: 'check-without-comment',
  category: 'hygiene',
  severity: 'warning',
  title: 'A check without a comment saying what it checks',
  explanation: 'When a check fails, its comment (the `--` lines right above it) is what the failure, the history and the console show to say what went wrong. Without one, only a file and a line are shown.',
  saferAlternative: 'Put a comment line above the query naming what must hold, e.g. `-- every file has a boundary contract`.',
  checkChangeSet(ctx) {
    if (!ctx.checks?.ok || !ctx.changeSet.checks) return [];
    const text = ctx.changeSet.checks.text;
    return ctx.checks.statements
      .filter((s) => checkHeader(text, s.line).comment === null)
      .map((s): ChangeSetHit => ({ message: 'this check has no comment above it to name it when it fails', statementIndex: s.index, line: s.line, fileKind: 'checks' }));
  },
};

export const checkAfterNoTransaction: LintRule = {
  id: 'check-after-no-transaction',
  category: 'hygiene',
  severity: 'warning',
  title: 'An after-check on a change set that runs without a transaction',
  explanation:
    'A `-- strata:no-transaction` change set commits statement by statement, so a check that runs after it and fails cannot undo it: the change set is recorded failed with its statements in place, and blocks until resolved. Before-checks (`-- strata:before`) still stop it before anything runs.',
  saferAlternative: 'Keep the after-check if a failure that leaves the change in place and blocks the environment is what you want (e.g. an index left INVALID); otherwise make it a before-check, or move the work into a transactional change set.',
  checkChangeSet(ctx) {
    if (!ctx.checks?.ok || !ctx.changeSet.checks || !ctx.changeSet.forward.noTransaction) return [];
    const text = ctx.changeSet.checks.text;
    const first = ctx.checks.statements.find((s) => checkHeader(text, s.line).phase === 'after');
    return first
      ? [{ message: `${ctx.changeSet.forward.file} runs without a transaction: a failing after-check cannot undo it, only record it failed`, statementIndex: first.index, line: first.line, fileKind: 'checks' }]
      : [];
  },
};

/** Documented for `strata lint --rules`; lintProject produces it. */
export const checkWithoutChangeSet: LintRule = {
  id: 'check-without-change-set',
  category: 'hygiene',
  severity: 'error',
  title: 'A checks file with no change set of its name',
  explanation: 'A checks file runs with the change set of the same tag (`checks/0012_x.sql` with `migrations/0012_x.sql` in the journal). One whose change set was renamed or removed never runs, so what it guards is silently unguarded.',
  saferAlternative: 'Rename the checks file to its change set’s tag, or delete it.',
};

export const CHECK_RULES: LintRule[] = [checkNotReadOnly, checkWithoutComment, checkAfterNoTransaction, checkWithoutChangeSet];
