import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { CONSOLE_LOCK_CLASS, QUEUE_WORKER_LOCK_BASE } from '../auth/console-db';

/**
 * graphile-worker 0.16 frees the jobs a dead worker had locked only after 4 hours. Strata
 * closes that gap: every worker process registers its graphile-worker ids in
 * console.queue_workers and holds a session-level advisory lock (CONSOLE_LOCK_CLASS,
 * QUEUE_WORKER_LOCK_BASE + its id) on a connection of its own for as long as it lives.
 * PostgreSQL drops a session's locks when its connection ends — a kill -9 included — so a
 * registered process whose lock can be taken is gone, and its locked jobs can be handed
 * back to the queue at once (reapDeadWorkers).
 */
export interface WorkerProcess {
  /** Its console.queue_workers id. */
  id: number;
  /** The graphile-worker ids it runs jobs under, one per slot. */
  workerIds: string[];
  /** Frees the jobs of registered processes that are gone; returns their ids. */
  reapDeadWorkers(forceUnlockWorkers: (ids: string[]) => Promise<void>): Promise<number[]>;
  /** Removes the registration and releases the lock (a graceful stop). */
  close(): Promise<void>;
}

export async function registerWorkerProcess(consoleUrl: string, slots: number, onLost: (error: Error) => void): Promise<WorkerProcess> {
  const { Client: PgClient } = await import('pg');
  const client: Client = new PgClient({ connectionString: consoleUrl, application_name: 'strata:queue-worker-lock' });
  await client.connect();
  // The lock connection breaking while this process lives would let another worker free our
  // jobs while we run them: the owner must stop taking work (onLost).
  client.on('error', onLost);
  try {
    // The lock is taken before the row exists, so no reaper can ever see the row unlocked.
    const { rows: [{ id }] } = await client.query<{ id: number }>(`select nextval('console.queue_workers_id_seq')::int as id`);
    await client.query('select pg_advisory_lock($1, $2)', [CONSOLE_LOCK_CLASS, QUEUE_WORKER_LOCK_BASE + id]);
    const tag = randomBytes(4).toString('hex');
    const workerIds = Array.from({ length: slots }, (_, i) => `strata-${id}-${tag}-${i}`);
    await client.query('insert into console.queue_workers (id, worker_ids, host, pid) values ($1, $2, $3, $4)', [id, workerIds, os.hostname(), process.pid]);
    let closed = false;
    return {
      id,
      workerIds,
      async reapDeadWorkers(forceUnlockWorkers) {
        if (closed) return [];
        // OFFSET 0 keeps the try-lock from being evaluated on our own row (a re-entrant lock we would never release).
        const { rows } = await client.query<{ id: number; worker_ids: string[] }>(
          `select id, worker_ids from (select id, worker_ids from console.queue_workers where id <> $1 offset 0) w
           where pg_try_advisory_lock($2, $3 + id)`,
          [id, CONSOLE_LOCK_CLASS, QUEUE_WORKER_LOCK_BASE],
        );
        const reaped: number[] = [];
        for (const dead of rows) {
          try {
            await forceUnlockWorkers(dead.worker_ids);
            await client.query('delete from console.queue_workers where id = $1', [dead.id]);
            reaped.push(dead.id);
          } finally {
            await client.query('select pg_advisory_unlock($1, $2)', [CONSOLE_LOCK_CLASS, QUEUE_WORKER_LOCK_BASE + dead.id]);
          }
        }
        return reaped;
      },
      async close() {
        if (closed) return;
        closed = true;
        client.removeListener('error', onLost);
        client.on('error', () => {});
        try {
          await client.query('delete from console.queue_workers where id = $1', [id]);
        } finally {
          await client.end();
        }
      },
    };
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
}

/** Whether the queue worker process `id` is alive: its lock is held (pg_locks is readable by every role). */
export function workerAliveSql(): string {
  return `exists (select 1 from pg_locks where locktype = 'advisory' and granted and objsubid = 2
                  and classid = ${CONSOLE_LOCK_CLASS}::oid and objid = (${QUEUE_WORKER_LOCK_BASE} + $1::int)::oid)`;
}
