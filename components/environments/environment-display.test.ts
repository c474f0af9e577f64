import { describe, expect, it } from 'vitest';
import type { EnvironmentHealth } from '@/lib/health/environment-health';
import { toEnvironmentView } from './environment-display';

const health = (overrides: Partial<EnvironmentHealth>): EnvironmentHealth => ({
  name: 'staging',
  protection: 'guarded',
  reachable: true,
  schemaVersion: '0001_b',
  schemaVersionIndex: 1,
  totalChangeSets: 3,
  applied: 2,
  lastMigrationAt: null,
  pending: 0,
  failed: 0,
  interrupted: 0,
  outOfOrder: 0,
  checksumMismatch: 0,
  error: null,
  checkedAt: '2026-01-01T00:00:00Z',
  ...overrides,
});

describe('environment card counters', () => {
  it('shows interrupted change sets in red, only when there are some', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(toEnvironmentView(health({}), now).counters.map((c) => c.label)).toEqual(['Pending', 'Failed']);
    const interrupted = toEnvironmentView(health({ interrupted: 1 }), now).counters.find((c) => c.label === 'Interrupted');
    expect(interrupted).toMatchObject({ value: 1, tone: 'red' });
    expect(interrupted!.hint).toMatch(/running now, or stopped half-way/);
  });
});
