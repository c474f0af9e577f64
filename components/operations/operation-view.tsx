'use client';

import Link from 'next/link';
import type { OperationRecord } from '@/lib/console/operations';
import type { RunResult } from '@/lib/migrate/apply';
import type { DryRunResult } from '@/lib/migrate/dry-run-types';
import type { SeedResult } from '@/lib/seed/types';
import { DryRunView } from '@/components/dry-run/dry-run-view';
import { RunProgress } from '@/components/dry-run/progress';
import { formatTimestamp } from '@/components/history/history-filter';
import { summarizeSeed } from '@/components/seed/seed-progress';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { RestoreOutcome, RestoreProgress } from '@/components/backups/restore-outcome';
import { RehearsalReportView } from '@/components/rehearse/rehearsal-report';
import type { RehearsalReport } from '@/lib/rehearse/report';
import type { RestoreResult } from '@/lib/backup/restore';
import { RunOutcome } from './run-outcome';
import { useOperationRecord } from './use-operation';

export const OPERATION_KIND_LABEL: Record<OperationRecord['kind'], string> = {
  apply: 'Apply',
  rollback: 'Roll back',
  'dry-run': 'Dry run',
  seed: 'Seed',
  reset: 'Reset and seed',
  'request-execution': 'Approved request',
  'backup-restore': 'Backup restore',
  promotion: 'Promotion',
  rehearse: 'Rehearsal',
};

export const OPERATION_STATE: Record<OperationRecord['state'], { tone: BadgeTone; label: string }> = {
  running: { tone: 'violet', label: 'running' },
  succeeded: { tone: 'green', label: 'succeeded' },
  failed: { tone: 'red', label: 'failed' },
  interrupted: { tone: 'amber', label: 'interrupted' },
};

/**
 * One operation as everybody sees it, live: what was asked and by whom, its progress, then
 * its outcome — the same on a reload, in a second browser, or after a restart (which shows
 * an interrupted operation with what its environment's history says happened).
 */
export function OperationView({ initial }: { initial: OperationRecord }) {
  const { data } = useOperationRecord(initial.id);
  const op = data ?? initial;
  const look = OPERATION_STATE[op.state];
  return (
    <article data-testid="operation" data-id={op.id} data-state={op.state} className="flex flex-col gap-5 rounded-xl border border-zinc-200 bg-white p-6 shadow-sm">
      <header className="flex flex-wrap items-center gap-3">
        <h2 className="text-xl font-semibold text-zinc-900">
          {OPERATION_KIND_LABEL[op.kind]}
          {seedTable(op) ? <span className="font-mono"> {seedTable(op)}</span> : null} on{' '}
          <Link href={`/environments/${encodeURIComponent(op.environment)}`} className="text-blue-700 hover:underline">
            {op.environment}
          </Link>
        </h2>
        <Badge tone={look.tone}>{look.label}</Badge>
        <p className="w-full text-sm text-zinc-600">
          Operation #{op.id}, started by <strong>{op.actor}</strong> ({op.role}) at {formatTimestamp(op.createdAt)}
          {op.finishedAt ? `, ended at ${formatTimestamp(op.finishedAt)}` : ''}.
        </p>
      </header>
      {/* A finished run's outcome lists each change set: its progress would say it twice. */}
      {!(op.result && (op.kind === 'apply' || op.kind === 'rollback' || op.kind === 'request-execution' || op.kind === 'rehearse')) && <OperationProgress op={op} />}
      <OperationOutcome op={op} />
    </article>
  );
}

/** The one table a seed or reset was for (`schema.table`), when it was for one. */
function seedTable(op: OperationRecord): string | null {
  const table = (op.kind === 'seed' || op.kind === 'reset') && (op.request as { table?: unknown } | null)?.table;
  return typeof table === 'string' ? table : null;
}

function OperationProgress({ op }: { op: OperationRecord }) {
  if (op.kind === 'backup-restore') return <RestoreProgress events={op.events} done={op.state === 'succeeded'} />;
  if (op.kind === 'seed' || op.kind === 'reset') {
    const seed = summarizeSeed(op.events);
    const percent = op.state === 'succeeded' ? 100 : seed.percent;
    return (
      <div className="flex flex-col gap-2" data-testid="operation-progress" data-percent={percent}>
        <div role="progressbar" aria-label="Seed progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 w-full overflow-hidden rounded-full bg-zinc-200">
          <div className={`h-full rounded-full ${op.state === 'failed' ? 'bg-red-600' : 'bg-emerald-600'}`} style={{ width: `${percent}%` }} />
        </div>
        <p className="text-sm text-zinc-600">{seed.tables.length} tables written</p>
      </div>
    );
  }
  const planned = Array.isArray((op.request as { expect?: unknown[] } | null)?.expect) ? (op.request as { expect: unknown[] }).expect.length : 0;
  return (
    <div data-testid="operation-progress">
      <RunProgress events={op.events} total={planned} operationId={op.state === 'running' ? op.id : null} />
    </div>
  );
}

function OperationOutcome({ op }: { op: OperationRecord }) {
  if (op.state === 'running' && op.executor === null) return <p role="status" className="text-sm text-zinc-700">Waiting for a worker — it starts when a queue worker takes it; this page follows it.</p>;
  if (op.state === 'running') return <p role="status" className="text-sm text-zinc-700">Running — this page follows it; closing it does not stop it.</p>;
  if (op.error) {
    return (
      <div role="alert" data-testid="operation-error" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
        <p className="font-semibold">{op.state === 'interrupted' ? 'Interrupted' : 'Failed'}</p>
        <p className="mt-1">{op.error.message}</p>
        {op.error.history && op.error.history.length > 0 && (
          <ul className="mt-2 list-inside list-disc font-mono text-xs" data-testid="operation-history">
            {op.error.history.map((h) => (
              <li key={`${h.tag}-${h.at}-${h.status}`}>
                {h.tag}: {h.operation} {h.status.replace('_', ' ')} at {formatTimestamp(h.at)}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  if (op.kind === 'dry-run') return <DryRunView result={op.result as DryRunResult} />;
  if (op.kind === 'rehearse') return <RehearsalReportView report={op.result as RehearsalReport} />;
  if (op.kind === 'backup-restore') return <RestoreOutcome result={op.result as RestoreResult} />;
  if (op.kind === 'seed' || op.kind === 'reset') {
    const seed = op.result as SeedResult;
    return (
      <p data-testid="operation-outcome" className="text-sm text-zinc-800">
        Done: {seed.tables.reduce((n, t) => n + t.rows, 0).toLocaleString('en-US')} rows in {seed.tables.length} tables.
      </p>
    );
  }
  return <RunOutcome env={op.environment} result={op.result as RunResult} />;
}
