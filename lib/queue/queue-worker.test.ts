import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeConsole, consoleSql, withConsole } from '../auth/console-db';
import { loadConfig, type StrataConfig } from '../config/environments';
import { connect } from '../db/client';
import { withDatabase } from '../db/connection-url';
import { waitFor } from '../../test/support/cli-process';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { startQueueWorker } from './queue-worker';

/**
 * The queue on a console whose role is not a superuser (the embedded demo's): the owner
 * installs graphile-worker's schema and grants the console role what workers need. And the
 * dead-worker rule: jobs locked by a registered worker whose advisory lock is free are
 * handed back at once, not after graphile-worker's 4 hours (the kill -9 itself is in
 * lib/fleet/rollout.test.ts).
 */
let owned: ScratchDatabase;
let limited: StrataConfig;
const role = `queue_${randomBytes(4).toString('hex')}`;
const password = randomBytes(12).toString('hex');

beforeAll(async () => {
  owned = await createScratchDatabase('queuerole');
  await owned.sql.unsafe(`create role ${role} login password '${password}'`);
  const url = new URL(owned.url);
  url.username = role;
  url.password = password;
  limited = loadConfig({ STRATA_ENVIRONMENTS: 'x', STRATA_ENV_X_URL: owned.url, STRATA_CONSOLE_DATABASE_URL: url.toString(), STRATA_CONSOLE_OWNER_URL: owned.url });
});
afterAll(async () => {
  await closeConsole(limited);
  await owned.drop();
  const admin = connect(withDatabase(owned.url, 'postgres'), { max: 1 });
  await admin.unsafe(`drop role if exists ${role}`);
  await admin.end();
});

describe('the job queue in the console database', () => {
  it('is installed by the owner; the console role adds jobs in its own transactions and runs them', async () => {
    await withConsole(limited, async () => undefined);
    const [owner] = await owned.sql`select pg_get_userbyid(nspowner) as owner from pg_namespace where nspname = 'graphile_worker'`;
    expect(owner!.owner).not.toBe(role);
    const ran: string[] = [];
    const worker = await startQueueWorker(limited, { slots: 2, tasks: { strata_test: async (payload) => void ran.push((payload as { n: string }).n) } });
    try {
      const sql = consoleSql(limited);
      // A job added in a transaction that rolls back never runs; one that commits runs at once.
      await sql.begin(async (tx) => {
        await tx`select graphile_worker.add_job('strata_test', payload := (${JSON.stringify({ n: 'rolled back' })}::text)::json)`;
        throw new Error('rollback');
      }).catch(() => undefined);
      await sql.begin((tx) => tx`select graphile_worker.add_job('strata_test', payload := (${JSON.stringify({ n: 'committed' })}::text)::json)`);
      await waitFor(async () => ran.length > 0, 'the job to run');
      expect(ran).toEqual(['committed']);
      const [registered] = await sql`select worker_ids from console.queue_workers where id = ${worker.processId}`;
      expect(registered!.worker_ids).toHaveLength(2);
    } finally {
      await worker.stop();
    }
    // A graceful stop leaves the registry.
    expect(await consoleSql(limited)`select 1 from console.queue_workers`).toHaveLength(0);
  });

  it('with lanes, each lane takes only its own tasks: busy rollout slots never keep an operation waiting', async () => {
    const sql = consoleSql(limited);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const worker = await startQueueWorker(limited, {
      lanes: [
        {
          slots: 1,
          tasks: {
            strata_lane_slow: async (payload) => {
              ran.push((payload as { n: string }).n);
              await gate;
            },
          },
        },
        { slots: 1, tasks: { strata_lane_quick: async (payload) => void ran.push((payload as { n: string }).n) } },
      ],
    });
    try {
      // Oldest first: two slow jobs, then a quick one. One lane of two slots would run both slow ones and keep the quick one waiting.
      await sql`select graphile_worker.add_job('strata_lane_slow', payload := (${JSON.stringify({ n: 'slow 1' })}::text)::json)`;
      await waitFor(async () => ran.includes('slow 1'), 'the first slow job to run');
      await sql`select graphile_worker.add_job('strata_lane_slow', payload := (${JSON.stringify({ n: 'slow 2' })}::text)::json)`;
      await sql`select graphile_worker.add_job('strata_lane_quick', payload := (${JSON.stringify({ n: 'quick' })}::text)::json)`;
      await waitFor(async () => ran.includes('quick'), 'the quick job to run beside the busy lane');
      expect(ran).toEqual(['slow 1', 'quick']);
      release();
      await waitFor(async () => ran.includes('slow 2'), 'the second slow job once its lane is free');
    } finally {
      release();
      await worker.stop();
    }
  });

  it('frees the jobs of a registered worker whose lock is free, and leaves a live one alone', async () => {
    const sql = consoleSql(limited);
    // A live worker (this process holds its lock) and a dead one (nobody does), each with a locked job.
    const live = await startQueueWorker(limited, { slots: 1, tasks: {} });
    const [{ id: deadId }] = (await sql`select nextval('console.queue_workers_id_seq')::int as id`) as unknown as [{ id: number }];
    await sql`insert into console.queue_workers (id, worker_ids, host, pid) values (${deadId}, ${['ghost-worker']}, 'gone', 1)`;
    const liveId = (await sql`select worker_ids from console.queue_workers where id = ${live.processId}`)[0]!.worker_ids[0] as string;
    for (const [n, lockedBy] of [['dead', 'ghost-worker'], ['live', liveId]] as const) {
      // The owner marks them locked as a worker would have (the console role never writes the private table directly).
      const [job] = await owned.sql`select id from graphile_worker.add_job('strata_reap', payload := (${JSON.stringify({ n })}::text)::json, run_at := now() + interval '1 hour')`;
      await owned.sql`update graphile_worker._private_jobs set locked_by = ${lockedBy}, locked_at = now() where id = ${job!.id}`;
    }
    await live.stop();
    const ran: string[] = [];
    const reaper = await startQueueWorker(limited, { slots: 1, tasks: { strata_reap: async (payload) => void ran.push((payload as { n: string }).n) } });
    try {
      // The reaper starts by looking: the dead worker's job is unlocked, its row gone.
      expect(await sql`select 1 from console.queue_workers where id = ${deadId}`).toHaveLength(0);
      const jobs = await owned.sql`select payload->>'n' as n, locked_by from graphile_worker._private_jobs order by id`;
      expect(jobs.filter((j) => j.n === 'dead' || j.n === 'live').map((j) => [j.n, j.locked_by])).toEqual([['dead', null], ['live', liveId]]);
    } finally {
      await reaper.stop();
    }
  });
});
