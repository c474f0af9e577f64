import type { RunResult } from '@/lib/migrate/apply';
import { Badge } from '@/components/ui/badge';
import { CheckFailureDetails } from '@/components/checks/check-failure';

/** What a finished apply or rollback did, change set by change set, with the failure in PostgreSQL's words. */
export function RunOutcome({ env, result }: { env: string; result: RunResult }) {
  const failure = result.failed?.error;
  return (
    <section data-testid="run-outcome" data-failed={failure ? 'true' : 'false'} className="flex flex-col gap-3">
      <h3 className="text-base font-semibold text-zinc-900">{failure ? `Stopped at ${result.failed!.tag}` : `Done on ${env}`}</h3>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm">
        {result.records.map((r) => (
          <li key={`${r.tag}-${r.direction}`} data-testid="outcome-changeset" data-status={r.status} className="flex flex-wrap items-center gap-3 px-3 py-2">
            <Badge tone={r.status === 'failed' ? 'red' : r.status === 'applied' ? 'green' : 'violet'}>{r.status.replace('_', ' ')}</Badge>
            <span className="font-mono">{r.tag}</span>
            <span className="ml-auto text-xs text-zinc-500 tabular-nums">
              {r.statements} statements · {r.rowsAffected} rows · {r.durationMs} ms
            </span>
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
      {result.backup && (
        <div data-testid="backup-note" className="rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-950">
          <p className="font-semibold">Backed up before the rollback into schema {result.backup.schema}:</p>
          <p>{result.backup.tables.map((t) => `${t.source} (${t.rows} rows)`).join(', ')}</p>
          <p className="mt-1">
            To undo: re-apply, then <code className="font-mono">npm run strata -- backup restore --env {env} --schema {result.backup.schema}</code>
          </p>
        </div>
      )}
    </section>
  );
}
