import type { RiskFlag } from '@/lib/diff/types';
import type { DryRunResult } from '@/lib/migrate/dry-run-types';
import { formatCount, RISK_KIND_LABEL, sortRisks } from './format';
import { RiskBadge } from './risk-badge';

/**
 * Data loss first and impossible to miss: a red banner naming every destructive change and,
 * for a rollback that drops tables with rows, the backup Strata takes before it runs.
 */
export function DataLossBanner({ risks, backupTables }: { risks: RiskFlag[]; backupTables: DryRunResult['backupTables'] }) {
  const losses = risks.filter((r) => r.kind === 'data_loss');
  if (losses.length === 0 && backupTables.length === 0) return null;
  return (
    <section
      role="alert"
      aria-labelledby="data-loss-heading"
      data-testid="data-loss-banner"
      className="rounded-xl border-2 border-red-300 bg-red-50 px-5 py-4 text-red-900"
    >
      <h3 id="data-loss-heading" className="flex items-center gap-2 text-base font-bold text-red-800">
        <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 shrink-0" fill="currentColor">
          <path
            fillRule="evenodd"
            d="M8.5 2.6a1.7 1.7 0 0 1 3 0l6.3 11.4A1.7 1.7 0 0 1 16.3 16.5H3.7a1.7 1.7 0 0 1-1.5-2.5L8.5 2.6ZM10 7a.9.9 0 0 0-.9.9v3.2a.9.9 0 0 0 1.8 0V7.9A.9.9 0 0 0 10 7Zm0 7.6a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
            clipRule="evenodd"
          />
        </svg>
        This change destroys data
      </h3>
      {losses.length > 0 && (
        <ul className="mt-2 list-disc space-y-1 pl-6 text-sm">
          {losses.map((risk, i) => (
            <li key={i} data-testid="data-loss-risk">
              {risk.message}
            </li>
          ))}
        </ul>
      )}
      {backupTables.length > 0 && (
        <p data-testid="backup-tables" className="mt-3 rounded-lg border border-red-200 bg-white/70 px-3 py-2 text-sm">
          Before the change sets that destroy data, Strata copies and verifies what they destroy in:{' '}
          {backupTables.map((b, i) => (
            <span key={b.table}>
              {i > 0 && ', '}
              <span className="font-mono font-medium">{b.table}</span> ({formatCount(b.rows)} {b.rows === 1 ? 'row' : 'rows'})
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

/** Every risk of the run, one row each, highest severity first. */
export function RiskList({ risks }: { risks: RiskFlag[] }) {
  if (risks.length === 0) {
    return (
      <p data-testid="risk-list" data-empty="true" className="text-sm text-zinc-600">
        No risks found: no data loss, table rewrites or long locks.
      </p>
    );
  }
  return (
    <ul data-testid="risk-list" className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white">
      {sortRisks(risks).map((risk, i) => (
        <li
          key={i}
          data-testid="risk-row"
          data-severity={risk.severity}
          data-kind={risk.kind}
          className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-4 py-2.5 text-sm"
        >
          <RiskBadge severity={risk.severity} />
          <span className={`font-medium ${risk.kind === 'data_loss' ? 'text-red-800' : 'text-zinc-900'}`}>{RISK_KIND_LABEL[risk.kind]}</span>
          <span className="min-w-0 flex-1 break-words text-zinc-700">{risk.message}</span>
        </li>
      ))}
    </ul>
  );
}
