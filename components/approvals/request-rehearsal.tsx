'use client';

import Link from 'next/link';
import type { RehearsalReport } from '@/lib/rehearse/report';
import { RunProgress } from '@/components/dry-run/progress';
import { formatDuration } from '@/components/dry-run/format';
import { useOperationRecord } from '@/components/operations/use-operation';
import { isAlarmingHeadline, sampleLabel } from '@/components/rehearse/format';

/**
 * The rehearsal attached to an apply request, beside its diff: while it runs, "rehearsing…"
 * with its progress (followed live, like any operation); when done, its headlines ("ACCESS
 * EXCLUSIVE on platform.usage_events for 4.2 s; table rewritten; 180 MB WAL") with the full
 * report one click away; when it failed, that, prominently — a failed rehearsal does not
 * block approval, but the approver must see it.
 */
export function RequestRehearsal({ operationId, direction, plan }: { operationId: number | null; direction: 'apply' | 'rollback' | null; plan: number }) {
  if (operationId === null) {
    return (
      <p data-testid="request-rehearsal" data-state="none" className="text-sm text-zinc-500">
        {direction === 'rollback' ? 'Rollbacks are not rehearsed: a rehearsal runs pending change sets on a copy.' : 'No rehearsal is attached to this request.'}
      </p>
    );
  }
  return <AttachedRehearsal id={operationId} plan={plan} />;
}

function AttachedRehearsal({ id, plan }: { id: number; plan: number }) {
  const { data: op, error } = useOperationRecord(id);
  const link = (
    <Link href={`/operations/${id}`} data-testid="request-rehearsal-link" className="font-medium text-blue-700 underline">
      full report (operation #{id})
    </Link>
  );
  if (!op) {
    return (
      <section aria-label="Rehearsal" data-testid="request-rehearsal" data-state={error ? 'unreadable' : 'loading'} className="rounded-lg border border-zinc-200 px-4 py-3 text-sm text-zinc-700">
        {error ? `The rehearsal could not be read (${error.message}).` : 'Reading the rehearsal…'} {link}
      </section>
    );
  }
  if (op.state === 'running') {
    return (
      <section aria-label="Rehearsal" data-testid="request-rehearsal" data-state="running" className="flex flex-col gap-2 rounded-lg border border-violet-200 bg-violet-50/60 px-4 py-3 text-sm" role="status">
        <p className="font-medium text-violet-900">Rehearsing… the plan runs on a scratch copy of the environment. {link}</p>
        <RunProgress events={op.events} total={plan} />
      </section>
    );
  }
  const report = op.result as RehearsalReport | null;
  const failedChangeSet = report?.changeSets.find((c) => c.status === 'failed');
  if (op.error || !report || failedChangeSet) {
    const why = op.error?.message ?? (failedChangeSet ? `${failedChangeSet.tag} failed on the copy${failedChangeSet.error ? `: ${failedChangeSet.error}` : ''}` : 'it ended without a report');
    return (
      <section aria-label="Rehearsal" data-testid="request-rehearsal" data-state="failed" role="alert" className="flex flex-col gap-1 rounded-lg border-2 border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
        <p className="font-bold text-red-800">The rehearsal failed</p>
        <p className="break-words">{why}</p>
        <p className="text-red-800">
          This does not block approval, but look before approving: {link}.
        </p>
      </section>
    );
  }
  return (
    <section aria-label="Rehearsal" data-testid="request-rehearsal" data-state="done" className="flex flex-col gap-2 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm">
      <p className="text-zinc-800">
        <span className="font-semibold">Rehearsed</span> on a scratch copy ({sampleLabel(report.sample)}): the plan ran in {formatDuration(report.runMs)}, the copy took{' '}
        {formatDuration(report.copy.schemaMs + report.copy.dataMs)} · {link}
      </p>
      {report.headlines.length === 0 ? (
        <p className="text-zinc-600">No lock held long, no table rewritten, little WAL.</p>
      ) : (
        <ul data-testid="request-rehearsal-headlines" className="flex flex-col gap-1">
          {report.headlines.slice(0, 4).map((line, i) => (
            <li key={i} className={`rounded-md px-3 py-1.5 font-medium ${isAlarmingHeadline(line) ? 'bg-amber-50 text-amber-950 ring-1 ring-amber-200' : 'bg-zinc-50 text-zinc-900 ring-1 ring-zinc-200'}`}>
              {line}
            </li>
          ))}
          {report.headlines.length > 4 && <li className="text-xs text-zinc-600">and {report.headlines.length - 4} more in the full report</li>}
        </ul>
      )}
    </section>
  );
}
