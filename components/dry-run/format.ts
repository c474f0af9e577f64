import type { RiskFlag, RiskKind, RiskSeverity } from '@/lib/diff/types';
import type { DryRunResult } from '@/lib/migrate/dry-run-types';
import type { LockTaken } from '@/lib/migrate/statement-outcome';

/** "12 ms", "1.24 s", "2 min 5 s": rounded for reading, never "1234.5678 ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms - minutes * 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** "1,204": the same grouping on the server and in every browser. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** "AccessExclusiveLock on files.project_files (held 12 ms)". */
export function formatLock(lock: LockTaken): string {
  return `${lock.mode} on ${lock.relation} (held ${formatDuration(lock.heldMs)})`;
}

/** ACCESS EXCLUSIVE blocks reads and writes alike: the one lock a reviewer must notice. */
export function isBlockingLock(lock: LockTaken): boolean {
  return lock.mode === 'AccessExclusiveLock';
}

/** Where and how the dry run ran: "in a transaction on staging, rolled back" or "on a shadow copy of prod". */
export function dryRunModeText(result: Pick<DryRunResult, 'mode' | 'environment'>): string {
  const target = result.environment ?? 'the target database';
  return result.mode === 'transaction' ? `in a transaction on ${target}, rolled back` : `on a shadow copy of ${target}`;
}

/** "lock_timeout 2 s, statement_timeout 60 s": the limits the change sets ran under. */
export function limitsText(limits: DryRunResult['limits']): string {
  const setting = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : formatDuration(ms));
  return `lock_timeout ${setting(limits.lockTimeoutMs)}, statement_timeout ${setting(limits.statementTimeoutMs)}`;
}

export const RISK_KIND_LABEL: Record<RiskKind, string> = {
  data_loss: 'Data loss',
  table_rewrite: 'Table rewrite',
  access_exclusive_lock: 'ACCESS EXCLUSIVE lock',
  not_null_on_rows: 'NOT NULL on existing rows',
  validation_scan: 'Validation scan',
};

const SEVERITY_RANK: Record<RiskSeverity, number> = { high: 0, medium: 1, low: 2 };

/** The most severe of some risks, or null when there are none. */
export function highestSeverity(risks: readonly RiskFlag[]): RiskSeverity | null {
  let best: RiskSeverity | null = null;
  for (const risk of risks) if (best === null || SEVERITY_RANK[risk.severity] < SEVERITY_RANK[best]) best = risk.severity;
  return best;
}

/** Risks highest severity first, keeping the engine's order among equals. */
export function sortRisks(risks: readonly RiskFlag[]): RiskFlag[] {
  return risks
    .map((risk, i) => ({ risk, i }))
    .sort((a, b) => SEVERITY_RANK[a.risk.severity] - SEVERITY_RANK[b.risk.severity] || a.i - b.i)
    .map(({ risk }) => risk);
}
