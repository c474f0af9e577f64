import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getTableColumns } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { usageEventsAtScale } from '../seeds/demo/platform';
import { readProject } from '../lib/changesets/project';
import { connect } from '../lib/db/client';
import { quoteIdent } from '../lib/db/identifiers';
import { applyChangeSets } from '../lib/migrate/apply';
import type { RunContext } from '../lib/migrate/run-context';
import { createLogger } from '../lib/observability/logger';
import { quotedTable } from '../lib/seed/helpers';
import { seedDatabase } from '../lib/seed/run-seed';
import type { startBenchCluster } from './bench-cluster';

type BenchCluster = Awaited<ReturnType<typeof startBenchCluster>>;

export interface SeedBenchResult {
  events: number;
  /** The seeded database (demo + `events` usage events), for the retention bench that follows. */
  seededUrl: string;
  /** seedDatabase({ scale }) on a fresh, fully migrated database: the whole run. */
  seedTotalMs: number;
  /** …of which the COPY of the scale events. */
  copyMs: number;
  /** …of which recomputing the hourly and daily rollups over them. */
  rollupsMs: number;
  /** The same rows as plain multi-row INSERTs (batchRows per statement, one connection). */
  insertMs: number;
  batchRows: number;
  copyRowsPerSecond: number;
  insertRowsPerSecond: number;
  /** INSERT baseline ÷ COPY of the same rows. */
  insertOverCopy: number;
  /** INSERT baseline ÷ the whole seed run (which also writes the sample and the rollups). */
  insertOverSeedTotal: number;
}

/**
 * Seeding a million usage events (target under 30 s) against what a script would
 * do without COPY, in one run on the bench cluster: each on a fresh database with the demo
 * applied; the baseline database gets the small seed first so the events' foreign keys
 * resolve, then the very same rows (the seed's own generator) as INSERT … VALUES batches.
 */
export async function benchSeed(cluster: BenchCluster, projectDir: string, events = 1_000_000, batchRows = 1_000): Promise<SeedBenchResult> {
  const project = readProject(projectDir);
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const context = (url: string): RunContext => ({ url, environment: 'bench', actor: 'bench', logger: quiet });

  const seedUrl = await cluster.freshDatabase('bench_seed');
  await applyOrThrow(context(seedUrl), project);
  const t0 = performance.now();
  const seeded = await seedDatabase(context(seedUrl), project, { scale: events });
  const seedTotalMs = performance.now() - t0;
  const copies = seeded.tables.filter((t, i) => seeded.tables.findIndex((x) => x.table === t.table) !== i);
  if (seeded.scaledRows !== events) throw new Error(`bench seed: expected ${events} events by COPY, got ${seeded.scaledRows}`);
  const copyMs = copies.reduce((s, t) => s + (t.durationMs ?? 0), 0);
  const rollupsMs = seeded.tables.filter((t) => /usage_(hourly|daily)$/.test(t.table)).reduce((s, t) => s + (t.durationMs ?? 0), 0);

  const insertUrl = await cluster.freshDatabase('bench_insert');
  await applyOrThrow(context(insertUrl), project);
  await seedDatabase(context(insertUrl), project);
  const sql = connect(insertUrl, { max: 1, applicationName: 'strata:bench-insert' });
  let insertMs: number;
  try {
    const columns = getTableColumns(usageEventsAtScale.table) as Record<string, PgColumn>;
    const names = usageEventsAtScale.columns.map((key) => quoteIdent(columns[key]!.name)).join(', ');
    const width = usageEventsAtScale.columns.length;
    const t1 = performance.now();
    for (let start = 0; start < events; start += batchRows) {
      const end = Math.min(events, start + batchRows);
      const params: unknown[] = [];
      const tuples: string[] = [];
      for (let i = start; i < end; i++) {
        const base = params.length;
        params.push(...usageEventsAtScale.row(i));
        tuples.push(`(${Array.from({ length: width }, (_, c) => `$${base + c + 1}`).join(', ')})`);
      }
      await sql.unsafe(`insert into ${quotedTable(usageEventsAtScale.table)} (${names}) values ${tuples.join(', ')}`, params as never[]);
    }
    insertMs = performance.now() - t1;
    const [row] = await sql.unsafe(`select count(*)::int as n from ${quotedTable(usageEventsAtScale.table)} where id::text like '5ca1e000-%'`);
    if (Number(row?.n) !== events) throw new Error(`bench insert: expected ${events} rows, found ${row?.n}`);
  } finally {
    await sql.end({ timeout: 5 });
  }
  return {
    events,
    seededUrl: seedUrl,
    seedTotalMs,
    copyMs,
    rollupsMs,
    insertMs,
    batchRows,
    copyRowsPerSecond: events / (copyMs / 1000),
    insertRowsPerSecond: events / (insertMs / 1000),
    insertOverCopy: insertMs / copyMs,
    insertOverSeedTotal: insertMs / seedTotalMs,
  };
}

async function applyOrThrow(ctx: RunContext, project: ReturnType<typeof readProject>): Promise<void> {
  const result = await applyChangeSets(ctx, project);
  if (result.failed) throw new Error(`bench apply failed: ${result.failed.tag}: ${result.failed.error?.message}`);
}
