import type { RetentionReport, TablePolicy } from './types';

/** "90 days after deletion", "7 years", "indefinite (soft delete)": a policy in the words a retention rule is usually written in. */
export function retentionPeriod(policy: TablePolicy): string {
  const parts: string[] = [];
  if (policy.retentionDays !== null) parts.push(days(policy.retentionDays));
  if (policy.softDeleteColumn && policy.graceDays != null) parts.push(`${days(policy.graceDays)} after deletion`);
  if (!parts.length) parts.push(policy.softDeleteColumn ? 'indefinite (soft delete)' : 'indefinite');
  return parts.join(', or ');
}

/** What the period rests on, when it adds anything: " · soft delete · from created_at". */
export function basisText(policy: TablePolicy): string {
  const basis = policy.basis === 'indefinite' ? '' : ` · ${policy.basis.replace('-', ' ')}`;
  const from = policy.retentionDays !== null && policy.timestampColumn ? ` · from ${policy.timestampColumn}` : '';
  return `${basis}${from}`;
}

function days(n: number): string {
  if (n % 365 === 0) return `${n / 365} year${n === 365 ? '' : 's'}`;
  return `${n} days`;
}

/** One line: coverage, when, how long, and policies declared for tables the database lacks. */
export function describeRetention(report: RetentionReport): string {
  const missing = report.unmatchedPolicies.length ? ` Policies for tables this database does not have: ${report.unmatchedPolicies.join(', ')}.` : '';
  return `${report.coverage.classified} of ${report.coverage.total} tables have a policy; computed ${report.computedAt} in ${report.durationMs} ms.${missing}`;
}
