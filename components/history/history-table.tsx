'use client';

import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useId, useRef, useState, useTransition, type ReactNode } from 'react';
import { useUrlSyncedInput } from '@/components/ui/use-url-synced-input';
import { SegmentedControl } from '@/components/ui/segmented-control';
import type { EntryStatus, HistoryEntry } from '@/lib/migrate/history-store';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { filterHistory, formatTimestamp, isoTimestamp, historyFilterQuery, parseHistoryFilter, backupAnchor, STATUS_FILTERS, unfinishedStarts, type StatusFilter } from './history-filter';

const STATUS: Record<EntryStatus, { tone: BadgeTone; label: string }> = {
  applied: { tone: 'green', label: 'applied' },
  rolled_back: { tone: 'violet', label: 'rolled back' },
  failed: { tone: 'red', label: 'failed' },
  started: { tone: 'amber', label: 'started' },
  skipped: { tone: 'neutral', label: 'skipped' },
};

const FILTER_LABEL: Record<StatusFilter, string> = { all: 'All', applied: 'Applied', rolled_back: 'Rolled back', failed: 'Failed', started: 'Started', skipped: 'Skipped' };

/**
 * An environment's change history, newest first, filterable by status and by table. The
 * filters live in the URL (`?status=failed&table=files`), so a filtered view can be linked
 * to and survives a reload. Pages that are not rendered per request must wrap this in
 * <Suspense> (it reads search params).
 *
 * With `changeSet` (a tag) it is that change set's history on the environment: its rows
 * only, without the change set column or the filters (a handful of rows needs neither).
 */
export function HistoryTable({ entries: all, env, changeSet }: { entries: HistoryEntry[]; env: string; changeSet?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const filter = parseHistoryFilter(searchParams);
  const [tableInput, setTableInput] = useUrlSyncedInput(filter.table);
  const [, startTransition] = useTransition();
  const ids = useId();

  const navigate = (next: { status?: StatusFilter; table?: string }) => {
    const query = historyFilterQuery({ ...filter, ...next }, searchParams.toString());
    startTransition(() => router.replace(`${pathname}${query}`, { scroll: false }));
  };

  const entries = changeSet === undefined ? all : all.filter((e) => e.tag === changeSet);
  const rows = filterHistory(entries, changeSet === undefined ? { status: filter.status, table: tableInput } : { status: 'all', table: '' });
  const unfinished = unfinishedStarts(entries);
  const filtered = filter.status !== 'all' || tableInput.trim() !== '';

  return (
    <div data-testid="history" className="flex min-w-0 flex-col gap-4">
      {changeSet === undefined && (
        <form role="search" aria-label="Filter history" onSubmit={(e) => e.preventDefault()} className="flex flex-wrap items-end gap-x-6 gap-y-3">
          <SegmentedControl
            legend="Status"
            legendClassName="text-xs font-medium tracking-wide text-zinc-500 uppercase"
            options={STATUS_FILTERS.map((status) => ({ value: status, label: FILTER_LABEL[status], testId: `history-status-${status}` }))}
            value={filter.status}
            onChange={(status) => navigate({ status })}
          />
          <div className="flex flex-col gap-1.5">
            <label htmlFor={`${ids}-table`} className="text-xs font-medium tracking-wide text-zinc-500 uppercase">
              Table
            </label>
            <input
              id={`${ids}-table`}
              type="search"
              value={tableInput}
              placeholder="e.g. project_files"
              autoComplete="off"
              spellCheck={false}
              data-testid="history-table-filter"
              onChange={(e) => {
                setTableInput(e.target.value);
                navigate({ table: e.target.value });
              }}
              className="h-9 w-64 rounded-md border border-zinc-300 bg-white px-3 font-mono text-sm text-zinc-900 placeholder:font-sans placeholder:text-zinc-400"
            />
          </div>
          <p role="status" data-testid="history-count" className="pb-2 text-sm text-zinc-600">
            {filtered ? `${rows.length} of ` : ''}
            {entries.length} {entries.length === 1 ? 'entry' : 'entries'}
          </p>
        </form>
      )}

      {rows.length === 0 ? (
        <p data-testid="history-empty" className={`rounded-xl border border-dashed border-zinc-300 text-center text-sm text-zinc-600 ${changeSet === undefined ? 'p-8' : 'p-3'}`}>
          {entries.length > 0 ? 'No entries match these filters.' : changeSet === undefined ? `Strata has not changed the schema of ${env} yet.` : `${changeSet} has no history on ${env}.`}
        </p>
      ) : (
        <div tabIndex={0} role="region" aria-label={changeSet === undefined ? `History of ${env}` : `History of ${changeSet} on ${env}`} className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2.5 font-medium">Time</th>
                {changeSet === undefined && <th scope="col" className="px-4 py-2.5 font-medium">Change set</th>}
                <th scope="col" className="px-4 py-2.5 font-medium">Operation · status</th>
                <th scope="col" className="px-4 py-2.5 font-medium">Actor</th>
                <th scope="col" className="px-4 py-2.5 text-right font-medium">Work</th>
                <th scope="col" className="px-4 py-2.5 font-medium">Tables</th>
                <th scope="col" className="px-4 py-2.5 font-medium">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {rows.map((entry) => (
                <HistoryRow key={entry.id} entry={entry} env={env} unfinished={unfinished.has(entry.id)} changeSetColumn={changeSet === undefined} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function HistoryRow({ entry, env, unfinished, changeSetColumn }: { entry: HistoryEntry; env: string; unfinished: boolean; changeSetColumn: boolean }) {
  const iso = isoTimestamp(entry.startedAt);
  const status = STATUS[entry.status];
  const started = entry.status === 'started';
  return (
    <tr data-testid="history-row" data-status={entry.status} className={`align-top ${entry.status === 'failed' || unfinished ? 'bg-red-50/40' : ''}`}>
      <td className="px-4 py-3 whitespace-nowrap text-zinc-700 tabular-nums">
        <time dateTime={iso} title={iso}>
          {formatTimestamp(entry.startedAt)}
        </time>
      </td>
      {changeSetColumn && (
        <td className="px-4 py-3">
          <Link
            href={`/environments/${encodeURIComponent(env)}/changesets/${entry.version}`}
            className="font-mono font-medium whitespace-nowrap text-blue-700 hover:underline"
          >
            {entry.tag}
          </Link>
        </td>
      )}
      <td className="px-4 py-3 whitespace-nowrap text-zinc-700">
        <div className="flex flex-col items-start gap-1">
          <span>
            {entry.operation}{' '}
            <span className="text-zinc-500">
              <span aria-hidden="true">{entry.direction === 'up' ? '↑' : '↓'}</span> {entry.direction}
            </span>
          </span>
          <Badge tone={status.tone}>{status.label}</Badge>
        </div>
      </td>
      <td className="px-4 py-3 whitespace-nowrap text-zinc-700">{entry.actor}</td>
      <td className="px-4 py-3 text-right text-xs whitespace-nowrap text-zinc-700 tabular-nums">
        {/* A started row has no outcome, so no duration or rows: only the statements its file holds. */}
        <div>{started ? '—' : `${Math.round(entry.durationMs).toLocaleString('en-US')} ms`}</div>
        <div className="text-zinc-500">
          {started ? `${entry.statements.toLocaleString('en-US')} stmts to run` : `${entry.statements.toLocaleString('en-US')} stmts · ${entry.rowsAffected.toLocaleString('en-US')} rows`}
        </div>
      </td>
      <td className="px-4 py-3">
        {entry.tablesTouched.length === 0 ? (
          <span className="text-zinc-400">—</span>
        ) : (
          <TableList tables={entry.tablesTouched} />
        )}
      </td>
      <td className="min-w-56 px-4 py-3 text-xs">
        <Details entry={entry} env={env} unfinished={unfinished} />
      </td>
    </tr>
  );
}

/** A few table names inline; the rest behind a disclosure, so a 30-table change set stays one row tall. */
function TableList({ tables }: { tables: string[] }) {
  const shown = tables.slice(0, 3);
  const rest = tables.slice(3);
  return (
    <div className="font-mono text-xs text-zinc-700">
      <span>{shown.join(', ')}</span>
      {rest.length > 0 && (
        <details className="inline">
          <summary className="ml-1 inline cursor-pointer text-blue-700">+{rest.length} more</summary>
          <span className="block max-w-72 break-words">{rest.join(', ')}</span>
        </details>
      )}
    </div>
  );
}

function Details({ entry, env, unfinished }: { entry: HistoryEntry; env: string; unfinished: boolean }) {
  const parts: ReactNode[] = [];
  if (entry.status === 'started') {
    parts.push(
      unfinished ? (
        <p key="started" data-testid="history-unfinished" className="font-medium text-red-800">
          No outcome recorded: running now, or its process stopped half-way. It blocks further work until resolved.
        </p>
      ) : (
        <p key="started" className="text-zinc-600">Its outcome is a later row.</p>
      ),
    );
  }
  if (entry.status === 'failed' && entry.errorMessage) {
    parts.push(
      <div key="error" data-testid="history-error" className="text-red-800">
        {entry.errorStatementIndex !== null && <span className="font-medium">Statement {entry.errorStatementIndex + 1}: </span>}
        <span className="font-mono break-words">{entry.errorMessage}</span>
        {entry.errorDetail && (
          <pre data-testid="history-error-detail" className="mt-1 max-w-xl overflow-x-auto font-mono text-xs whitespace-pre-wrap text-red-900">
            {entry.errorDetail}
          </pre>
        )}
        {entry.errorHint && <p className="mt-0.5 text-red-700">Hint: {entry.errorHint}</p>}
      </div>,
    );
  }
  if (entry.backupSchema) {
    parts.push(
      <div key="backup" data-testid="history-backup" className="flex flex-col gap-1 text-zinc-700">
        <p>
          Backed up first:{' '}
          <a className="font-mono font-medium text-zinc-900 underline" href={backupAnchor(env, entry.backupSchema)}>
            {entry.backupSchema}
          </a>
        </p>
      </div>,
    );
  }
  if (entry.reason) parts.push(<p key="reason" className="text-zinc-600">{entry.reason}</p>);
  if (entry.notes) parts.push(<p key="notes" data-testid="history-notes" className="text-zinc-700">{entry.notes}</p>);
  if (entry.noTransaction) parts.push(<p key="notx" className="text-amber-800">Ran outside a transaction</p>);
  return parts.length === 0 ? <span className="text-zinc-400">—</span> : <div className="flex flex-col gap-2">{parts}</div>;
}
