import type { ChangeRequest, RequestStatus } from '@/lib/auth/types';
import type { RiskFlag, SchemaDiff } from '@/lib/diff/types';

/**
 * Pure reading of change requests for the approvals page: their order, how a status looks,
 * and the two JSON columns (the shadow dry run attached at request time, the run's result)
 * read defensively, since they are stored as plain JSON.
 */

export type StatusTone = 'amber' | 'blue' | 'red' | 'violet' | 'green' | 'neutral';

export const REQUEST_STATUS: Record<RequestStatus, { tone: StatusTone; label: string }> = {
  pending: { tone: 'amber', label: 'pending' },
  approved: { tone: 'blue', label: 'approved' },
  rejected: { tone: 'red', label: 'rejected' },
  executing: { tone: 'violet', label: 'executing' },
  executed: { tone: 'green', label: 'executed' },
  failed: { tone: 'red', label: 'failed' },
  expired: { tone: 'neutral', label: 'expired' },
};

/** Pending requests first (they wait for someone), then everything newest first. */
export function orderRequests(requests: readonly ChangeRequest[]): ChangeRequest[] {
  return [...requests].sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || b.id - a.id);
}

/** Whether an approved request can still run at `now`. */
export function isOpen(request: Pick<ChangeRequest, 'status' | 'expiresAt'>, now: Date): boolean {
  return (request.status === 'pending' || request.status === 'approved') && new Date(request.expiresAt).getTime() > now.getTime();
}

export function sameUser(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

export interface DryRunSummary {
  mode: string;
  durationMs: number | null;
  diff: SchemaDiff;
  risks: RiskFlag[];
  backupTables: Array<{ table: string; rows: number }>;
  changeSets: Array<{ tag: string; status: string; rows: number | null; durationMs: number | null }>;
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The dry run summary attached to a request, or null when there is none (or it is unreadable). */
export function readDryRun(value: unknown): DryRunSummary | null {
  const dry = record(value);
  const diff = record(dry?.diff);
  if (!dry || !diff || !Array.isArray(diff.changes)) return null;
  const summary = record(diff.summary);
  const risks = (Array.isArray(dry.risks) ? dry.risks : Array.isArray(diff.risks) ? diff.risks : []) as RiskFlag[];
  return {
    mode: str(dry.mode) ?? 'shadow',
    durationMs: num(dry.durationMs),
    diff: {
      changes: diff.changes as SchemaDiff['changes'],
      summary: { added: num(summary?.added) ?? 0, removed: num(summary?.removed) ?? 0, changed: num(summary?.changed) ?? 0 },
      risks: (Array.isArray(diff.risks) ? diff.risks : []) as RiskFlag[],
    },
    risks,
    backupTables: (Array.isArray(dry.backupTables) ? dry.backupTables : [])
      .map(record)
      .filter((b): b is Record<string, unknown> => b !== null && typeof b.table === 'string')
      .map((b) => ({ table: b.table as string, rows: num(b.rows) ?? 0 })),
    changeSets: (Array.isArray(dry.changeSets) ? dry.changeSets : [])
      .map(record)
      .filter((c): c is Record<string, unknown> => c !== null && typeof c.tag === 'string')
      .map((c) => ({ tag: c.tag as string, status: str(c.status) ?? '', rows: num(c.rows), durationMs: num(c.durationMs) })),
  };
}

export interface ResultSummary {
  /** The change sets the run recorded, in order. */
  records: Array<{ tag: string; status: string; durationMs: number | null }>;
  /** Why the run stopped (PostgreSQL's message), or why it never ran (e.g. the plan changed). */
  failure: string | null;
  /** The backups taken before its change sets (ids, see the environment page). */
  backups: string[];
  /** A fix of one change set (resolve, skip, unskip): the change set and its state afterwards. */
  fixed: { tag: string; state: string } | null;
  /** A backup restore: per table, what it wrote. */
  restored: Array<{ table: string; inserted: number; updated: number }>;
}

/** The result stored on an executed or failed request, or null when there is none. */
export function readResult(value: unknown): ResultSummary | null {
  const result = record(value);
  if (!result) return null;
  const records = (Array.isArray(result.records) ? result.records : [])
    .map(record)
    .filter((r): r is Record<string, unknown> => r !== null && typeof r.tag === 'string')
    .map((r) => ({ tag: r.tag as string, status: str(r.status) ?? '', durationMs: num(r.durationMs) }));
  const error = result.error;
  const errorRecord = record(error);
  const failure =
    str(result.failed) ??
    str(error) ??
    (errorRecord ? [str(errorRecord.code), str(errorRecord.message)].filter(Boolean).join(': ') || null : null);
  // Requests executed before per-change-set backups stored one `backup`; later ones a list.
  const backups = Array.isArray(result.backups) ? result.backups.filter((b): b is string => typeof b === 'string') : [str(result.backup)].filter((b): b is string => b !== null);
  const fixed = record(result.fixed);
  const restored = (Array.isArray(result.tables) ? result.tables : [])
    .map(record)
    .filter((t): t is Record<string, unknown> => t !== null && typeof t.table === 'string')
    .map((t) => ({ table: t.table as string, inserted: num(t.insert) ?? 0, updated: num(t.update) ?? 0 }));
  return { records, failure, backups, fixed: fixed && typeof fixed.tag === 'string' ? { tag: fixed.tag, state: str(fixed.state) ?? '' } : null, restored };
}
