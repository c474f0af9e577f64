import { describe, expect, it } from 'vitest';
import { driftOriginText } from './drift-origin';

const expected = { key: 'k', serverVersion: 18, computedAt: '2026-11-21T09:12:30.000Z', computedMs: 812 };

describe('drift origin line', () => {
  it('says when the report was checked and whether its expected schema was kept or replayed now', () => {
    expect(driftOriginText({ checkedAt: '2026-11-22T06:01:09.000Z', durationMs: 41, expected: { ...expected, source: 'cached' } })).toBe(
      'Checked 2026-11-22 06:01 UTC in 41 ms; expected schema kept since 2026-11-21 09:12 UTC (replayed in 812 ms).',
    );
    expect(driftOriginText({ checkedAt: '2026-11-22T06:01:09.000Z', durationMs: 1290, expected: { ...expected, source: 'computed' } })).toBe(
      'Checked 2026-11-22 06:01 UTC in 1.29 s; expected schema replayed on a shadow database for this check in 812 ms.',
    );
  });
});
