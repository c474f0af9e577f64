'use client';

import { useState } from 'react';
import type { DryRunChangeSet, DryRunStatement } from '@/lib/migrate/dry-run-types';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { SqlCode } from '@/components/sql/sql-code';
import { formatCount, formatDuration, formatLock, isBlockingLock, plural } from './format';
import { previewSql } from './sql-preview';
import type { LintFinding } from '@/lib/lint/types';
import { FindingList } from '@/components/lint/finding-card';

const STATUS: Record<DryRunChangeSet['status'], { tone: BadgeTone; label: string }> = {
  ok: { tone: 'green', label: 'ok' },
  failed: { tone: 'red', label: 'failed' },
  not_run: { tone: 'neutral', label: 'not run' },
};

/** Every change set of the dry run and every statement in it, with its time, rows and locks. */
export function StatementList({ changeSets }: { changeSets: DryRunChangeSet[] }) {
  if (changeSets.length === 0) {
    return <p className="text-sm text-zinc-600">No change sets to run.</p>;
  }
  return (
    <div className="flex flex-col gap-4">
      {changeSets.map((cs) => (
        <section
          key={`${cs.version}-${cs.direction}`}
          aria-label={`${cs.tag} (${cs.direction})`}
          data-testid="dry-run-changeset"
          data-status={cs.status}
          className={`rounded-lg border bg-white ${cs.status === 'failed' ? 'border-red-300' : 'border-zinc-200'}`}
        >
          <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-zinc-100 px-4 py-2.5">
            <h4 className="font-mono text-sm font-semibold break-all text-zinc-900">{cs.tag}</h4>
            <Badge tone={STATUS[cs.status].tone}>{STATUS[cs.status].label}</Badge>
            <span className="text-xs text-zinc-600">
              {cs.direction === 'up' ? 'forward' : 'rollback'} · <span className="font-mono">{cs.file}</span>
            </span>
            <span className="ml-auto text-xs text-zinc-600 tabular-nums">
              {plural(cs.statements.length, 'statement')} · {formatDuration(cs.durationMs)} · {plural(cs.rows, 'row')}
            </span>
          </header>
          {(cs.noTransaction || cs.destroys.length > 0) && (
            <div className="flex flex-col gap-1 border-b border-zinc-100 px-4 py-2 text-xs">
              {cs.noTransaction && <p className="text-amber-800">Runs outside a transaction (-- strata:no-transaction): a failure midway leaves it half applied.</p>}
              {cs.destroys.length > 0 && (
                <p className="font-medium text-red-800">
                  Destroys rows of <span className="font-mono">{cs.destroys.join(', ')}</span>
                </p>
              )}
            </div>
          )}
          {cs.lint.some((f) => f.statementIndex === null || !cs.statements.some((st) => st.index === f.statementIndex)) && (
            <div className="border-b border-zinc-100 px-4 py-2">
              <FindingList findings={cs.lint.filter((f) => f.statementIndex === null || !cs.statements.some((st) => st.index === f.statementIndex))} label={`Lint findings on ${cs.tag}`} />
            </div>
          )}
          {cs.statements.length === 0 ? (
            <p className="px-4 py-3 text-sm text-zinc-600">{cs.status === 'not_run' ? 'Not run: an earlier change set failed.' : 'No statements.'}</p>
          ) : (
            <ol className="divide-y divide-zinc-100">
              {cs.statements.map((st) => (
                <StatementRow
                  key={st.index}
                  statement={st}
                  tag={cs.tag}
                  failed={cs.status === 'failed' && cs.error?.statementIndex === st.index}
                  findings={cs.lint.filter((f) => f.statementIndex === st.index)}
                />
              ))}
            </ol>
          )}
        </section>
      ))}
    </div>
  );
}

function StatementRow({ statement, tag, failed, findings }: { statement: DryRunStatement; tag: string; failed: boolean; findings: LintFinding[] }) {
  const [expanded, setExpanded] = useState(false);
  const preview = previewSql(statement.sql);
  const label = `Statement ${statement.index + 1} of ${tag}, line ${statement.line}`;
  return (
    <li
      data-testid="dry-run-statement"
      data-skipped={statement.skipped ? 'true' : undefined}
      className={`flex flex-col gap-2 px-4 py-3 ${failed ? 'bg-red-50' : ''}`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600">
        <span className="font-medium text-zinc-900">#{statement.index + 1}</span>
        <span>line {statement.line}</span>
        <span className="tabular-nums">{statement.skipped ? 'not run' : formatDuration(statement.durationMs)}</span>
        {!statement.skipped && <span className="tabular-nums">{formatCount(statement.rows)} {statement.rows === 1 ? 'row' : 'rows'}</span>}
        {failed && <Badge tone="red">failed here</Badge>}
      </div>
      <SqlCode sql={expanded ? statement.sql : preview.text} startLine={statement.line} label={label} />
      {preview.truncated && (
        <button
          type="button"
          aria-expanded={expanded}
          onClick={() => setExpanded((e) => !e)}
          className="self-start text-xs font-medium text-blue-700 hover:underline"
        >
          {expanded ? 'Show less' : `Show the whole statement (${plural(preview.lines, 'line')})`}
        </button>
      )}
      {(statement.label || statement.skipped) && (
        <p data-testid="statement-note" className="rounded-md bg-amber-50 px-2.5 py-1.5 text-xs text-amber-900">
          {statement.skipped && <span className="font-medium">Skipped in the dry run{statement.label ? ': ' : '.'}</span>}
          {statement.label}
        </p>
      )}
      {statement.batches && (
        <p data-testid="statement-batches" className="rounded-md bg-blue-50 px-2.5 py-1.5 text-xs text-blue-900">
          <span className="font-medium">Batched: </span>
          about {formatCount(statement.batches.batches)} {statement.batches.batches === 1 ? 'batch' : 'batches'} of {formatCount(statement.batches.size)} rows (
          {formatCount(statement.batches.rows)} rows), each its own transaction; about {formatDuration(statement.batches.estimatedMs)}
          {statement.batches.pauseMs > 0 && ` with pauses of ${formatDuration(statement.batches.pauseMs)}`}. The dry run ran it whole.
        </p>
      )}
      <FindingList findings={findings} label={`Lint findings on statement ${statement.index + 1}`} />
      {statement.locks.length > 0 && (
        <ul aria-label="Locks taken" className="flex flex-wrap gap-1.5">
          {statement.locks.map((lock, i) => {
            const blocking = isBlockingLock(lock);
            return (
              <li
                key={i}
                data-testid="lock-chip"
                data-mode={lock.mode}
                className={`rounded-md px-2 py-0.5 font-mono text-xs ring-1 ring-inset ${
                  blocking ? 'bg-red-50 font-semibold text-red-800 ring-red-600/30' : 'bg-zinc-100 text-zinc-700 ring-zinc-300'
                }`}
              >
                {formatLock(lock)}
              </li>
            );
          })}
        </ul>
      )}
    </li>
  );
}
