import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, consoleSql, withConsole } from '../auth/console-db';
import type { Principal } from '../auth/types';
import { readProject } from '../changesets/project';
import { loadConfig, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { readTarget } from '../migrate/read-status';
import type { ProgressEvent } from '../migrate/run-context';
import { startQueueWorker, type QueueWorker } from '../queue/queue-worker';
import { environmentHistory } from '../recovery/interrupted-operations';
import { spawnCli, waitFor } from '../../test/support/cli-process';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { scriptedRunners, type Script } from '../../test/support/scripted-operations';
import { operationTarget } from './environment-operations';
import { executeOperation } from './operation-execution';
import { operationTasks } from './operation-jobs';
import type { OperationRequest } from './operation-request';
import { enqueueOperation, EXECUTOR, operationJobKey, followOperation, getOperation, listOperations, recoverOperations, waitForOperation, type OperationKind } from './operations';
import { startEnvironmentOperation } from './start-operations';
import { consoleTestEnv } from '../../test/support/console-env';

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
  await withConsole(config, async () => undefined); // the console and queue schemas, before any raw read of them
});
const workers: QueueWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
});
afterAll(async () => {
  await closeConsole(config);
  await prod.drop();
  await consoleDb.drop();
});

/** The test's scripted work by name (test/support/scripted-operations.ts), run by real queue workers. */
const scripts = new Map<string, Script>();
const runners = scriptedRunners(scripts);
async function worker(slots = 1): Promise<QueueWorker> {
  const started = await startQueueWorker(config, { slots, tasks: operationTasks(config, runners) });
  workers.push(started);
  return started;
}
const enqueue = (script: string, kind: OperationKind = 'dry-run') => enqueueOperation(config, olga, { kind, environment: 'prod', request: { script } });
const jobsOf = (id: number) => consoleSql(config)`select attempts, locked_by from graphile_worker.jobs where task_identifier = 'strata_operation' and key = ${operationJobKey(id)}`;

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

describe('operations are records, run by queue workers', () => {
  it("keeps the latest of a batched statement's batch events per write, and each throttle", async () => {
    scripts.set('batches', {
      work: async (onProgress) => {
        for (const n of [1, 2, 3]) onProgress(batch(n));
        onProgress(batch(3, true));
        for (const n of [4, 5]) onProgress(batch(n));
        return { failed: null };
      },
    });
    await worker();
    const started = await enqueue('batches');
    await waitFor(async () => (await getOperation(config, started.id))!.state === 'succeeded', 'the operation to end');
    const stored = (await getOperation(config, started.id))!;
    expect(stored.events.map((e) => [(e as { batches: number }).batches, (e as { throttle: unknown }).throttle !== null])).toEqual([
      [3, false],
      [3, true],
      [5, false],
    ]);
    expect(stored.eventCount).toBe(3);
  });

  it('is recorded with its job before any worker runs; a worker started later runs it, and watchers follow the row or live', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    scripts.set('gated', {
      work: async (onProgress) => {
        onProgress(phase('one'));
        onProgress(phase('two'));
        await gate;
        onProgress(phase('three'));
        return { failed: null, answer: 42 };
      },
    });
    const started = await enqueue('gated');
    // Recorded, waiting for a worker: running with no executor, its job on the queue (one transaction).
    expect(await getOperation(config, started.id)).toMatchObject({ id: started.id, kind: 'dry-run', environment: 'prod', actor: 'olga', role: 'operator', state: 'running', executor: null });
    expect(await jobsOf(started.id)).toHaveLength(1);
    // The start-up check leaves a queued operation alone: a worker runs it.
    expect((await recoverOperations(config, environmentHistory(config))).find((f) => f.id === started.id)).toMatchObject({ outcome: 'queued' });
    // A watcher in a process that does not run it (a console's stream) follows the row.
    const fromRow: ProgressEvent[] = [];
    const followedFromRow = waitForOperation(config, started.id, { onEvent: (event) => fromRow.push(event) });

    await worker();
    await waitFor(async () => (await getOperation(config, started.id))!.eventCount === 2, 'the first events to be written');
    expect((await getOperation(config, started.id))!.executor).toBe(EXECUTOR);
    // A second watcher in the worker's own process follows it live from where it is.
    const seen: ProgressEvent[] = [];
    const followed = followOperation(started.id, (event) => seen.push(event))!;
    release();
    const ended = await followed;
    expect(seen.map((e) => (e as { label: string }).label)).toEqual(['one', 'two', 'three']);
    expect(ended).toMatchObject({ state: 'succeeded', result: { answer: 42 }, error: null });
    expect(await followedFromRow).toMatchObject({ state: 'succeeded', result: { answer: 42 } });
    expect(fromRow.map((e) => (e as { label: string }).label)).toEqual(['one', 'two', 'three']);
    const stored = await getOperation(config, started.id);
    expect(stored).toMatchObject({ state: 'succeeded', eventCount: 3, result: { answer: 42 }, finishedAt: expect.any(String) });
    expect((await getOperation(config, started.id, 2))!.events).toEqual([phase('three')]);
    expect((await listOperations(config, { environment: 'prod' })).map((o) => o.id)).toContain(started.id);
    // Its job is done: gone from the queue.
    await waitFor(async () => (await jobsOf(started.id)).length === 0, 'the job to be completed');
  });

  it('a run whose change set failed is a failed operation with its result; a refusal or error is a failed one with safe words', async () => {
    scripts.set('failed-run', { work: async () => ({ failed: { tag: 'x' } }) });
    scripts.set('refused', {
      work: async () => {
        throw new StrataError('CONNECTION_FAILED', `Cannot connect to ${prod.url}: refused`);
      },
    });
    await worker();
    const failedRun = await enqueue('failed-run', 'apply');
    expect(await failedRun.done).toMatchObject({ state: 'failed', result: { failed: { tag: 'x' } }, error: null });
    const refused = await enqueue('refused', 'apply');
    const record = await refused.done;
    expect(record).toMatchObject({ state: 'failed', error: { code: 'CONNECTION_FAILED' } });
    expect(record.error!.message).not.toContain(prod.name);
    expect(record.error!.message).not.toContain(new URL(prod.url).password);
  });

  it('a record its runner cannot read, or a kind no worker runs, fails with words naming the problem (and runs nothing)', async () => {
    // A worker with the real runners.
    workers.push(await startQueueWorker(config, { slots: 1, tasks: operationTasks(config) }));
    const bad = await enqueueOperation(config, olga, { kind: 'seed', environment: 'prod', request: { reset: 'yes' } });
    const record = await bad.done;
    expect(record).toMatchObject({ state: 'failed', error: { code: 'BAD_USAGE' } });
    expect(record.error!.message).toMatch(/^Operation #\d+ \(seed\) has a request its runner cannot read: reset: /);
    const nowhere = await enqueueOperation(config, olga, { kind: 'promotion', environment: 'prod', request: {} });
    expect((await nowhere.done).error!.message).toMatch(/is a promotion, which no queue worker runs/);
  });

  it('two workers never run the same operation: each of many runs once, and two claims of one settle on one', async () => {
    const runs = new Map<number, number>();
    scripts.set('count', {
      work: async (_onProgress, _control, id) => {
        runs.set(id, (runs.get(id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { failed: null };
      },
    });
    // Two claims of one operation at once (a job handed out twice): one runs it, the other sees it running here.
    const twice = await enqueue('count');
    const outcomes = await Promise.all([executeOperation(config, twice.id, environmentHistory(config), runners), executeOperation(config, twice.id, environmentHistory(config), runners)]);
    expect(outcomes.sort()).toEqual(['ran', 'running-elsewhere']);
    expect(runs.get(twice.id)).toBe(1);
    expect((await getOperation(config, twice.id))!.state).toBe('succeeded');

    await Promise.all([worker(2), worker(2)]);
    const started = await Promise.all(Array.from({ length: 8 }, () => enqueue('count')));
    const ended = await Promise.all(started.map((s) => s.done));
    expect(ended.map((r) => r.state)).toEqual(Array(8).fill('succeeded'));
    expect(started.map((s) => runs.get(s.id))).toEqual(Array(8).fill(1));
    // The first operation's job, handed out again now, finds it ended: nothing runs twice.
    await waitFor(async () => (await jobsOf(twice.id)).length === 0, 'the first job to be settled');
    expect(runs.get(twice.id)).toBe(1);
  });

  it('a `strata worker` killed (-9) during an apply: another worker takes the job back, marks it interrupted with what the history says, and does not apply again', async () => {
    const child = spawnCli(['worker', '--concurrency', '1'], env);
    try {
      await waitFor(async () => (await consoleSql(config)`select 1 from console.queue_workers where pid = ${child.pid!}`).length === 1, 'the worker to register');
      const project = readProject(slow);
      const request: OperationRequest = { kind: 'run', direction: 'apply', confirm: 'prod', expect: project.changeSets.map((c) => ({ tag: c.tag, checksum: c.forward.checksum })) };
      const started = await startEnvironmentOperation(operationTarget('prod'), request, olga);
      await waitFor(async () => (await prod.sql`select 1 from pg_stat_activity where datname = current_database() and query like 'select pg_sleep(60)%'`).length > 0, 'the slow statement');
      // Run by the worker's process, whose executor it names; the progress so far reaches the row
      // (a change set's end is written at once, but that write may still be on its way).
      const running = (await getOperation(config, started.id))!;
      expect(running.executor).toBe(`${EXECUTOR.split(':')[0]}:${child.pid}`);
      await waitFor(async () => (await getOperation(config, started.id))!.events.some((e) => e.type === 'changeset-done' && e.tag === '0000_quick'), "0000_quick's end on the row");
      // While its process lives, the start-up check leaves it alone.
      const history = environmentHistory(config);
      expect((await recoverOperations(config, history)).find((f) => f.id === started.id)).toMatchObject({ outcome: 'running' });

      // Another worker (this process), then the kill: it frees the dead worker's job and takes it again.
      await startQueueWorker(config, { slots: 1, tasks: operationTasks(config) }).then((w) => workers.push(w));
      child.kill('SIGKILL');
      await child.output;
      await waitFor(async () => (await getOperation(config, started.id))!.state !== 'running', 'the operation to be settled');
      const record = (await getOperation(config, started.id))!;
      expect(record.state).toBe('interrupted');
      expect(record.error).toMatchObject({
        code: 'INTERRUPTED',
        message: expect.stringMatching(/^Interrupted: the worker running it \(.+:\d+\) stopped before it ended; its environment's history shows 0000_quick applied/),
        history: [expect.objectContaining({ tag: '0000_quick', status: 'applied' })],
      });
      // Not run again: the first change set was applied once, the job is settled, nothing more written.
      await waitFor(async () => (await jobsOf(started.id)).length === 0, 'the job to be settled');
      const rows = (await readTarget(prod.url, project)).history.filter((h) => h.tag === '0000_quick');
      expect(rows).toHaveLength(1);
      expect((await getOperation(config, started.id))!.eventCount).toBe(record.eventCount);
      expect((await recoverOperations(config, history)).find((f) => f.id === started.id)).toBeUndefined();
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
