import type { RehearsalReport, RehearsedChangeSet, RehearsedStatement } from '@/lib/rehearse/report';
import { formatCount, formatDuration, plural } from '@/components/dry-run/format';
import { Badge } from '@/components/ui/badge';
import { copyVersusRun, formatBytes, isAlarmingHeadline, isBlockingMode, locksByHeld, maskedColumns, sampleLabel } from './format';

const CHANGE_SET_STATUS: Record<RehearsedChangeSet['status'], { tone: 'green' | 'red' | 'neutral'; label: string }> = {
  ok: { tone: 'green', label: 'ran' },
  failed: { tone: 'red', label: 'failed' },
  not_run: { tone: 'neutral', label: 'not run' },
};

/**
 * A rehearsal's report: the headlines first (the longest locks, rewrites, WAL), then where the
 * time went (copying against running), the columns masked on the way, and each change set's
 * statements with what they did on the copy. Plain markup: tables for the figures, readable
 * with a keyboard and a screen reader; no stack traces, only PostgreSQL's message on a failure.
 */
export function RehearsalReportView({ report }: { report: RehearsalReport }) {
  const { copyMs, runMs, copyShare } = copyVersusRun(report);
  const masked = maskedColumns(report);
  const failed = report.changeSets.find((c) => c.status === 'failed');
  const rows = report.copy.tables.reduce((n, t) => n + t.rows, 0);
  return (
    <section aria-label="Rehearsal report" data-testid="rehearsal-report" data-failed={failed ? 'true' : 'false'} className="flex flex-col gap-5">
      {failed && (
        <div role="alert" data-testid="rehearsal-failed" className="rounded-lg border-2 border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
          <p className="font-bold">
            <span className="font-mono">{failed.tag}</span> failed on the copy
          </p>
          {failed.error && <p className="mt-1 break-words">{failed.error}</p>}
        </div>
      )}
      <section aria-labelledby="rehearsal-headlines" className="flex flex-col gap-2">
        <h3 id="rehearsal-headlines" className="text-sm font-semibold text-zinc-900">
          Headlines
        </h3>
        {report.headlines.length === 0 ? (
          <p className="text-sm text-zinc-600">No lock held long, no table rewritten, little WAL.</p>
        ) : (
          <ul data-testid="rehearsal-headlines" className="flex flex-col gap-1.5">
            {report.headlines.map((line, i) => (
              <li key={i} className={`rounded-md px-3 py-2 text-sm font-medium ${isAlarmingHeadline(line) ? 'bg-amber-50 text-amber-950 ring-1 ring-amber-200' : 'bg-zinc-50 text-zinc-900 ring-1 ring-zinc-200'}`}>
                {line}
              </li>
            ))}
          </ul>
        )}
      </section>

      <dl data-testid="rehearsal-times" className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-4">
        <Figure label="Run on the copy" value={formatDuration(runMs)} testId="rehearsal-run-ms" />
        <Figure label="Copy (schema + data)" value={`${formatDuration(copyMs)} (${formatDuration(report.copy.schemaMs)} + ${formatDuration(report.copy.dataMs)})`} testId="rehearsal-copy-ms" />
        <Figure label="WAL written" value={formatBytes(report.walBytes)} testId="rehearsal-wal" />
        <Figure label="Data copied" value={`${plural(report.copy.tables.length, 'table')}, ${plural(rows, 'row')} (${sampleLabel(report.sample)})`} testId="rehearsal-copied" />
      </dl>
      <div aria-hidden="true" className="flex h-2 w-full overflow-hidden rounded-full bg-zinc-200" title="copy time against run time">
        <div className="h-full bg-sky-500" style={{ width: `${Math.round(copyShare * 100)}%` }} />
        <div className="h-full bg-violet-600" style={{ width: `${100 - Math.round(copyShare * 100)}%` }} />
      </div>
      <p className="-mt-3 text-xs text-zinc-600">
        <span className="font-medium text-sky-700">Copy</span> {Math.round(copyShare * 100)}% · <span className="font-medium text-violet-700">run</span> {100 - Math.round(copyShare * 100)}% of
        the rehearsal&apos;s time. The target was only read{report.scratchDropped ? `; the scratch copy was dropped (in ${formatDuration(report.dropMs)}).` : '.'}
        {!report.tempMeasured && ' Temp files were not measured (the shadow server’s role may not set log_temp_files).'}
      </p>
      {!report.scratchDropped && (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
          The scratch copy could not be dropped; Strata&apos;s sweep removes it later.
        </p>
      )}

      <section aria-labelledby="rehearsal-masked" className="flex flex-col gap-2">
        <h3 id="rehearsal-masked" className="text-sm font-semibold text-zinc-900">
          Masked columns
        </h3>
        {masked.length === 0 ? (
          <p data-testid="rehearsal-masked-none" className="text-sm text-zinc-600">
            No column of the copied tables is classified PII or secret.
          </p>
        ) : (
          <ul data-testid="rehearsal-masked" className="flex flex-wrap gap-1.5">
            {masked.map((m) => (
              <li key={m.column} className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-800">
                <span className="font-mono">{m.column}</span> · {m.classification}, {m.how}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="rehearsal-change-sets" className="flex flex-col gap-4">
        <h3 id="rehearsal-change-sets" className="text-sm font-semibold text-zinc-900">
          {plural(report.changeSets.length, 'change set')}, statement by statement
        </h3>
        <p className="-mt-2 text-xs text-zinc-600">
          Change sets that failed, rewrote a table or took an ACCESS EXCLUSIVE lock are open; open the others to see their statements. In a no-transaction
          change set locks end with each statement and are sampled while it runs (* a very short one may be missing).
        </p>
        {report.changeSets.map((c) => (
          <ChangeSetTable key={c.tag} changeSet={c} />
        ))}
      </section>
    </section>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd data-testid={testId} className="font-semibold text-zinc-900 tabular-nums">
        {value}
      </dd>
    </div>
  );
}

/** A change set a reviewer must open: it failed, rewrote a table, or took a lock that blocks reads and writes. */
function isNotable(c: RehearsedChangeSet): boolean {
  return c.status === 'failed' || c.statements.some((s) => s.rewritten.length > 0 || s.locks.some((l) => isBlockingMode(l.mode)));
}

/** One change set, collapsed unless it is notable: its summary line (status, tag, time), then a table of its statements. */
function ChangeSetTable({ changeSet: c }: { changeSet: RehearsedChangeSet }) {
  const status = CHANGE_SET_STATUS[c.status];
  const rows = c.statements.reduce((n, s) => n + (s.rows ?? 0), 0);
  const wal = c.statements.reduce((n, s) => n + s.walBytes, 0);
  return (
    <details data-testid="rehearsed-change-set" data-tag={c.tag} open={isNotable(c)} className="rounded-lg border border-zinc-200">
      <summary className="flex cursor-pointer flex-wrap items-center gap-2 bg-zinc-50 px-3 py-2 text-sm focus-visible:outline-2 focus-visible:outline-blue-600">
        <Badge tone={status.tone}>{status.label}</Badge>
        <span className="font-mono font-medium text-zinc-900">{c.tag}</span>
        {c.noTransaction && <span className="text-xs text-zinc-600">(no transaction)</span>}
        <span className="ml-auto text-xs text-zinc-600 tabular-nums">
          {plural(c.statements.length, 'statement')} · {formatDuration(c.wallMs)} · {plural(rows, 'row')} · {formatBytes(wal)} WAL
        </span>
      </summary>
      <div className="overflow-x-auto border-t border-zinc-200">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Statements of {c.tag} on the copy</caption>
          <thead className="text-xs text-zinc-500">
            <tr>
              <th scope="col" className="px-3 py-1.5 font-medium">Statement</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Wall time</th>
              <th scope="col" className="px-3 py-1.5 font-medium">Locks (held)</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Rows</th>
              <th scope="col" className="px-3 py-1.5 font-medium">Rewritten</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">WAL</th>
              <th scope="col" className="px-3 py-1.5 text-right font-medium">Temp files</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {c.statements.length === 0 && (
              <tr>
                <td colSpan={7} className="px-3 py-2 text-zinc-600">
                  {c.status === 'not_run' ? 'Not run: an earlier change set failed.' : 'No statement ran.'}
                </td>
              </tr>
            )}
            {c.statements.map((s) => (
              <StatementRow key={s.index} statement={s} />
            ))}
            {c.error && (
              <tr>
                <td colSpan={7} className="bg-red-50 px-3 py-2 break-words text-red-900">
                  {c.error}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function StatementRow({ statement: s }: { statement: RehearsedStatement }) {
  return (
    <tr data-testid="rehearsed-statement" className="align-top">
      <td className="max-w-md px-3 py-1.5">
        <span className="text-xs text-zinc-500 tabular-nums">line {s.line} </span>
        <code className="font-mono text-xs break-words text-zinc-900">{s.summary}</code>
        {s.batches !== undefined && <span className="ml-1 text-xs text-zinc-600">({plural(s.batches, 'batch', 'batches')})</span>}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatDuration(s.wallMs)}</td>
      <td className="px-3 py-1.5">
        {s.locks.length === 0 ? (
          <span className="text-zinc-400" title={s.locksSampled ? 'sampled while it ran: a lock held for less than a poll may be missing' : undefined}>
            –{s.locksSampled && '*'}
          </span>
        ) : (
          <ul className="flex flex-col gap-0.5 text-xs">
            {locksByHeld(s.locks).map((l, i) => (
              <li key={i} className={isBlockingMode(l.mode) ? 'font-semibold text-red-800' : 'text-zinc-700'}>
                {l.mode} on <span className="font-mono">{l.relation}</span> ({formatDuration(l.heldMs)})
              </li>
            ))}
          </ul>
        )}
      </td>
      <td className="px-3 py-1.5 text-right tabular-nums">{s.rows === null ? '–' : formatCount(s.rows)}</td>
      <td className="px-3 py-1.5 text-xs">{s.rewritten.length === 0 ? <span className="text-zinc-400">no</span> : <span className="font-mono font-semibold text-amber-900">{s.rewritten.join(', ')}</span>}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">{formatBytes(s.walBytes)}</td>
      <td className="px-3 py-1.5 text-right tabular-nums">{s.tempFiles === 0 ? '–' : `${s.tempFiles} (${formatBytes(s.tempBytes)})`}</td>
    </tr>
  );
}
