import { formatDuration } from '@/components/dry-run/format';
import { formatAbsolute } from '@/components/environments/environment-display';
import type { DriftReport } from '@/lib/migrate/drift';

/**
 * When the report was made and where its expected schema came from, in one line:
 * "Checked 2026-11-22 06:01 UTC in 41 ms; expected schema kept since 2026-11-21 09:12 UTC (replayed in 812 ms)."
 */
export function driftOriginText(report: Pick<DriftReport, 'checkedAt' | 'durationMs' | 'expected'>): string {
  const checked = `Checked ${formatAbsolute(report.checkedAt)} in ${formatDuration(report.durationMs)}`;
  const expected =
    report.expected.source === 'cached'
      ? `expected schema kept since ${formatAbsolute(report.expected.computedAt)} (replayed in ${formatDuration(report.expected.computedMs)})`
      : `expected schema replayed on a shadow database for this check in ${formatDuration(report.expected.computedMs)}`;
  return `${checked}; ${expected}.`;
}
