import type { ReactNode } from 'react';
import type { ChangeRequest } from '@/lib/auth/types';
import type { DryRunMode } from '@/lib/migrate/dry-run-types';
import { DiffChanges } from '@/components/dry-run/diff-changes';
import { dryRunModeText, formatCount, formatDuration, plural } from '@/components/dry-run/format';
import { RiskList } from '@/components/dry-run/risk-summary';
import { backupAnchor, formatTimestamp, isoTimestamp } from '@/components/history/history-filter';
import { Badge } from '@/components/ui/badge';
import { DecisionForm } from './decision-form';
import { ExecutePanel } from './execute-panel';
import { readDryRun, readResult, type DryRunSummary, type ResultSummary } from './request-display';
import { RequestRehearsal } from './request-rehearsal';
import { RequestStatusBadge } from './request-status-badge';
import { RolloutExecutePanel } from './rollout-execute-panel';
import { readRolloutFacts, RolloutFacts, startedRollout } from './rollout-request-display';

/** What the signed-in person may do with one request, decided on the server by lib's guard. */
export interface RequestPermissions {
  /** The request's environment is still in the configuration (otherwise nothing can act on it). */
  configured: boolean;
  /** The signed-in person made this request. */
  mine: boolean;
  canApprove: boolean;
  /** Why this person's approval would not count (two-person rules: made or promoted by the requester, admin since after the request…). */
  approvalRefused: string | null;
  canReject: boolean;
  /** The role may execute approved requests on this environment. */
  canExecute: boolean;
}

/**
 * One change request: where (in large letters), what, who asked and why, how it was decided
 * and run, the shadow dry run attached when it was made, and the actions this person may
 * take now. The server refuses anything else anyway.
 */
export function RequestCard({ request, description, permissions, now }: { request: ChangeRequest; description: string; permissions: RequestPermissions; now: Date }) {
  const r = request;
  const dry = readDryRun(r.dryRun);
  const result = readResult(r.result);
  const unexpired = new Date(r.expiresAt).getTime() > now.getTime();
  const titleId = `request-${r.id}-title`;
  const losses = dry ? dry.risks.filter((risk) => risk.kind === 'data_loss') : [];
  // A protected fleet's rollout request (kind rollout): its environment is the fleet's name.
  const rollout = r.kind === 'rollout';
  const facts = rollout ? readRolloutFacts(r.dryRun) : null;
  const started = rollout ? startedRollout(r.result) : null;

  return (
    <article
      aria-labelledby={titleId}
      data-testid="request"
      data-status={r.status}
      data-id={r.id}
      className={`flex flex-col rounded-xl border bg-white shadow-sm ${r.status === 'pending' ? 'border-amber-300 ring-1 ring-amber-200' : 'border-zinc-200'}`}
    >
      <header className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-100 px-5 py-4">
        <div className="flex min-w-0 flex-col gap-1">
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase">Request #{r.id}</p>
          <h2 id={titleId} className="text-3xl font-black tracking-tight break-all text-zinc-900" data-testid="request-environment">
            {r.environment}
          </h2>
          <p className="text-sm font-medium text-zinc-800">
            <span aria-hidden="true">{rollout ? '⇶ ' : r.kind !== 'change' ? '⚑ ' : r.direction === 'apply' ? '↑ ' : '↓ '}</span>
            {rollout && <span className="mr-1 rounded bg-sky-100 px-1.5 py-0.5 text-xs font-semibold text-sky-900">fleet</span>}
            <span data-testid="request-description">{description}</span>
            {r.kind === 'change' && ` · ${plural(r.plan.length, 'change set')}`}
          </p>
        </div>
        <RequestStatusBadge status={r.status} />
      </header>

      <div className="flex flex-col gap-4 px-5 py-4">
        <ul aria-label="Change sets in the plan" className="flex flex-wrap gap-1.5" data-testid="request-plan">
          {r.plan.map((p) => (
            <li key={p.tag} title={`checksum ${p.checksum.slice(0, 12)}`} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs text-zinc-800">
              {p.tag}
            </li>
          ))}
        </ul>

        <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-2">
          <Field label="Requested">
            by <strong className="font-semibold">{r.requestedBy}</strong> at <When value={r.requestedAt} />
          </Field>
          <Field label={r.status === 'expired' ? 'Expired' : 'Expires'}>
            <When value={r.expiresAt} />
          </Field>
          <Field label="Reason" wide>
            <span className="break-words whitespace-pre-line">{r.reason}</span>
          </Field>
          {r.decidedBy && (
            <Field label={r.status === 'rejected' ? 'Rejected' : 'Approved'} wide>
              <span data-testid="request-decision">
                by <strong className="font-semibold">{r.decidedBy}</strong>
                {r.decidedAt && (
                  <>
                    {' '}
                    at <When value={r.decidedAt} />
                  </>
                )}
                {r.decisionComment && <span className="mt-0.5 block break-words whitespace-pre-line text-zinc-700">“{r.decisionComment}”</span>}
              </span>
            </Field>
          )}
          {r.executedBy && (
            <Field label={r.status === 'executing' ? 'Executing' : 'Executed'} wide>
              by <strong className="font-semibold">{r.executedBy}</strong>
              {r.executedAt && (
                <>
                  {' '}
                  at <When value={r.executedAt} />
                </>
              )}
            </Field>
          )}
        </dl>

        {started ? (
          <p data-testid="request-rollout-started" className="rounded-lg border border-emerald-200 bg-emerald-50 px-4 py-3 text-sm text-emerald-950">
            Started rollout #{started.rollout} of {started.fleet}:{' '}
            <a className="font-medium underline" href={`/fleets/${encodeURIComponent(started.fleet)}`}>
              follow it on the fleet page
            </a>
            .
          </p>
        ) : (
          result && <ResultBox env={r.environment} result={result} />
        )}
        {facts && <RolloutFacts facts={facts} />}

        {(losses.length > 0 || (dry?.backupTables.length ?? 0) > 0) && (
          <div data-testid="request-data-loss" className="rounded-lg border-2 border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
            <p className="font-bold text-red-800">This change destroys data</p>
            {losses.length > 0 && (
              <ul className="mt-1 list-disc space-y-0.5 pl-5">
                {losses.map((risk, i) => (
                  <li key={i}>{risk.message}</li>
                ))}
              </ul>
            )}
            {dry && dry.backupTables.length > 0 && (
              <p className="mt-1">
                Backed up first: {dry.backupTables.map((b) => `${b.table} (${formatCount(b.rows)} ${b.rows === 1 ? 'row' : 'rows'})`).join(', ')}
              </p>
            )}
          </div>
        )}

        {/* Beside the diff: what the plan did on a scratch copy of real-sized data. */}
        {r.kind === 'change' && <RequestRehearsal operationId={r.rehearsalOperation} direction={r.direction} plan={r.plan.length} />}

        {dry ? (
          // A rollout's dry run ran on its representative target: name it, as the engine does (<fleet>/<target>).
          <DryRunDetails env={facts ? `${r.environment}/${facts.representative}` : r.environment} dry={dry} />
        ) : r.kind !== 'change' ? (
          <p className="text-sm text-zinc-600">This request runs no SQL of the change set: it records, in {r.environment}&apos;s history, what a person decided about it.</p>
        ) : (
          <p className="text-sm text-zinc-500">No dry run is attached to this request.</p>
        )}

        <div className="flex flex-col gap-3 border-t border-zinc-100 pt-4" data-testid="request-actions">
          {!permissions.configured && r.status !== 'executed' && (
            <p className="text-sm text-zinc-600">{r.environment} is no longer configured: nothing can act on this request.</p>
          )}
          {r.status === 'pending' && permissions.configured && (
            permissions.mine ? (
              <p data-testid="request-waiting" className="text-sm font-medium text-amber-900">
                Waiting for another admin&apos;s approval.
              </p>
            ) : permissions.canApprove || permissions.canReject ? (
              <>
                {permissions.approvalRefused && (
                  <p data-testid="approval-refused" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-950">
                    Your approval would not count: {permissions.approvalRefused.charAt(0).toLowerCase() + permissions.approvalRefused.slice(1)}. Another admin must approve it; you may still reject it.
                  </p>
                )}
                <DecisionForm id={r.id} env={r.environment} canApprove={permissions.canApprove && !permissions.approvalRefused} canReject={permissions.canReject} />
              </>
            ) : (
              <p data-testid="request-waiting" className="text-sm text-zinc-700">
                Waiting for an admin&apos;s approval.
              </p>
            )
          )}
          {r.status === 'approved' && unexpired && !permissions.canExecute && (
            <p className="text-sm text-zinc-700">Approved: an operator or admin can execute it until {formatTimestamp(r.expiresAt)}.</p>
          )}
          {r.status === 'executing' && <p className="text-sm text-violet-800">Running now{r.executedBy ? ` (started by ${r.executedBy})` : ''}.</p>}
          {permissions.configured && permissions.canExecute && rollout && <RolloutExecutePanel id={r.id} fleet={r.environment} available={r.status === 'approved' && unexpired} />}
          {permissions.configured && permissions.canExecute && !rollout && (
            <ExecutePanel id={r.id} env={r.environment} total={r.plan.length} available={r.status === 'approved' && unexpired} />
          )}
        </div>
      </div>
    </article>
  );
}

function Field({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={`flex min-w-0 flex-col gap-0.5 ${wide ? 'sm:col-span-2' : ''}`}>
      <dt className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{label}</dt>
      <dd className="text-zinc-900">{children}</dd>
    </div>
  );
}

function When({ value }: { value: string }) {
  return (
    <time dateTime={isoTimestamp(value)} className="tabular-nums">
      {formatTimestamp(value)}
    </time>
  );
}

/** What the run did (or why it never ran). */
function ResultBox({ env, result }: { env: string; result: ResultSummary }) {
  return (
    <section
      aria-label="Result"
      data-testid="request-result"
      className={`flex flex-col gap-2 rounded-lg border px-4 py-3 text-sm ${result.failure ? 'border-red-200 bg-red-50 text-red-900' : 'border-emerald-200 bg-emerald-50 text-emerald-950'}`}
    >
      <p className="font-semibold">
        {result.failure ? 'Failed' : 'Done'}
        {result.records.length > 0 && ` · ${plural(result.records.length, 'change set')} recorded`}
      </p>
      {result.records.length > 0 && (
        <ul className="flex flex-col gap-1">
          {result.records.map((record, i) => (
            <li key={`${record.tag}-${i}`} className="flex flex-wrap items-center gap-2">
              <Badge tone={record.status === 'failed' ? 'red' : record.status === 'applied' ? 'green' : 'violet'}>{record.status.replaceAll('_', ' ')}</Badge>
              <span className="font-mono">{record.tag}</span>
              {record.durationMs !== null && <span className="text-xs text-zinc-600 tabular-nums">{formatDuration(record.durationMs)}</span>}
            </li>
          ))}
        </ul>
      )}
      {result.restored.length > 0 && (
        <ul data-testid="request-restored" className="font-mono text-xs">
          {result.restored.map((t) => (
            <li key={t.table}>
              {t.table}: {t.inserted.toLocaleString('en-US')} inserted, {t.updated.toLocaleString('en-US')} updated
            </li>
          ))}
        </ul>
      )}
      {result.fixed && (
        <p data-testid="request-fixed">
          <span className="font-mono">{result.fixed.tag}</span> is now {result.fixed.state.replaceAll('_', ' ')}.
        </p>
      )}
      {result.failure && <p className="break-words">{result.failure}</p>}
      {result.backups.length > 0 && (
        <p className="text-amber-950">
          Backed up first:{' '}
          {result.backups.map((id, i) => (
            <span key={id}>
              {i > 0 && ', '}
              <a className="font-mono font-medium underline" href={backupAnchor(env, id)}>
                {id}
              </a>
            </span>
          ))}{' '}
          (restore from the environment page)
        </p>
      )}
    </section>
  );
}

/** The shadow dry run attached at request time, collapsed: the summary line, then risks, change sets and the diff. */
function DryRunDetails({ env, dry }: { env: string; dry: DryRunSummary }) {
  const { summary } = dry.diff;
  return (
    <details data-testid="request-dry-run" className="rounded-lg border border-zinc-200 bg-zinc-50/60">
      <summary className="cursor-pointer px-4 py-2.5 text-sm text-zinc-800 focus-visible:outline-2 focus-visible:outline-blue-600">
        <span className="font-medium">Dry run</span> {dryRunModeText({ mode: dry.mode as DryRunMode, environment: env })}
        {dry.durationMs !== null && ` · ${formatDuration(dry.durationMs)}`} · {plural(dry.changeSets.length, 'change set')} ·{' '}
        <span className="text-emerald-700">{summary.added} added</span>, <span className="text-red-700">{summary.removed} removed</span>,{' '}
        <span className="text-amber-800">{summary.changed} changed</span> · {plural(dry.risks.length, 'risk')}
      </summary>
      <div className="flex flex-col gap-5 border-t border-zinc-200 bg-white px-4 py-4">
        <section aria-label="Risks" className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold text-zinc-900">Risks</h3>
          <RiskList risks={dry.risks} />
        </section>
        {dry.changeSets.length > 0 && (
          <section aria-label="Change sets in the dry run" className="flex flex-col gap-2">
            <h3 className="text-sm font-semibold text-zinc-900">Change sets</h3>
            <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm">
              {dry.changeSets.map((c) => (
                <li key={c.tag} className="flex flex-wrap items-center gap-3 px-3 py-2">
                  <Badge tone={c.status === 'ok' ? 'green' : c.status === 'failed' ? 'red' : 'neutral'}>{c.status || 'unknown'}</Badge>
                  <span className="font-mono">{c.tag}</span>
                  <span className="ml-auto text-xs text-zinc-500 tabular-nums">
                    {c.rows !== null && `${formatCount(c.rows)} rows`}
                    {c.rows !== null && c.durationMs !== null && ' · '}
                    {c.durationMs !== null && formatDuration(c.durationMs)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
        )}
        <section aria-label="Schema changes" className="flex flex-col gap-2">
          <h3 className="text-sm font-semibold text-zinc-900">Schema changes</h3>
          <DiffChanges changes={dry.diff.changes} />
        </section>
      </div>
    </details>
  );
}
