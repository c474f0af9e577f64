import type { RehearsalReport, RehearsedLock } from '@/lib/rehearse/report';

/** WAL and temp files in the words the engine's headlines use ("180 MB", "12 kB"): one way to write bytes. */
export { bytesText as formatBytes } from '@/lib/rehearse/headlines';

/** The sample choices the console offers (any fraction in (0, 1] is accepted by the API). */
export const SAMPLE_CHOICES = [
  { value: '1', label: 'All rows', testId: 'sample-all' },
  { value: '0.1', label: '10%', testId: 'sample-10' },
  { value: '0.01', label: '1%', testId: 'sample-1' },
] as const;

export { sampleLabel } from '@/lib/console/rehearsal-sample';

/** ACCESS EXCLUSIVE blocks reads and writes alike: whatever spelling the engine reports it in. */
export function isBlockingMode(mode: string): boolean {
  return /^access\s*exclusive/i.test(mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'));
}

/** A headline a reviewer must not miss: a lock that blocks other sessions' writes (SHARE and stronger, as the engine's headlines lead with), or a rewritten table. */
export function isAlarmingHeadline(line: string): boolean {
  return /^(SHARE|SHARE ROW EXCLUSIVE|EXCLUSIVE|ACCESS EXCLUSIVE) on /.test(line) || /table rewritten/.test(line);
}

/** The locks of a statement, longest held first. */
export function locksByHeld(locks: readonly RehearsedLock[]): RehearsedLock[] {
  return [...locks].sort((a, b) => b.heldMs - a.heldMs);
}

/** How long the copy took against how long the plan ran: what the wall clock of a rehearsal was spent on. */
export function copyVersusRun(report: Pick<RehearsalReport, 'copy' | 'runMs'>): { copyMs: number; runMs: number; copyShare: number } {
  const copyMs = report.copy.schemaMs + report.copy.dataMs;
  const total = copyMs + report.runMs;
  return { copyMs, runMs: report.runMs, copyShare: total > 0 ? copyMs / total : 0 };
}

/** Every masked column of the copy, as `schema.table.column`, with its classification and how it was masked. */
export function maskedColumns(report: Pick<RehearsalReport, 'copy'>): Array<{ column: string; classification: string; how: string }> {
  return report.copy.tables.flatMap((t) => t.masked.map((m) => ({ column: `${t.table}.${m.column}`, classification: m.classification, how: m.how })));
}
