import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@/lib/migrate/history-store';
import { filterHistory, formatTimestamp, historyFilterQuery, parseHistoryFilter, backupAnchor, unfinishedStarts } from './history-filter';

function entry(id: number, status: HistoryEntry['status'], startedAt: string, tablesTouched: string[] = []): HistoryEntry {
  return {
    id,
    version: id,
    tag: `000${id}_x`,
    operation: 'apply',
    direction: 'up',
    status,
    checksum: '',
    actor: 'me',
    environment: 'dev',
    startedAt: new Date(startedAt),
    finishedAt: new Date(startedAt),
    durationMs: 1,
    statements: 1,
    rowsAffected: 0,
    tablesTouched,
    noTransaction: false,
    errorMessage: null,
    errorStatementIndex: null,
    errorStatement: null,
    errorPosition: null,
    errorHint: null,
    errorDetail: null,
    errorCode: null,
    reason: null,
    backupSchema: null,
    notes: null,
  };
}

const entries = [
  entry(1, 'applied', '2026-01-01T10:00:00Z', ['files.project_files']),
  entry(2, 'failed', '2026-01-02T10:00:00Z', ['app.users']),
  entry(3, 'rolled_back', '2026-01-03T10:00:00Z', ['files.Project_Files', 'app.users']),
  entry(4, 'applied', '2026-01-03T10:00:00Z'),
];

describe('history filters', () => {
  it('parses the URL, falling back to everything for unknown values', () => {
    expect(parseHistoryFilter(new URLSearchParams('status=failed&table=%20files%20'))).toEqual({ status: 'failed', table: 'files' });
    expect(parseHistoryFilter(new URLSearchParams('status=bogus'))).toEqual({ status: 'all', table: '' });
  });

  it('writes the URL without defaults, keeping other parameters', () => {
    expect(historyFilterQuery({ status: 'all', table: '' }, 'status=failed&table=x')).toBe('');
    expect(historyFilterQuery({ status: 'rolled_back', table: 'files' }, 'tab=history')).toBe('?tab=history&status=rolled_back&table=files');
  });

  it('lists newest first, ties by id', () => {
    expect(filterHistory(entries, { status: 'all', table: '' }).map((e) => e.id)).toEqual([4, 3, 2, 1]);
  });

  it('filters by status and by table, case-insensitively', () => {
    expect(filterHistory(entries, { status: 'applied', table: '' }).map((e) => e.id)).toEqual([4, 1]);
    expect(filterHistory(entries, { status: 'all', table: 'PROJECT_files' }).map((e) => e.id)).toEqual([3, 1]);
    expect(filterHistory(entries, { status: 'failed', table: 'files' })).toEqual([]);
  });

  it('accepts dates that went through JSON', () => {
    const json = JSON.parse(JSON.stringify(entries)) as HistoryEntry[];
    expect(filterHistory(json, { status: 'all', table: '' }).map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(formatTimestamp(json[0].startedAt)).toBe('2026-01-01 10:00:00 UTC');
  });

  it('lets `started` rows be filtered, and tells the ones no later row of their change set superseded', () => {
    expect(parseHistoryFilter(new URLSearchParams('status=started')).status).toBe('started');
    const withStarts = [
      ...entries,
      { ...entry(5, 'started', '2026-01-04T10:00:00Z'), tag: 'a' },
      { ...entry(6, 'applied', '2026-01-04T10:00:01Z'), tag: 'a' },
      { ...entry(7, 'started', '2026-01-05T10:00:00Z'), tag: 'b' },
    ];
    expect(filterHistory(withStarts, { status: 'started', table: '' }).map((e) => e.id)).toEqual([7, 5]);
    expect([...unfinishedStarts(withStarts)]).toEqual([7]);
  });

  it('links a backup to its row on the environment page', () => {
    expect(backupAnchor('staging', 'strata_backup_0007')).toBe('/environments/staging#strata_backup_0007');
  });
});
