import type { RunResult } from '@/lib/migrate/apply';
import type { FixResult } from '@/lib/console/change-set-fixes';
import { Badge } from '@/components/ui/badge';
import { copiedText, undoAdvice } from '@/lib/backup/backup-record';
import { CheckFailureDetails } from '@/components/checks/check-failure';

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * What a finished apply or rollback did, change set by change set, with the failure in
 * PostgreSQL's words — or, for an executed fix request (resolve, skip, unskip), what it settled.
 */
export function RunOutcome({ env, result }: { env: string; result: RunResult | FixResult }) {
  if ('fixed' in result) {
    return (
      <section data-testid="run-outcome" data-failed="false" className="flex flex-col gap-1 text-sm">
        <h3 className="text-base font-semibold text-zinc-900">Done on {env}</h3>
        <p data-testid="fix-outcome">
          {result.fixed.action}
          {result.fixed.as ? ` (${result.fixed.as})` : ''}: <span className="font-mono">{result.fixed.tag}</span> is now {result.fixed.state.replaceAll('_', ' ')}.
        </p>
      </section>
    );
  }
  const failure = result.failed?.error;
  return (
    <section data-testid="run-outcome" data-failed={failure ? 'true' : 'false'} className="flex flex-col gap-3">
      <h3 className="text-base font-semibold text-zinc-900">{failure ? `Stopped at ${result.failed!.tag}` : `Done on ${env}`}</h3>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm">
        {result.records.map((r) => (
          <li key={`${r.tag}-${r.direction}`} data-testid="outcome-changeset" data-status={r.status} className="flex flex-wrap items-center gap-3 px-3 py-2">
            <Badge tone={r.status === 'failed' ? 'red' : r.status === 'applied' ? 'green' : 'violet'}>{r.status.replaceAll('_', ' ')}</Badge>
            <span className="font-mono">{r.tag}</span>
            <span className="ml-auto text-xs text-zinc-500 tabular-nums">
              {r.statements} statements · {r.rowsAffected} rows · {r.durationMs} ms
            </span>
            {r.lockWaits?.length ? (
              <p data-testid="outcome-lock-waits" className="w-full text-xs text-amber-900">
                Waited out a lock holder ({r.lockWaits.length} {r.lockWaits.length === 1 ? 'retry' : 'retries'}): {r.lockWaits.at(-1)!.message}
              </p>
            ) : null}
            {r.notes ? (
              <p data-testid="outcome-notes" className="w-full text-xs text-zinc-700">
                {r.notes}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {failure?.check && (
        <div role="alert" className="flex flex-col gap-2 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold">{result.failed!.tag} failed its {failure.check.phase === 'before' ? 'before-check' : 'check'}</p>
          <CheckFailureDetails error={failure} />
          <p>
            {!failure.noTransaction
              ? 'Its transaction was rolled back; nothing of it is in place.'
              : failure.check.phase === 'after'
                ? 'It ran without a transaction: its statements stay applied; the check cannot undo them.'
                : 'None of its statements ran.'}
          </p>
        </div>
      )}
      {failure && !failure.check && (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-semibold">
            {failure.file}:{failure.line} — statement {failure.statementIndex + 1}: {failure.message}
          </p>
          {failure.detail && <p>Detail: {failure.detail}</p>}
          {failure.hint && <p>Hint: {failure.hint}</p>}
          <pre className="mt-2 overflow-x-auto rounded bg-white p-2 font-mono text-xs">{failure.statement}</pre>
          <p className="mt-2">{failure.noTransaction ? 'It ran without a transaction: statements before it stay applied.' : 'Its transaction was rolled back; nothing of it is in place.'}</p>
        </div>
      )}
      {result.backups.map((backup) => (
        <div key={backup.id} data-testid="backup-note" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <p className="font-semibold">
            Backed up before {backup.changeSet}, verified ({backup.location === 'files' ? 'files' : 'schema'} <span className="font-mono">{backup.id}</span>):
          </p>
          <p>{backup.tables.map(copiedText).join(', ')}</p>
          <p className="mt-1">
            {capitalised(undoAdvice(backup))} from the <a className="underline" href={`/environments/${env}#backups`}>environment's backups</a>.
          </p>
        </div>
      ))}
      {result.pruned.length > 0 && (
        <p className="text-xs text-zinc-600">
          Retention removed {result.pruned.length} older backup{result.pruned.length === 1 ? '' : 's'}: {result.pruned.map((p) => `${p.id} (${p.why})`).join(', ')}
        </p>
      )}
    </section>
  );
}
