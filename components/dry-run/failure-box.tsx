import type { DryRunChangeSet } from '@/lib/migrate/dry-run-types';
import { SqlCode } from '@/components/sql/sql-code';
import { CheckFailureDetails } from '@/components/checks/check-failure';

/**
 * The change set that failed: where, PostgreSQL's own words, and the statement itself. A dry
 * run's failure, or (with `testId`, `headingId` and `note`) a real run's from the history.
 */
export function FailureBox({
  changeSet,
  testId = 'dry-run-failure',
  headingId = 'dry-run-failure-heading',
  note = 'Nothing after this statement ran.',
}: {
  changeSet: Pick<DryRunChangeSet, 'tag' | 'error'>;
  testId?: string;
  headingId?: string;
  note?: string;
}) {
  const error = changeSet.error;
  if (error?.check) {
    return (
      <section
        role="alert"
        aria-labelledby="dry-run-failure-heading"
        data-testid="dry-run-failure"
        className="flex flex-col gap-3 rounded-xl border border-red-300 bg-red-50 p-5 text-red-900"
      >
        <h3 id="dry-run-failure-heading" className="text-base font-semibold text-red-800">
          Change set <span className="font-mono">{changeSet.tag}</span> would fail its {error.check.phase === 'before' ? 'before-check' : 'check'}
        </h3>
        <CheckFailureDetails error={error} />
        <p className="text-xs text-red-800">
          {error.noTransaction && error.check.phase === 'after'
            ? 'It runs without a transaction: a real run would keep its statements, and record it failed.'
            : 'A real run would roll its transaction back; nothing after it would run.'}
        </p>
      </section>
    );
  }
  return (
    <section
      role="alert"
      aria-labelledby={headingId}
      data-testid={testId}
      className="flex flex-col gap-3 rounded-xl border border-red-300 bg-red-50 p-5 text-red-900"
    >
      <h3 id={headingId} className="text-base font-semibold text-red-800">
        Change set <span className="font-mono">{changeSet.tag}</span> failed
        {error && (
          <span className="font-normal">
            {' '}
            at statement {error.statementIndex + 1}, line {error.line} of <span className="font-mono break-all">{error.file}</span>
          </span>
        )}
      </h3>
      {error ? (
        <>
          <p data-testid={`${testId}-message`} className="font-mono text-sm break-words">
            {error.code && <span className="mr-2 rounded bg-red-100 px-1.5 py-0.5 text-xs text-red-800">{error.code}</span>}
            {error.message}
          </p>
          {(error.detail || error.hint) && (
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              {error.detail && (
                <>
                  <dt className="font-medium">Detail</dt>
                  <dd className="break-words">{error.detail}</dd>
                </>
              )}
              {error.hint && (
                <>
                  <dt className="font-medium">Hint</dt>
                  <dd className="break-words">{error.hint}</dd>
                </>
              )}
            </dl>
          )}
          <SqlCode sql={error.statement} startLine={error.line} label={`Failing statement ${error.statementIndex + 1} of ${changeSet.tag}`} />
          <p className="text-xs text-red-800">{note}</p>
        </>
      ) : (
        <p className="text-sm">PostgreSQL reported no details for this failure.</p>
      )}
    </section>
  );
}
