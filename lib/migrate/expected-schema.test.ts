import { describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { memoryExpectedSchemas } from '../../test/support/memory-expected-schemas';
import { testContext } from '../../test/support/run-context';
import { appliedSetKey, expectedSchema, expectedSchemaKey, type ExpectedSchemaStore } from './expected-schema';
import type { ProgressEvent } from './run-context';

const a = { tag: '0000_a', checksum: 'a'.repeat(64) };
const b = { tag: '0001_b', checksum: 'b'.repeat(64) };

describe('expected schema keys', () => {
  it('are the same for the same applied list and server major, and differ for another checksum, order or major', () => {
    const key = expectedSchemaKey([a, b], 18);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(expectedSchemaKey([{ ...a }, { ...b }], 18)).toBe(key);
    expect(expectedSchemaKey([a, { ...b, checksum: 'c'.repeat(64) }], 18)).not.toBe(key);
    expect(expectedSchemaKey([b, a], 18)).not.toBe(key);
    expect(expectedSchemaKey([a], 18)).not.toBe(key);
    expect(expectedSchemaKey([a, b], 17)).not.toBe(key);
    expect(appliedSetKey([a, b])).not.toBe(appliedSetKey([b, a]));
    expect(appliedSetKey([a, { ...b, checksum: 'c'.repeat(64) }])).not.toBe(appliedSetKey([a, b]));
  });
});

describe('expected schema', () => {
  // Unique SQL per run, so no other test (or an earlier run's store) has this key.
  const project = () => {
    const table = `t_${Math.random().toString(36).slice(2, 10)}`;
    return readProject(writeFixtureProject([{ name: 'a', up: `create table public.${table} (id int primary key);`, down: `drop table public.${table};` }]));
  };

  it('is replayed once for many concurrent callers of one process, and stored once', async () => {
    const p = project();
    const { store, calls } = memoryExpectedSchemas();
    const replays: ProgressEvent[] = [];
    const logger = testContext('').logger;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => expectedSchema(p, p.changeSets, { shadowServerUrl: inject('pgAdminUrl'), store, logger, onProgress: (e) => replays.push(e) })),
    );
    expect(replays).toHaveLength(1);
    expect(calls.put).toBe(1);
    expect(new Set(results.map((r) => r.model)).size).toBe(1);
    expect(results.map((r) => r.origin.source)).toEqual(Array(5).fill('computed'));
    expect(results[0]!.model.tables.map((t) => t.name)).toHaveLength(1);
    const again = await expectedSchema(p, p.changeSets, { shadowServerUrl: inject('pgAdminUrl'), store, logger });
    expect(again.origin).toEqual({ ...results[0]!.origin, source: 'cached' });
  });

  it('is replayed without its store when the store cannot be reached, saying so in the log', async () => {
    const p = project();
    const down: ExpectedSchemaStore = {
      get: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
      put: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')),
    };
    const ctx = testContext('');
    const result = await expectedSchema(p, p.changeSets, { shadowServerUrl: inject('pgAdminUrl'), store: down, logger: ctx.logger });
    expect(result.origin.source).toBe('computed');
    expect(ctx.logLines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([
      'expected schemas cannot be read from their store; replaying on a shadow database instead',
      'the expected schema could not be stored; the next check replays again',
    ]);
  });
});
