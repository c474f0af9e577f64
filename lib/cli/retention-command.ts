import { computeRetention } from '../retention/compute';
import { policiesFor } from '../retention/load-policies';
import { describeRetention, retentionPeriod } from '../retention/describe';
import type { RetentionReport } from '../retention/types';
import type { Command } from './commands';
import { table, when } from './format';
import { withReachableTarget } from './with-target';

/**
 * `retention (--env NAME | --database-url URL) [--dir PATH] [--json]`: every table of the
 * live database against the project's declared retention policies. Only reads.
 */
const retention: Command = async (options) =>
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

export const RETENTION_COMMANDS: Record<string, Command> = { retention };
