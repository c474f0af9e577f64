import { describe, expect, it } from 'vitest';
import { copyVersusRun, formatBytes, isAlarmingHeadline, isBlockingMode, locksByHeld, maskedColumns, sampleLabel } from './format';

describe('rehearsal report formatting', () => {
  it('writes bytes as the headlines do', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(12_700)).toBe('12 kB');
    expect(formatBytes(180 * 1024 * 1024)).toBe('180 MB');
  });

  it('names the sample', () => {
    expect(sampleLabel(1)).toBe('all rows');
    expect(sampleLabel(0.1)).toBe('10% sample');
    expect(sampleLabel(0.01)).toBe('1% sample');
  });

  it('knows ACCESS EXCLUSIVE in either spelling, and nothing weaker', () => {
    expect(isBlockingMode('ACCESS EXCLUSIVE')).toBe(true);
    expect(isBlockingMode('AccessExclusiveLock')).toBe(true);
    expect(isBlockingMode('SHARE ROW EXCLUSIVE')).toBe(false);
    expect(isBlockingMode('ExclusiveLock')).toBe(false);
    expect(isBlockingMode('ROW EXCLUSIVE')).toBe(false);
    expect(isAlarmingHeadline('ACCESS EXCLUSIVE on platform.usage_events for 4.2 s; table rewritten; 180 MB WAL')).toBe(true);
    expect(isAlarmingHeadline('SHARE on platform.users for 3 ms')).toBe(true);
    expect(isAlarmingHeadline('SHARE UPDATE EXCLUSIVE on platform.users for 3 ms')).toBe(false);
    expect(isAlarmingHeadline('INSERT INTO "risk"."schema_version" took 3 ms; 2 rows')).toBe(false);
  });

  it('orders locks longest held first, and splits copy from run time', () => {
    const locks = [
      { mode: 'ROW EXCLUSIVE', relation: 'a.b', heldMs: 3 },
      { mode: 'ACCESS EXCLUSIVE', relation: 'a.c', heldMs: 4200 },
    ];
    expect(locksByHeld(locks).map((l) => l.relation)).toEqual(['a.c', 'a.b']);
    expect(copyVersusRun({ copy: { schemaMs: 100, dataMs: 300, tables: [] }, runMs: 600 })).toEqual({ copyMs: 400, runMs: 600, copyShare: 0.4 });
    expect(copyVersusRun({ copy: { schemaMs: 0, dataMs: 0, tables: [] }, runMs: 0 }).copyShare).toBe(0);
  });

  it('lists masked columns with their table', () => {
    const tables = [
      { table: 'platform.users', rows: 3, masked: [{ column: 'email', classification: 'pii', how: 'hashed' as const }] },
      { table: 'platform.organizations', rows: 1, masked: [] },
    ];
    expect(maskedColumns({ copy: { schemaMs: 0, dataMs: 0, tables } })).toEqual([{ column: 'platform.users.email', classification: 'pii', how: 'hashed' }]);
  });
});
