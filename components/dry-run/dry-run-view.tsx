'use client';

import dynamic from 'next/dynamic';
import { useMemo } from 'react';
import type { DryRunResult } from '@/lib/migrate/dry-run-types';
import { Badge } from '@/components/ui/badge';
import { DdlDiff } from './ddl-diff';
import { DiffChanges } from './diff-changes';
import { CheckList } from '@/components/checks/check-list';
import { FailureBox } from './failure-box';
import { dryRunModeText, formatDuration, limitsText, plural } from './format';
import { touchedTables } from './group-changes';
import { DataLossBanner, RiskList } from './risk-summary';
import { StatementList } from './statement-list';
import { Tabs } from './tabs';

// React Flow and ELK are heavy: their code loads only when someone opens the ERD tab.
const DiffErd = dynamic(() => import('@/components/erd/diff-erd').then((m) => m.DiffErd), {
  ssr: false,
  loading: () => (
    <p role="status" className="p-6 text-center text-sm text-zinc-600">
      Loading the diagram…
    </p>
  ),
});

/**
 * The outcome of a dry run: where and how it ran, what it would destroy, where it failed,
 * and four views of what it does (schema changes, statements with locks, DDL diff, ERD).
 */
export function DryRunView({ result }: { result: DryRunResult }) {
  const tables = useMemo(() => touchedTables(result.diff), [result.diff]);
  const { summary } = result.diff;
  const empty = result.diff.changes.length === 0;

  return (
    <div data-testid="dry-run-view" data-failed={result.failed ? 'true' : 'false'} className="flex min-w-0 flex-col gap-5">
      <header className="flex flex-col gap-1">
        <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
          <h2 className="text-lg font-semibold text-zinc-900">Dry run of {result.direction === 'apply' ? 'apply' : 'rollback'}</h2>
          {result.failed ? <Badge tone="red">failed</Badge> : <Badge tone="green">succeeded</Badge>}
        </div>
        <p data-testid="dry-run-summary" className="text-sm text-zinc-600">
          Ran {dryRunModeText(result)} · {result.direction} · {formatDuration(result.durationMs)} · {plural(result.changeSets.length, 'change set')}
          {!empty && (
            <>
              {' '}
              · <span className="text-emerald-700">{summary.added} added</span>, <span className="text-red-700">{summary.removed} removed</span>,{' '}
              <span className="text-amber-800">{summary.changed} changed</span>
            </>
          )}
        </p>
        {result.mode === 'transaction' && (
          <p data-testid="dry-run-limits" className="text-xs text-zinc-500">
            On the target with {limitsText(result.limits)}: a lock it cannot get quickly fails the dry run instead of queueing others behind it.
          </p>
        )}
      </header>

      {result.modeReason && (
        <p role="note" data-testid="dry-run-mode-reason" className="rounded-lg border border-sky-200 bg-sky-50 px-4 py-3 text-sm text-sky-950">
          <span className="font-semibold">Ran on a shadow database instead of the target:</span> {result.modeReason}.
        </p>
      )}

      {result.sequenceGaps.length > 0 && (
        <div role="note" data-testid="dry-run-sequence-gaps" className="rounded-lg border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-700">
          <p>
            <span className="font-semibold text-zinc-900">{plural(result.sequenceGaps.length, 'sequence')} moved on.</span> PostgreSQL never takes back sequence values,
            and setting them back could collide with values the application took meanwhile, so the next ids skip these (as after any rolled-back transaction):
          </p>
          <ul className="mt-1 list-inside list-disc font-mono text-xs">
            {result.sequenceGaps.map((g) => (
              <li key={g.sequence}>
                {g.sequence}: {g.before ?? 'unused'} → {g.after}
              </li>
            ))}
          </ul>
        </div>
      )}

      <DataLossBanner risks={result.risks} backupTables={result.backupTables} />

      {result.failed && <FailureBox changeSet={result.failed} />}

      <CheckList changeSets={result.changeSets} />

      <section aria-labelledby="dry-run-risks-heading" className="flex flex-col gap-2">
        <h3 id="dry-run-risks-heading" className="text-sm font-semibold text-zinc-900">
          Risks
        </h3>
        <RiskList risks={result.risks} />
      </section>

      <Tabs
        label="Dry run details"
        tabs={[
          {
            id: 'changes',
            label: <>Changes{!empty && <Count n={result.diff.changes.length} />}</>,
            render: () => <DiffChanges changes={result.diff.changes} />,
          },
          {
            id: 'statements',
            label: <>Statements<Count n={result.changeSets.reduce((n, cs) => n + cs.statements.length, 0)} /></>,
            render: () => <StatementList changeSets={result.changeSets} />,
          },
          {
            id: 'ddl',
            label: 'DDL diff',
            render: () => (empty ? <NoChanges /> : <DdlDiff before={result.before} after={result.after} tables={tables.length ? tables : undefined} />),
          },
          {
            id: 'erd',
            label: 'ERD',
            render: () => (empty ? <NoChanges /> : <DiffErd before={result.before} after={result.after} diff={result.diff} height={560} />),
          },
        ]}
      />
    </div>
  );
}

function Count({ n }: { n: number }) {
  return <span className="ml-1.5 rounded-full bg-zinc-100 px-1.5 py-0.5 text-xs text-zinc-600 tabular-nums">{n}</span>;
}

function NoChanges() {
  return <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600">No schema changes</p>;
}
