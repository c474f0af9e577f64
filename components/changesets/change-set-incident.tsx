import type { HistoryEntry } from '@/lib/migrate/history-store';
import type { ChangeSetState } from '@/lib/migrate/target-state';
import { FailureBox } from '@/components/dry-run/failure-box';
import { formatTimestamp, isoTimestamp } from '@/components/history/history-filter';

/**
 * What happened to one change set that needs a person: a failure in PostgreSQL's own words
 * with the statement and file (the dry run's failure box), an interrupted run, an edited
 * file, or a skip — and who did it, when. `failureLine` is the failing statement's line in
 * its file (the history keeps the statement's index, the page finds its line).
 */
export function ChangeSetIncident({
  tag,
  state,
  last,
  reason,
  failureFile,
  failureLine,
  appliedChecksum,
  fileChecksum,
}: {
  tag: string;
  state: ChangeSetState | 'rolled_back';
  last: HistoryEntry | null;
  reason: string | null;
  failureFile: string | null;
  failureLine: number | null;
  appliedChecksum?: string | null;
  fileChecksum?: string;
}) {
  const who = last && (
    <p className="text-sm text-zinc-700" data-testid="incident-who">
      {last.operation === 'skip' ? 'Skipped' : last.status === 'started' ? 'Started' : last.direction === 'down' ? 'Rolled back' : 'Run'} by{' '}
      <strong className="font-semibold">{last.actor}</strong> at{' '}
      <time dateTime={isoTimestamp(new Date(last.startedAt).toISOString())} className="tabular-nums">
        {formatTimestamp(new Date(last.startedAt).toISOString())}
      </time>
      {last.reason && <span className="text-zinc-600"> · {last.reason}</span>}
    </p>
  );
  if (state === 'failed' && last) {
    const error =
      last.errorMessage !== null
        ? {
            message: last.errorMessage,
            statementIndex: last.errorStatementIndex ?? 0,
            statement: last.errorStatement ?? '',
            line: failureLine ?? 1,
            file: failureFile ?? '',
            hint: last.errorHint ?? undefined,
            detail: last.errorDetail ?? undefined,
            code: last.errorCode ?? undefined,
            noTransaction: last.noTransaction,
          }
        : null;
    return (
      <div className="flex flex-col gap-2" data-testid="incident" data-state={state}>
        {who}
        <FailureBox
          changeSet={{ tag, error }}
          testId="incident-failure"
          headingId={`incident-${tag}-heading`}
          note={last.noTransaction ? 'It ran without a transaction: statements before this one stay in place.' : 'Its transaction was rolled back: nothing of it is in place.'}
        />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-800" data-testid="incident" data-state={state}>
      {who}
      {reason && <p className="break-words">{reason}</p>}
      {state === 'checksum_mismatch' && (
        <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 font-mono text-xs">
          <dt className="font-sans text-zinc-600">applied</dt>
          <dd className="break-all">{appliedChecksum ?? last?.checksum ?? 'unknown'}</dd>
          <dt className="font-sans text-zinc-600">file now</dt>
          <dd className="break-all">{fileChecksum}</dd>
        </dl>
      )}
    </div>
  );
}
