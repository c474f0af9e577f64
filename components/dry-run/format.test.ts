import { describe, expect, it } from 'vitest';
import type { RiskFlag } from '@/lib/diff/types';
import { dryRunModeText, formatDuration, formatLock, highestSeverity, isBlockingLock, plural, sortRisks } from './format';

const risk = (severity: RiskFlag['severity'], message: string): RiskFlag => ({ kind: 'table_rewrite', severity, message, table: null });

describe('format', () => {
  it('formats durations for reading', () => {
    expect(formatDuration(12.4)).toBe('12 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(120_000)).toBe('2 min');
  });

  it('writes locks the way the Statements tab shows them', () => {
    const lock = { mode: 'AccessExclusiveLock', relation: 'files.project_files', heldMs: 12.3 };
    expect(formatLock(lock)).toBe('AccessExclusiveLock on files.project_files (held 12 ms)');
    expect(isBlockingLock(lock)).toBe(true);
    expect(isBlockingLock({ ...lock, mode: 'RowExclusiveLock' })).toBe(false);
  });

  it('says where the dry run ran', () => {
    expect(dryRunModeText({ mode: 'transaction', environment: 'staging' })).toBe('in a transaction on staging, rolled back');
    expect(dryRunModeText({ mode: 'shadow', environment: 'prod' })).toBe('on a shadow copy of prod');
    expect(dryRunModeText({ mode: 'transaction', environment: null })).toBe('in a transaction on the target database, rolled back');
  });

  it('pluralises with grouped numbers', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(1204, 'row')).toBe('1,204 rows');
  });

  it('orders risks by severity, stable among equals', () => {
    const sorted = sortRisks([risk('low', 'a'), risk('high', 'b'), risk('medium', 'c'), risk('high', 'd')]);
    expect(sorted.map((r) => r.message)).toEqual(['b', 'd', 'c', 'a']);
    expect(highestSeverity([risk('low', 'a'), risk('medium', 'b')])).toBe('medium');
    expect(highestSeverity([])).toBeNull();
  });
});
