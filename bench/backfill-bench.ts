import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readProject } from '../lib/changesets/project';
import { connect } from '../lib/db/client';
import { applyChangeSets } from '../lib/migrate/apply';
import type { ProgressEvent } from '../lib/migrate/run-context';
import { createLogger } from '../lib/observability/logger';
import { writeFixtureProject } from '../test/support/fixture-project';
import { median, type startBenchCluster } from './bench-cluster';

/** What one backfill run did to its table and to a writer working on it meanwhile. */
export interface BackfillRun {
  totalMs: number;
  /** The longest any row lock was held: the whole UPDATE's transaction, or the longest batch's. */
  longestLockMs: number;
  batches: number;
  /** Writer statements during the run, and the longest one. */
  writes: number;
  writerMaxMs: number;
  /** How long the writer waited on a lock (pg_stat_activity sampled every SAMPLE_MS): in all, and its longest wait. */
  writerBlockedTotalMs: number;
  writerLongestBlockMs: number;
  /** Time the writer's statements took beyond an unblocked one's (lock waits plus sharing two cores). */
  writerSlowdownTotalMs: number;
  /** Pauses the throttle added because the writer queued behind a batch. */
  backoffs: number;
}

export interface BackfillBenchResult {
  rows: number;
  batchSize: number;
  /** A writer statement's median time with no backfill running: the part of each write that is not waiting. */
  writerBaselineMs: number;
  single: BackfillRun;
  batched: BackfillRun;
  /** batched total ÷ single total. */
  ratio: number;
}

const ROWS = 1_000_000;
const BATCH_SIZE = 5_000;
const SAMPLE_MS = 10;

/**
 * `npm run bench -- backfill`: `update … set n = n + 1` of 1,000,000 rows as one UPDATE (a
 * transactional change set) and as a `-- strata:batched` statement, each on a fresh copy of the
 * same table, with a writer loop running meanwhile (a second connection updating random rows,
 * one short autocommitted statement at a time). The writer's blocked time is read from
 * pg_stat_activity (wait_event_type = 'Lock'), sampled every SAMPLE_MS by a third connection;
 * its slowdown is each write's time beyond the writer's median with nothing else running.
 */
export async function benchBackfill(cluster: Awaited<ReturnType<typeof startBenchCluster>>): Promise<BackfillBenchResult> {
  const templateUrl = await cluster.freshDatabase('bench_backfill_template');
  const template = connect(templateUrl, { max: 1 });
  await template.unsafe(`create table public.events (id bigint primary key, account int not null, n int not null default 0, note text);
    insert into public.events (id, account) select g, g % 1000 from generate_series(1, ${ROWS}) g`);
  await template.unsafe('vacuum analyze public.events');
  await template.end();
  const templateName = new URL(templateUrl).pathname.slice(1);

  const writerBaselineMs = await writerBaseline(await cluster.copyOf(templateName, 'bench_backfill_baseline'));
  const single = await backfillRun(await cluster.copyOf(templateName, 'bench_backfill_single'), 'update public.events set n = n + 1', false, writerBaselineMs);
  const batched = await backfillRun(
    await cluster.copyOf(templateName, 'bench_backfill_batched'),
    `-- strata:batched size=${BATCH_SIZE}\nupdate public.events set n = n + 1`,
    true,
    writerBaselineMs,
  );
  return { rows: ROWS, batchSize: BATCH_SIZE, writerBaselineMs, single, batched, ratio: batched.totalMs / single.totalMs };
}

/** One short write of a random row: what the writer loop runs. */
const randomWrite = (sql: ReturnType<typeof connect>) => sql`update public.events set note = 'w' where id = ${1 + Math.floor(Math.random() * ROWS)}`;

async function writerBaseline(url: string): Promise<number> {
  const sql = connect(url, { max: 1, applicationName: 'bench-writer' });
  const times: number[] = [];
  try {
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await randomWrite(sql);
      times.push(performance.now() - t);
    }
  } finally {
    await sql.end();
  }
  return median(times);
}

async function backfillRun(url: string, statement: string, batched: boolean, baselineMs: number): Promise<BackfillRun> {
  const dir = writeFixtureProject([{ name: 'backfill', up: batched ? `-- strata:no-transaction\n${statement}` : statement }]);
  const events: Array<Extract<ProgressEvent, { type: 'batch' }>> = [];
  const quiet = createLogger(fs.createWriteStream('/dev/null'));

  const writer = connect(url, { max: 1, applicationName: 'bench-writer' });
  let stop = false;
  const latencies: number[] = [];
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      await randomWrite(writer);
      latencies.push(performance.now() - t);
    }
  })();

  const sampler = connect(url, { max: 1, applicationName: 'bench-sampler' });
  let blockedTotalMs = 0;
  let longestBlockMs = 0;
  const sampling = (async () => {
    let run = 0;
    let last = performance.now();
    while (!stop) {
      const [row] = await sampler`select coalesce(bool_or(wait_event_type = 'Lock'), false) as waiting from pg_stat_activity where application_name = 'bench-writer'`;
      const now = performance.now();
      if (row?.waiting) {
        blockedTotalMs += now - last;
        run += now - last;
        longestBlockMs = Math.max(longestBlockMs, run);
      } else run = 0;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();

  const t = performance.now();
  const result = await applyChangeSets(
    { url, environment: 'bench', actor: 'bench', logger: quiet, onProgress: (e) => void (e.type === 'batch' && events.push(e)), statementTimeoutMs: 30 * 60_000 },
    readProject(dir),
  );
  const totalMs = performance.now() - t;
  stop = true;
  await Promise.all([loop, sampling]);
  await writer.end();
  await sampler.end();
  if (result.failed) throw new Error(`bench backfill failed: ${result.failed.error?.message}`);

  const blocked = latencies.map((l) => Math.max(0, l - baselineMs));
  return {
    totalMs,
    // One UPDATE holds every row it changed until its change set commits: the change set's whole run.
    longestLockMs: batched ? Math.max(...events.filter((e) => !e.throttle).map((e) => e.batchMs)) : result.records[0]!.durationMs,
    batches: batched ? events.filter((e) => !e.throttle).length : 1,
    writes: latencies.length,
    writerMaxMs: Math.max(...latencies),
    writerBlockedTotalMs: blockedTotalMs,
    writerLongestBlockMs: longestBlockMs,
    writerSlowdownTotalMs: blocked.reduce((a, b) => a + b, 0),
    backoffs: events.filter((e) => e.throttle).length,
  };
}
