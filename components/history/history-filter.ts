import type { EntryStatus, HistoryEntry } from '@/lib/migrate/history-store';

export type StatusFilter = 'all' | EntryStatus;

export const STATUS_FILTERS: readonly StatusFilter[] = ['all', 'applied', 'rolled_back', 'failed', 'started', 'skipped'];

export interface HistoryFilter {
  status: StatusFilter;
  /** Case-insensitive substring of any touched table; '' matches every entry. */
  table: string;
}

/** Reads `?status=&table=`; anything unknown falls back to showing everything. */
export function parseHistoryFilter(params: { get(name: string): string | null }): HistoryFilter {
  const status = params.get('status') ?? 'all';
  return {
    status: (STATUS_FILTERS as readonly string[]).includes(status) ? (status as StatusFilter) : 'all',
    table: (params.get('table') ?? '').trim(),
  };
}

/**
 * The query string for a filter, other parameters kept; defaults are left out so the plain
 * page has a plain URL. Returns '' or '?…'.
 */
export function historyFilterQuery(filter: HistoryFilter, current: string = ''): string {
  const params = new URLSearchParams(current);
  if (filter.status === 'all') params.delete('status');
  else params.set('status', filter.status);
  const table = filter.table.trim();
  if (table === '') params.delete('table');
  else params.set('table', table);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The entries the filter lets through, newest first (by start time, then by id). */
export function filterHistory(entries: readonly HistoryEntry[], filter: HistoryFilter): HistoryEntry[] {
  const needle = filter.table.trim().toLowerCase();
  return entries
    .filter((e) => filter.status === 'all' || e.status === filter.status)
    .filter((e) => needle === '' || e.tablesTouched.some((t) => t.toLowerCase().includes(needle)))
    .sort((a, b) => time(b.startedAt) - time(a.startedAt) || b.id - a.id);
}

/**
 * The `started` rows no later row of the same change set superseded: no-transaction runs
 * with no outcome (running now, or stopped half-way). Their ids.
 */
export function unfinishedStarts(entries: readonly HistoryEntry[]): Set<number> {
  const latest = new Map<string, HistoryEntry>();
  for (const e of entries) {
    const seen = latest.get(e.tag);
    if (!seen || e.id > seen.id) latest.set(e.tag, e);
  }
  return new Set([...latest.values()].filter((e) => e.status === 'started').map((e) => e.id));
}

/** Dates arrive as Date from the server, but as strings once they've been through JSON. */
export function time(value: Date | string): number {
  const t = new Date(value).getTime();
  return Number.isNaN(t) ? 0 : t;
}

/** The full ISO timestamp, for `<time dateTime>`; '' when the value is not a date. */
export function isoTimestamp(value: Date | string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** "2026-11-22 06:01:33 UTC": readable, and the same on the server and in every browser. */
export function formatTimestamp(value: Date | string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Where the environment page lists a backup, with its Restore button. */
export function backupAnchor(env: string, backupId: string): string {
  return `/environments/${encodeURIComponent(env)}#${backupId}`;
}
