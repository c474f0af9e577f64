import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { readProject, type ChangeSet } from '../lib/changesets/project';
import { DEMO_ENVIRONMENTS } from '../lib/config/demo-environments';
import { applyChangeSets } from '../lib/migrate/apply';
import { checkDrift } from '../lib/migrate/drift';
import { dryRun } from '../lib/migrate/dry-run';
import type { RunContext } from '../lib/migrate/run-context';
import { createLogger } from '../lib/observability/logger';
import { findPsql } from './apply-bench';
import { median, type startBenchCluster } from './bench-cluster';
import { psqlScript } from './psql-script';

type BenchCluster = Awaited<ReturnType<typeof startBenchCluster>>;

export interface DryRunBenchResult {
  runs: number;
  /** The demo's staging environment is applied up to this tag. */
  stagingTag: string;
  /** Change sets applied on staging (replayed by a shadow dry run or a drift check). */
  stagingApplied: number;
  /** Change sets pending on staging. */
  stagingPending: number;
  /** Change sets in the whole demo. */
  wholeDemo: number;

  /** 1. Staging's pending change sets. */
  transactionDryRunMs: number;
  strataApplyPendingMs: number;
  psqlApplyPendingMs: number | null;
  /** transaction dry run ÷ psql apply of the same SQL (target < 2). */
  transactionDryRunRatio: number | null;

  /** 2. Shadow dry runs. */
  shadowWholeDemoMs: number;
  shadowStagingMs: number;
  psqlApplyWholeDemoMs: number | null;
  /** shadow dry run of the whole demo ÷ psql apply of the whole demo (target: whole demo < 5 s). */
  shadowWholeDemoRatio: number | null;
  /** shadow dry run of staging's pending ÷ psql apply of the whole demo. */
  shadowStagingRatio: number | null;

  /** 3. Drift check on a database at the staging tag. */
  driftCheckMs: number;
  psqlApplyStagingAppliedMs: number | null;
  /** drift check ÷ psql apply of the change sets it replays. */
  driftCheckRatio: number | null;
  /** Whether any drift check reported drift (it should not: the databases were set up by Strata). */
  drifted: boolean;
}

/**
 * Dry runs and drift checks against what a user would otherwise run: `psql -f` of the
 * same forward SQL (each change set in its own transaction, as Strata runs them; no-transaction ones bare). Every measurement is on a fresh database of the bench cluster (set up,
 * untimed, to the demo's staging point where needed); the shadow server is the bench
 * cluster itself. Reports medians; asserts nothing about time.
 */
export async function benchDryRun(cluster: BenchCluster, projectDir: string, runs = 5): Promise<DryRunBenchResult> {
  const project = readProject(projectDir);
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const psql = findPsql();
  const shadowServerUrl = cluster.adminUrl;
  const ctx = (url: string): RunContext => ({ url, environment: 'bench', actor: 'bench', logger: quiet });

  const staging = DEMO_ENVIRONMENTS.find((e) => e.name === 'staging');
  if (!staging) throw new Error('no staging environment in DEMO_ENVIRONMENTS');
  const all = project.changeSets;
  const applied = all.slice(0, all.length - staging.pendingOnFirstStart);
  const pending = all.slice(all.length - staging.pendingOnFirstStart);
  const stagingTag = applied[applied.length - 1]!.tag;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-dry-'));
  const sqlFile = (name: string, changeSets: ChangeSet[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, psqlScript(changeSets));
    return file;
  };
  const wholeSql = sqlFile('whole.sql', all);
  const pendingSql = sqlFile('pending.sql', pending);
  const appliedSql = sqlFile('applied.sql', applied);

  /** A fresh database with the demo applied up to staging's point (untimed setup). */
  const atStaging = async (prefix: string) => {
    const url = await cluster.freshDatabase(prefix);
    const result = await applyChangeSets(ctx(url), project, { to: stagingTag });
    if (result.failed) throw new Error(`bench setup failed: ${result.failed.tag}: ${result.failed.error?.message}`);
    return url;
  };
  const time = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t = performance.now();
    const value = await work();
    return { ms: performance.now() - t, value };
  };
  const psqlRun = (file: string, url: string): number => {
    const t = performance.now();
    const run = spawnSync(psql!, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file, url], { encoding: 'utf8' });
    const ms = performance.now() - t;
    if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    return ms;
  };
  const noFailure = (what: string, failed: { tag: string; error?: { message: string } | null } | null) => {
    if (failed) throw new Error(`${what} failed at ${failed.tag}: ${failed.error?.message}`);
  };

  const m = {
    transaction: [] as number[],
    strataApply: [] as number[],
    psqlPending: [] as number[],
    shadowWhole: [] as number[],
    shadowStaging: [] as number[],
    psqlWhole: [] as number[],
    drift: [] as number[],
    psqlApplied: [] as number[],
  };
  let drifted = false;

  for (let i = 0; i < runs; i++) {
    // 1. Staging's pending change sets: dry run in a transaction, real apply, psql apply.
    let url = await atStaging('bench_dry_tx');
    const tx = await time(() => dryRun(ctx(url), project, { direction: 'apply', mode: 'transaction' }, { shadowServerUrl }));
    noFailure('transaction dry run', tx.value.failed);
    if (tx.value.changeSets.length !== pending.length) throw new Error(`transaction dry run ran ${tx.value.changeSets.length} change sets, expected ${pending.length}`);
    m.transaction.push(tx.ms);

    url = await atStaging('bench_dry_apply');
    const real = await time(() => applyChangeSets(ctx(url), project));
    noFailure('apply', real.value.failed);
    m.strataApply.push(real.ms);

    if (psql) m.psqlPending.push(psqlRun(pendingSql, await atStaging('bench_dry_psql')));

    // 2. Shadow dry runs: the whole demo onto an empty database, and staging's pending.
    url = await cluster.freshDatabase('bench_dry_shadow_all');
    const whole = await time(() => dryRun(ctx(url), project, { direction: 'apply', mode: 'shadow' }, { shadowServerUrl }));
    noFailure('shadow dry run (whole demo)', whole.value.failed);
    if (whole.value.changeSets.length !== all.length) throw new Error(`shadow dry run ran ${whole.value.changeSets.length} change sets, expected ${all.length}`);
    m.shadowWhole.push(whole.ms);

    url = await atStaging('bench_dry_shadow_stg');
    const stg = await time(() => dryRun(ctx(url), project, { direction: 'apply', mode: 'shadow' }, { shadowServerUrl }));
    noFailure('shadow dry run (staging)', stg.value.failed);
    if (stg.value.changeSets.length !== pending.length) throw new Error(`shadow dry run ran ${stg.value.changeSets.length} change sets, expected ${pending.length}`);
    m.shadowStaging.push(stg.ms);

    if (psql) m.psqlWhole.push(psqlRun(wholeSql, await cluster.freshDatabase('bench_dry_psql_all')));

    // 3. Drift check at staging's point: replays the applied change sets on a shadow.
    url = await atStaging('bench_drift');
    const drift = await time(() => checkDrift(ctx(url), project, { shadowServerUrl }));
    if (drift.value.applied.length !== applied.length) throw new Error(`drift check replayed ${drift.value.applied.length} change sets, expected ${applied.length}`);
    drifted ||= drift.value.drifted;
    m.drift.push(drift.ms);

    if (psql) m.psqlApplied.push(psqlRun(appliedSql, await cluster.freshDatabase('bench_drift_psql')));
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const med = (values: number[]) => (values.length ? median(values) : null);
  const ratio = (a: number, b: number | null) => (b ? a / b : null);
  const transactionDryRunMs = median(m.transaction);
  const psqlApplyPendingMs = med(m.psqlPending);
  const shadowWholeDemoMs = median(m.shadowWhole);
  const shadowStagingMs = median(m.shadowStaging);
  const psqlApplyWholeDemoMs = med(m.psqlWhole);
  const driftCheckMs = median(m.drift);
  const psqlApplyStagingAppliedMs = med(m.psqlApplied);
  return {
    runs,
    stagingTag,
    stagingApplied: applied.length,
    stagingPending: pending.length,
    wholeDemo: all.length,
    transactionDryRunMs,
    strataApplyPendingMs: median(m.strataApply),
    psqlApplyPendingMs,
    transactionDryRunRatio: ratio(transactionDryRunMs, psqlApplyPendingMs),
    shadowWholeDemoMs,
    shadowStagingMs,
    psqlApplyWholeDemoMs,
    shadowWholeDemoRatio: ratio(shadowWholeDemoMs, psqlApplyWholeDemoMs),
    shadowStagingRatio: ratio(shadowStagingMs, psqlApplyWholeDemoMs),
    driftCheckMs,
    psqlApplyStagingAppliedMs,
    driftCheckRatio: ratio(driftCheckMs, psqlApplyStagingAppliedMs),
    drifted,
  };
}
