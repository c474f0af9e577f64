import type { Metadata } from 'next';
import { describeOperationError } from '@/lib/console/describe-error';
import { computeRetention } from '@/lib/retention/compute';
import { policiesFor } from '@/lib/retention/load-policies';
import type { RetentionReport, TableRetention } from '@/lib/retention/types';
import { basisText, retentionPeriod } from '@/lib/retention/describe';
import { PageHeader } from '@/components/layout/page-header';
import { SqlCode } from '@/components/sql/sql-code';
import { Badge } from '@/components/ui/badge';
import { pagePrincipal } from '@/app/guard';
import { environmentOr404 } from '../environment-or-404';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ env: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Retention · ${decodeURIComponent((await params).env)}` };
}

const nf = new Intl.NumberFormat('en-US');
const bytes = (n: number) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MB` : `${Math.round(n / 1024)} kB`);

/**
 * Every table of the live database with its retention policy and classification, against
 * live figures, and the DELETE enforcement would run — shown, never executed here.
 */
export default async function RetentionPage({ params }: Params) {
  await pagePrincipal();
  const env = decodeURIComponent((await params).env);
  const { config, environment } = environmentOr404(env);
  let report: RetentionReport | null = null;
  let problem: string | null = null;
  try {
    report = await computeRetention(environment.url, await policiesFor(config.projectDir), { environment: env });
  } catch (error) {
    problem = describeOperationError(error, environment.url).message;
  }
  return (
    <>
      <PageHeader
        environment={{ name: env, protection: environment.protection, page: 'retention' }}
        title={env}
        titleTestId="environment-name"
        subtitle="retention"
        crumb="Retention"
        width="wide"
        description={
          report && (
            <p>
              <span data-testid="retention-coverage" className="font-semibold text-zinc-900">
                {report.coverage.classified} of {report.coverage.total} tables have a policy
              </span>{' '}
              · computed <time dateTime={report.computedAt}>{report.computedAt.replace('T', ' ').slice(0, 19)} UTC</time> in {nf.format(report.durationMs)} ms · ≈ marks planner estimates
            </p>
          )
        }
      />
      <main id="main" className="mx-auto flex max-w-[96rem] flex-col gap-6 px-4 py-8 sm:px-6 lg:px-8">
        {problem && (
          <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
            {problem}
          </p>
        )}
        {report && <RetentionSummary report={report} />}
        {report && (
          <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Retention policies and live figures of {env}</caption>
              <thead className="bg-zinc-50 text-left text-xs font-semibold tracking-wide text-zinc-600 uppercase">
                <tr>
                  {['Table', 'Policy', 'Classification', 'Est. rows', 'Oldest row', 'Past retention', 'Deleted past grace', 'Size', 'Purge preview'].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 align-top">
                {report.tables.map((t) => (
                  <RetentionRow key={t.table} t={t} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </main>
    </>
  );
}

function RetentionRow({ t }: { t: TableRetention }) {
  const approx = t.countsAreEstimates ? '≈ ' : '';
  const policy = t.policy;
  return (
    <tr data-testid="retention-row" data-table={t.table} data-classified={policy ? 'true' : 'false'}>
      <th scope="row" className="px-3 py-2 text-left font-mono font-normal whitespace-nowrap">
        {t.table}
      </th>
      <td className="min-w-72 px-3 py-2" data-testid="retention-policy">
        {policy ? (
          <>
            <span className="font-medium">{retentionPeriod(policy)}</span>
            <span className="text-zinc-600">{basisText(policy)}</span>
            {policy.note && <p className="text-xs text-zinc-500">{policy.note}</p>}
            {t.problem && (
              <p role="alert" className="text-xs text-red-700">
                {t.problem}
              </p>
            )}
          </>
        ) : (
          <Badge tone="amber">unclassified</Badge>
        )}
      </td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-1">
          {[...new Set([...(policy?.classification ?? []), ...Object.values(policy?.columns ?? {}).flat()])].map((tag) => (
            <Badge key={tag} tone={tag === 'secret' || tag === 'FERPA' ? 'red' : tag === 'PII' ? 'violet' : 'neutral'}>
              {tag}
            </Badge>
          ))}
        </div>
      </td>
      <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{t.estimatedRows === null ? '—' : `≈ ${nf.format(t.estimatedRows)}`}</td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums" title={t.oldestRowIsEstimate ? 'From PostgreSQL statistics (a sample), not a scan' : undefined}>
        {t.oldestRow ? `${t.oldestRowIsEstimate ? '≈ ' : ''}${t.oldestRow.replace('T', ' ').slice(0, 16)}` : '—'}
      </td>
      <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" data-testid="past-retention">
        {t.rowsPastRetention === null ? '—' : `${approx}${nf.format(t.rowsPastRetention)}`}
      </td>
      <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums" data-testid="deleted-past-grace">
        {t.softDeletedPastGrace === null ? '—' : `${approx}${nf.format(t.softDeletedPastGrace)}`}
      </td>
      <td className="px-3 py-2 text-right whitespace-nowrap tabular-nums">{bytes(t.sizeBytes)}</td>
      <td className="px-3 py-2">
        {t.purgeSql ? (
          <details data-testid="purge-preview">
            <summary className="cursor-pointer text-blue-700">
              {approx}
              {nf.format(t.purgeRows ?? 0)} rows
            </summary>
            <div className="mt-2 w-[28rem]">
              <SqlCode sql={t.purgeSql} label={`Purge preview for ${t.table}`} />
              <p className="mt-1 text-xs text-zinc-500">Shown, never run from this page.</p>
            </div>
          </details>
        ) : (
          <span className="text-zinc-400">—</span>
        )}
      </td>
    </tr>
  );
}

/** Coverage as a bar, the rows enforcement would purge, and policies that match no live table. */
function RetentionSummary({ report }: { report: RetentionReport }) {
  const { classified, total } = report.coverage;
  const share = total ? Math.round((classified / total) * 100) : 0;
  const purgeable = report.tables.filter((t) => (t.purgeRows ?? 0) > 0);
  const estimated = purgeable.some((t) => t.countsAreEstimates);
  return (
    <section aria-label="Summary" className="grid gap-4 sm:grid-cols-2">
      <div className="rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="text-sm font-semibold text-zinc-900">Policy coverage</h2>
        <div
          role="meter"
          aria-label="Tables with a policy"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={classified}
          className="mt-2 h-3 w-full overflow-hidden rounded-full bg-amber-100"
        >
          <div className="h-full rounded-full bg-emerald-500" style={{ width: `${share}%` }} />
        </div>
        <p className="mt-2 text-sm text-zinc-600">
          {classified} classified · {total - classified} unclassified ({share}%)
        </p>
        {report.unmatchedPolicies.length > 0 && (
          <p className="mt-2 text-xs text-amber-800">Declared for tables this database does not have: {report.unmatchedPolicies.join(', ')}</p>
        )}
      </div>
      <div className="rounded-lg border border-zinc-200 bg-white p-4">
        <h2 className="text-sm font-semibold text-zinc-900">Enforcement would purge</h2>
        <p className="mt-2 text-2xl font-semibold tabular-nums text-zinc-900">
          {estimated ? '≈ ' : ''}
          {nf.format(purgeable.reduce((n, t) => n + (t.purgeRows ?? 0), 0))} rows
        </p>
        <p className="text-sm text-zinc-600">
          in {purgeable.length} of {report.tables.length} tables · counts exact up to {nf.format(report.exactCountLimit)} rows per table, planner estimates above
        </p>
      </div>
    </section>
  );
}
