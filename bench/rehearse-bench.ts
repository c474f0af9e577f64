import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readProject } from '../lib/changesets/project';
import { connect } from '../lib/db/client';
import { applyChangeSets } from '../lib/migrate/apply';
import { createLogger } from '../lib/observability/logger';
import { rehearse } from '../lib/rehearse/rehearse';
import type { RehearsalReport } from '../lib/rehearse/report';
import { writeFixtureProject } from '../test/support/fixture-project';
import { median, type startBenchCluster } from './bench-cluster';

export interface RehearseBenchResult {
  rows: number;
  runs: number;
  /** Medians, in milliseconds. */
  rehearsal: { totalMs: number; schemaMs: number; dataMs: number; runMs: number; dropMs: number };
  sampled: { sample: number; totalMs: number; dataMs: number; runMs: number };
  applyMs: number;
  /** The rehearsal's run on the copy ÷ the plain apply on the same data: how faithful its timings are. */
  runToApply: number;
  /** The whole rehearsal (copy + run + drop) ÷ the plain apply: what knowing beforehand costs. */
  totalToApply: number;
  /** The rewrite's ACCESS EXCLUSIVE on bench.events, held (median): the figure a dry run can only guess. */
  lockHeldMs: number;
  /** The last run's headline (its own figures). */
  headline: string | null;
  walBytes: number;
}

/**
 * A rewrite (ALTER COLUMN … TYPE bigint) of a `rows`-row table with a PII column: the
 * rehearsal (schema replayed, rows COPYed and masked, the plan run and measured, the copy
 * dropped) against the plain apply of the same change set on a copy of the same data.
 */
export async function benchRehearse(cluster: Awaited<ReturnType<typeof startBenchCluster>>, rows = 200_000, runs = 3): Promise<RehearseBenchResult> {
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const project = readProject(
    writeFixtureProject([
      {
        name: 'events',
        up: `create schema bench;
create table bench.events (id bigint generated always as identity primary key, account_id int not null, amount int not null, email text, occurred_at timestamptz not null default now());`,
      },
      { name: 'widen_amount', up: 'alter table bench.events alter column amount type bigint;' },
    ]),
  );
  const policies = [{ table: 'bench.events', basis: 'indefinite' as const, retentionDays: null, timestampColumn: null, classification: ['PII' as const], columns: { email: ['PII' as const] } }];
  const targetUrl = await cluster.freshDatabase('bench_rehearse_target');
  const first = await applyChangeSets({ url: targetUrl, environment: 'bench', actor: 'bench', logger: quiet }, project, { to: '0000_events' });
  if (first.failed) throw new Error(`bench setup failed: ${first.failed.error?.message}`);
  const sql = connect(targetUrl, { max: 1 });
  await sql.unsafe(`insert into bench.events (account_id, amount, email) select g % 1000, g, 'user' || g || '@example.com' from generate_series(1, ${rows}) g`);
  await sql.unsafe('vacuum analyze bench.events');
  await sql.end();
  const template = new URL(targetUrl).pathname.slice(1);

  const ctx = { url: targetUrl, environment: 'bench', actor: 'bench', logger: quiet };
  const once = async (sample: number): Promise<{ report: RehearsalReport; totalMs: number }> => {
    const t = performance.now();
    const report = await rehearse(ctx, project, { sample }, { scratchServerUrl: cluster.adminUrl, policies });
    const totalMs = performance.now() - t;
    if (report.changeSets.some((c) => c.status !== 'ok')) throw new Error('bench rehearsal failed');
    return { report, totalMs };
  };
  const full: Array<{ report: RehearsalReport; totalMs: number }> = [];
  const sampled: Array<{ report: RehearsalReport; totalMs: number }> = [];
  const applies: number[] = [];
  for (let i = 0; i < runs; i++) {
    full.push(await once(1));
    sampled.push(await once(0.1));
    // The plain apply, on a file-level copy of the same data (CREATE DATABASE … TEMPLATE).
    const copyUrl = await cluster.copyOf(template, 'bench_rehearse_apply');
    const t = performance.now();
    const applied = await applyChangeSets({ url: copyUrl, environment: 'bench', actor: 'bench', logger: quiet }, project);
    applies.push(performance.now() - t);
    if (applied.failed) throw new Error(`bench apply failed: ${applied.failed.error?.message}`);
  }
  const applyMs = median(applies);
  const rehearsal = {
    totalMs: median(full.map((r) => r.totalMs)),
    schemaMs: median(full.map((r) => r.report.copy.schemaMs)),
    dataMs: median(full.map((r) => r.report.copy.dataMs)),
    runMs: median(full.map((r) => r.report.runMs)),
    dropMs: median(full.map((r) => r.report.dropMs)),
  };
  return {
    rows,
    runs,
    rehearsal,
    sampled: { sample: 0.1, totalMs: median(sampled.map((r) => r.totalMs)), dataMs: median(sampled.map((r) => r.report.copy.dataMs)), runMs: median(sampled.map((r) => r.report.runMs)) },
    applyMs,
    runToApply: rehearsal.runMs / applyMs,
    totalToApply: rehearsal.totalMs / applyMs,
    lockHeldMs: median(full.map((r) => Math.max(0, ...r.report.changeSets.flatMap((c) => c.statements.flatMap((st) => st.locks.filter((l) => l.mode === 'ACCESS EXCLUSIVE' && l.relation === 'bench.events').map((l) => l.heldMs)))))),
    headline: full.at(-1)!.report.headlines[0] ?? null,
    walBytes: full.at(-1)!.report.walBytes,
  };
}
