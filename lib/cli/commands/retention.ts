import { computeRetention } from '../../retention/compute';
import { policiesFor } from '../../retention/load-policies';
import { describeRetention, retentionPeriod } from '../../retention/describe';
import type { RetentionReport } from '../../retention/types';
import { defineCommand, type OptionValues } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { table, when } from '../format';
import { withReachableTarget } from '../with-target';

/**
 * `retention (--env NAME | --database-url URL) [--dir PATH] [--json]`: every table of the
 * live database against the project's declared retention policies. Only reads.
 */
const retention = async (options: OptionValues<typeof RETENTION_FLAGS>) =>
  withReachableTarget(options, async (target, config) => {
    const report = await computeRetention(target.url, await policiesFor(options.dir ?? config.projectDir), { environment: target.name });
    return { code: 0, text: retentionText(report), json: report };
  });

const n = (value: number | null, estimate: boolean) => (value === null ? '—' : `${estimate ? '≈' : ''}${value.toLocaleString('en-US')}`);

export function retentionText(report: RetentionReport): string {
  const rows = report.tables.map((t) => [
    t.table,
    t.policy ? retentionPeriod(t.policy) : 'unclassified',
    t.policy ? [...new Set([...t.policy.classification, ...Object.values(t.policy.columns ?? {}).flat()])].join(',') : '',
    n(t.estimatedRows, true),
    t.oldestRow ? `${t.oldestRowIsEstimate ? '≈' : ''}${when(t.oldestRow).slice(0, 10)}` : '—',
    n(t.rowsPastRetention, t.countsAreEstimates),
    n(t.softDeletedPastGrace, t.countsAreEstimates),
    n(t.purgeRows, t.countsAreEstimates),
    t.problem ?? '',
  ]);
  return [
    table(['table', 'policy', 'classification', 'rows', 'oldest', 'past retention', 'deleted past grace', 'purge', 'problem'], rows),
    '',
    describeRetention(report),
    '≈ marks planner estimates (tables over ' + report.exactCountLimit.toLocaleString('en-US') + ' rows) and oldest rows read from statistics. The purge DELETEs are in --json (purgeSql); nothing was deleted.',
  ].join('\n');
}

const RETENTION_FLAGS = { ...TARGET_FLAGS, ...PROJECT_FLAGS };

export const retentionCommand = defineCommand({
  name: 'retention',
  summary: "every table's retention policy and classification against live figures",
  usage: ['strata retention (--env NAME | --database-url URL) [--dir PATH] [--json]'],
  description: `Lists every table of the live database (Strata's and Drizzle's bookkeeping aside) with the
retention policy and classification the project declares for it (the policies its
strata.config.ts names; tables without one are "unclassified"), and live figures: estimated rows,
size, oldest row, rows past retention, soft-deleted rows past their grace period, and the
rows the purge DELETE would remove. Counts are exact up to 100,000 rows per table and
planner estimates above (marked ≈). Only reads: the purge DELETEs are shown (--json:
purgeSql), never run.`,
  flags: RETENTION_FLAGS,
  run: retention,
});
