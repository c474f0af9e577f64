import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import { readProject } from '../changesets/project';
import { loadConfig, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { readTarget } from '../migrate/read-status';
import type { ProgressEvent } from '../migrate/run-context';
import { waitFor } from '../../test/support/cli-process';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { followOperation, getOperation, listOperations, recoverOperations, startOperation } from './operations';
import { consoleTestEnv } from '../../test/support/console-env';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const olga: Principal = { username: 'olga', role: 'operator', via: 'console' };
let prod: ScratchDatabase;
let consoleDb: ScratchDatabase;
let config: StrataConfig;
let env: Record<string, string>;
const slow = writeFixtureProject([
  { name: 'quick', up: 'create table public.quick (id int);' },
  { name: 'slow', up: 'create table public.half (id int);\n--> statement-breakpoint\nselect pg_sleep(60);', down: 'drop table public.half;' },
]);

beforeAll(async () => {
  prod = await createScratchDatabase('opsprod');
  consoleDb = await createScratchDatabase('opsconsole');
  env = consoleTestEnv({ label: 'operations', environment: { name: 'prod', url: prod.url, protection: 'guarded' }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: slow });
  Object.assign(process.env, env);
  config = loadConfig();
});
afterAll(async () => {
  await closeConsole(config);
  await prod.drop();
  await consoleDb.drop();
});

const phase = (label: string): ProgressEvent => ({ type: 'phase', label });

const batch = (batches: number, throttle = false): ProgressEvent => ({
  type: 'batch',
  tag: '0001_slow',
  statementIndex: 0,
  batches,
  totalBatches: 10,
  rowsDone: batches * 100,
  totalRows: 1000,
  rowsPerSecond: 100,
  etaMs: 1000,
  resumedAtBatch: null,
  batchesThisRun: batches,
  batchMs: 5,
  throttle: throttle ? { reason: 'lock-waiters', waitMs: 100, message: 'backing off' } : null,
});

describe('operations are records', () => {
  it('keeps the latest of a batched statement\'s batch events per write, and each throttle', async () => {
    const started = await startOperation(config, olga, { kind: 'dry-run', environment: 'prod', request: { kind: 'dry-run', direction: 'apply' } }, async (onProgress) => {
      for (const n of [1, 2, 3]) onProgress(batch(n));
      onProgress(batch(3, true));
      for (const n of [4, 5]) onProgress(batch(n));
      return { failed: null };
    });
    await waitFor(async () => (await getOperation(config, started.id))!.state === 'succeeded', 'the operation to end');
    const stored = (await getOperation(config, started.id))!;
    expect(stored.events.map((e) => [(e as { batches: number }).batches, (e as { throttle: unknown }).throttle !== null])).toEqual([
      [3, false],
      [3, true],
      [5, false],
    ]);
    expect(stored.eventCount).toBe(3);
  });

  it('is recorded running before its work goes on, its progress reaches the row, and its outcome ends it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const started = await startOperation(config, olga, { kind: 'dry-run', environment: 'prod', request: { kind: 'dry-run', direction: 'apply' } }, async (onProgress) => {
      onProgress(phase('one'));
      onProgress(phase('two'));
      await gate;
      onProgress(phase('three'));
      return { failed: null, answer: 42 };
    });
    // Started: the row exists, running, whatever happens next.
    expect(await getOperation(config, started.id)).toMatchObject({ id: started.id, kind: 'dry-run', environment: 'prod', actor: 'olga', role: 'operator', state: 'running' });
    await waitFor(async () => (await getOperation(config, started.id))!.eventCount === 2, 'the first events to be written');
    // A second watcher (another tab) follows it live from where it is.
    const seen: ProgressEvent[] = [];
    const followed = followOperation(started.id, (event) => seen.push(event))!;
    release();
    const ended = await followed;
    expect(seen.map((e) => (e as { label: string }).label)).toEqual(['one', 'two', 'three']);
    expect(ended).toMatchObject({ state: 'succeeded', result: { answer: 42 }, error: null });
    const stored = await getOperation(config, started.id);
    expect(stored).toMatchObject({ state: 'succeeded', eventCount: 3, result: { answer: 42 }, finishedAt: expect.any(String) });
    expect((await getOperation(config, started.id, 2))!.events).toEqual([phase('three')]);
    expect((await listOperations(config, { environment: 'prod' })).map((o) => o.id)).toContain(started.id);
  });

  it('a run whose change set failed is a failed operation with its result; a refusal or error is a failed one with safe words', async () => {
    const failedRun = await startOperation(config, olga, { kind: 'apply', environment: 'prod', request: {} }, async () => ({ failed: { tag: 'x' } }), (r) => (r.failed ? 'failed' : 'succeeded'));
    expect(await failedRun.done).toMatchObject({ state: 'failed', result: { failed: { tag: 'x' } }, error: null });
    const refused = await startOperation(config, olga, { kind: 'apply', environment: 'prod', request: {} }, async () => {
      throw new StrataError('CONNECTION_FAILED', `Cannot connect to ${prod.url}: refused`);
    });
    const record = await refused.done;
    expect(record).toMatchObject({ state: 'failed', error: { code: 'CONNECTION_FAILED' } });
    expect(record.error!.message).not.toContain(prod.name);
    expect(record.error!.message).not.toContain(new URL(prod.url).password);
  });

  it('a console killed during an apply: at the next start the operation is interrupted, with what the history says happened', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/support/operation-child.ts')], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    await waitFor(async () => /OPERATION \d+/.test(output), 'the operation to start');
    const id = Number(/OPERATION (\d+)/.exec(output)![1]);
    await waitFor(async () => (await prod.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(60)%'`).length > 0, 'the slow statement');
    // While its process lives, the start-up check leaves it alone.
    const project = readProject(slow);
    const history = async () => (await readTarget(prod.url, project)).history;
    expect((await recoverOperations(config, history)).find((f) => f.id === id)).toMatchObject({ outcome: 'running' });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const found = await recoverOperations(config, history);
    expect(found.find((f) => f.id === id)).toMatchObject({ outcome: 'interrupted', history: [expect.objectContaining({ tag: '0000_quick', status: 'applied' })] });
    const record = (await getOperation(config, id))!;
    expect(record.state).toBe('interrupted');
    expect(record.error).toMatchObject({ code: 'INTERRUPTED', message: expect.stringMatching(/stopped before it ended; its environment's history shows 0000_quick applied/) });
    // Its progress up to the kill is on the record.
    expect(record.events.some((e) => e.type === 'changeset-done' && e.tag === '0000_quick')).toBe(true);
    expect((await recoverOperations(config, history)).find((f) => f.id === id)).toBeUndefined();
  });
});
