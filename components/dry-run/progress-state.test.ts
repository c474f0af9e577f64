import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '@/lib/migrate/run-context';
import { summarizeProgress } from './progress-state';

/** `position` is the engine's: 0-based. */
const start = (tag: string, position: number, statements = 2, total = 2): ProgressEvent => ({ type: 'changeset-start', tag, direction: 'up', statements, position, total });
const stmt = (tag: string, index: number, total = 2): ProgressEvent => ({ type: 'statement-done', tag, index, total, rows: 0, durationMs: 1 });
const done = (tag: string, status: 'applied' | 'failed' = 'applied'): ProgressEvent => ({ type: 'changeset-done', tag, direction: 'up', status, durationMs: 5 });

describe('summarizeProgress', () => {
  it('starts at zero', () => {
    expect(summarizeProgress([], 3)).toMatchObject({ total: 3, current: null, finished: [], percent: 0, failed: false, phase: null });
  });

  it('counts the running change set by its share of statements', () => {
    const state = summarizeProgress([start('a', 0), stmt('a', 0)], 2);
    expect(state.current).toMatchObject({ tag: 'a', position: 1, statements: 2, statementsDone: 1 });
    expect(state.percent).toBe(25);
  });

  it('lists finished change sets and reaches 100%', () => {
    const state = summarizeProgress([start('a', 0), stmt('a', 0), stmt('a', 1), done('a'), start('b', 1), stmt('b', 0), stmt('b', 1), done('b')], 2);
    expect(state.current).toBeNull();
    expect(state.finished.map((f) => [f.tag, f.status, f.statementsDone])).toEqual([
      ['a', 'applied', 2],
      ['b', 'applied', 2],
    ]);
    expect(state.percent).toBe(100);
  });

  it('records a failure with the statements done before it', () => {
    const state = summarizeProgress([start('a', 0, 3), stmt('a', 0, 3), done('a', 'failed')], 2);
    expect(state.failed).toBe(true);
    expect(state.finished[0]).toMatchObject({ status: 'failed', statementsDone: 1, statements: 3 });
  });

  it('takes the total from the events when larger, and shows phases between change sets', () => {
    const state = summarizeProgress([{ type: 'phase', label: 'Replaying on a shadow copy' }, start('a', 0, 1, 4)], 0);
    expect(state.total).toBe(4);
    expect(state.phase).toBeNull();
    expect(summarizeProgress([{ type: 'phase', label: 'Introspecting' }], 1).phase).toBe('Introspecting');
  });

  it('shows who the running change set waits for, until it gets past the blocked statement', () => {
    const wait = (tag: string, statementIndex: number, attempt: number): ProgressEvent => ({
      type: 'lock-wait',
      tag,
      statementIndex,
      attempt,
      retries: 5,
      retryInMs: 1000 * attempt,
      message: 'waiting for ACCESS EXCLUSIVE on risk.orders — held by pid 4121 (billing-worker, idle in transaction for 3 min)',
      lock: null,
    });
    const waiting = summarizeProgress([start('a', 0), stmt('a', 0), wait('a', 1, 1), stmt('a', 0), wait('a', 1, 2)], 1);
    expect(waiting.lockWait).toMatchObject({ tag: 'a', attempt: 2, retries: 5, statementIndex: 1 });
    expect(waiting.lockWait?.message).toContain('held by pid 4121 (billing-worker');
    expect(summarizeProgress([start('a', 0), wait('a', 1, 1), stmt('a', 0), stmt('a', 1)], 1).lockWait).toBeNull();
    expect(summarizeProgress([start('a', 0), wait('a', 1, 1), done('a', 'failed')], 1).lockWait).toBeNull();
  });
});

describe('summarizeProgress with a batched statement', () => {
  const batch = (batches: number, throttle: string | null = null): ProgressEvent => ({
    type: 'batch',
    tag: 'a',
    statementIndex: 1,
    batches,
    totalBatches: 400,
    rowsDone: batches * 1000,
    totalRows: 400_000,
    rowsPerSecond: 5000,
    etaMs: ((400 - batches) * 1000 * 1000) / 5000,
    resumedAtBatch: 143,
    batchesThisRun: batches - 142,
    batchMs: 5,
    throttle: throttle ? { reason: 'lock-waiters', waitMs: 200, message: throttle } : null,
  });

  it('shows its batches, rows, rate and ETA, and why it backs off, until the statement is done', () => {
    const state = summarizeProgress([start('a', 0), stmt('a', 0), batch(150), batch(200, '1 session waited on this batch\'s row locks; backing off 200 ms')], 1);
    expect(state.batch).toMatchObject({ tag: 'a', statementIndex: 1, batches: 200, totalBatches: 400, percent: 50, rowsDone: 200_000, etaMs: 40_000, resumedAtBatch: 143 });
    expect(state.batch?.throttle).toMatch(/backing off 200 ms/);
    expect(summarizeProgress([start('a', 0), batch(150), batch(151)], 1).batch?.throttle).toBeNull();
    expect(summarizeProgress([start('a', 0), batch(150), stmt('a', 1)], 1).batch).toBeNull();
    expect(summarizeProgress([start('a', 0), batch(150), done('a', 'failed')], 1).batch).toBeNull();
  });
});
