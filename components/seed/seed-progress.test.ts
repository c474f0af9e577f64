import { describe, expect, it } from 'vitest';
import { summarizeSeed } from './seed-progress';

describe('summarizeSeed', () => {
  it('counts finished tables against the total and keeps the latest phase until a table finishes', () => {
    expect(summarizeSeed([])).toEqual({ percent: 0, tables: [], total: 0, phase: null });
    const s = summarizeSeed([
      { type: 'phase', label: 'Truncating 40 tables' },
      { type: 'seed-table', table: 'platform.organizations', rows: 3, position: 0, total: 4 },
      { type: 'seed-table', table: 'platform.users', rows: 12, position: 1, total: 4 },
      { type: 'phase', label: 'Computing rollups' },
    ]);
    expect(s).toEqual({
      percent: 50,
      total: 4,
      phase: 'Computing rollups',
      tables: [
        { table: 'platform.organizations', rows: 3 },
        { table: 'platform.users', rows: 12 },
      ],
    });
  });
});
