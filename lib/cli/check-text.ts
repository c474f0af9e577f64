import type { CheckOutcome, FailureInfo } from '../migrate/statement-outcome';

/**
 * How the CLI names a failing check (`strata apply`, `strata plan`): its file and line, its
 * comment, what it found (the rows, masked, from the failure's detail) and the query.
 */
export function checkFailureLines(error: FailureInfo, verb: 'failed' | 'would fail', indent: string): string[] {
  const check = error.check!;
  const what = `${check.phase === 'before' ? 'before-check' : 'check'}${check.comment ? ` "${check.comment}"` : ''}`;
  const found = check.rowCount === null ? error.message.replace(/^.*could not run: /, 'could not run: ') : `it returned ${check.rowCount} row${check.rowCount === 1 ? '' : 's'} (must return none)`;
  return [
    `${indent}${error.file}:${error.line}: ${what} ${verb}: ${found}`,
    ...(error.detail ? error.detail.split('\n').map((l) => `${indent}  ${l}`) : []),
    ...(error.hint ? [`${indent}  hint: ${error.hint}`] : []),
    `${indent}  ${check.sql.split('\n').join(`\n${indent}  `)}`,
  ];
}

/** One line per check a dry run ran (or did not), for `strata plan`. */
export function checkOutcomeLine(c: CheckOutcome): string {
  const what = `${c.phase === 'before' ? 'before-check' : 'check'} ${c.file}:${c.line}${c.comment ? ` "${c.comment}"` : ''}`;
  const status = c.status === 'passed' ? 'passed' : c.status === 'not_run' ? 'not run' : c.rowCount === null ? 'failed (could not run)' : `failed (${c.rowCount} rows)`;
  return `${what}: ${status}`;
}

/** What a failed no-transaction change set left in place, in the words of where it failed. */
export function noTransactionAfterFailure(error: FailureInfo): string {
  if (error.check?.phase === 'after') return 'It ran without a transaction: its statements committed one by one and stay applied; the check cannot undo them. Nothing after it ran.';
  if (error.check?.phase === 'before') return 'It ran without a transaction, but its before-check failed first: none of its statements ran. Nothing after it ran.';
  return 'It ran without a transaction: statements before it stay applied. Nothing after it ran.';
}
