import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeConsolePools, consoleSql, withConsole } from '../lib/auth/console-db';
import { readProject } from '../lib/changesets/project';
import { loadConfig } from '../lib/config/environments';
import { embeddedSettings, embeddedUrl } from '../lib/config/embedded-settings';
import { connect } from '../lib/db/client';
import { withDatabase } from '../lib/db/connection-url';
import { startCluster } from '../lib/embedded/cluster';
import { fleetFromFile } from '../lib/fleet/resolve-fleet';
import { runRollout } from '../lib/fleet/rollout-run';
import { parseWaves } from '../lib/fleet/rollout-waves';
import { applyChangeSets } from '../lib/migrate/apply';
import { createLogger } from '../lib/observability/logger';
import { findPsql } from './apply-bench';
import { psqlScript } from './psql-script';

/**
 * `npm run bench -- fleet`: the demo project's change sets rolled out to 200 tenant databases
 * that sit at its first change set, by Strata (a rollout on the job queue, waves 1,10%,100%)
 * with one worker and with two, against what a user would otherwise run: a sequential loop of
 * `psql -f` over the same databases and the same files (no history, no lock, no checks).
 * The cluster and the template database are kept between runs (.strata/bench-fleet); the
 * tenants are made again from the template before each variant, outside the timing.
 */
export interface FleetBenchResult {
  targets: number;
  changeSets: number;
  oneWorker: { ms: number; perMinute: number };
  twoWorkers: { ms: number; perMinute: number };
  psql: { ms: number; perMinute: number } | null;
  twoToOne: number;
  oneToPsql: number | null;
  twoToPsql: number | null;
}

const TEMPLATE = 'fleet_bench_template';

export async function benchFleet(root: string, count = 200): Promise<FleetBenchResult> {
  const settings = embeddedSettings({ STRATA_HOME: '.strata/bench-fleet', STRATA_EMBEDDED_PORT: process.env.STRATA_BENCH_PG_PORT ?? '54369' }, root);
  const cluster = await startCluster(settings);
  const adminUrl = embeddedUrl(settings, 'postgres');
  const admin = connect(adminUrl, { max: 1 });
  const projectDir = path.join(root, 'drizzle/demo');
  const project = readProject(projectDir);
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-fleet-'));
  const worker: { child: ChildProcess | null } = { child: null };
  try {
    // The template: the demo at its first change set, applied by Strata (so its history agrees), kept between runs.
    const [template] = await admin`select 1 from pg_database where datname = ${TEMPLATE}`;
    if (!template) {
      await admin.unsafe(`create database ${TEMPLATE}`);
      const result = await applyChangeSets({ url: withDatabase(adminUrl, TEMPLATE), environment: 'tenants/template', actor: 'bench', logger: quiet }, project, { to: project.changeSets[0]!.tag });
      if (result.failed) throw new Error(`template: ${result.failed.tag} failed`);
    }
    const names = Array.from({ length: count }, (_, i) => `fleet_bench_t${String(i).padStart(3, '0')}`);
    const resetTenants = async () => {
      for (const name of names) {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
        await admin.unsafe(`create database ${name} template ${TEMPLATE}`);
      }
    };
    const fleetFile = path.join(tmp, 'tenants.txt');
    fs.writeFileSync(fleetFile, names.map((n) => withDatabase(adminUrl, n)).join('\n'));

    // A console database of its own, made again each run.
    await admin.unsafe('drop database if exists fleet_bench_console with (force)');
    await admin.unsafe('create database fleet_bench_console');
    const env = {
      STRATA_ENVIRONMENTS: 'bench',
      STRATA_ENV_BENCH_URL: withDatabase(adminUrl, TEMPLATE),
      STRATA_CONSOLE_DATABASE_URL: withDatabase(adminUrl, 'fleet_bench_console'),
      STRATA_SHADOW_DATABASE_URL: adminUrl,
      STRATA_AUDIT_KEY: 'fleet-bench-audit-key-0123456789',
      AUTH_SECRET: 'fleet-bench-auth-secret-0123456789',
      STRATA_AUDIT_HEAD_FILE: path.join(tmp, 'head.json'),
      STRATA_LOG_LEVEL: 'warn',
    };
    Object.assign(process.env, env);
    const config = loadConfig();
    await withConsole(config, async () => undefined);
    let rollouts = 0;
    const rollout = async (concurrency: number) => {
      const t = performance.now();
      const outcome = await runRollout(
        config,
        { fleet: fleetFromFile(fleetFile), fleetFile, project, toTag: null, waves: parseWaves('1,10%,100%'), concurrency, maxFailures: 0, actor: 'bench' },
        { slots: 1, onEvent: () => undefined, pollMs: 100 },
      );
      const ms = performance.now() - t;
      if (outcome.rollout.state !== 'succeeded') throw new Error(`rollout ${outcome.rollout.id} ended ${outcome.rollout.state}: ${outcome.rollout.error}`);
      rollouts++;
      return { ms, perMinute: (count / ms) * 60_000 };
    };

    await resetTenants();
    const oneWorker = await rollout(1);

    await resetTenants();
    // The second worker: a `strata worker` process, started (and registered) before the timing.
    worker.child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), 'worker', '--concurrency', '1'], { cwd: root, env: { ...process.env, ...env }, stdio: 'ignore' });
    const sql = consoleSql(config);
    for (let i = 0; i < 600 && (await sql`select 1 from console.queue_workers where pid = ${worker.child.pid!}`).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const twoWorkers = await rollout(2);
    worker.child.kill('SIGTERM');

    let psqlResult: FleetBenchResult['psql'] = null;
    const psql = findPsql();
    if (psql) {
      await resetTenants();
      const script = path.join(tmp, 'rest.sql');
      fs.writeFileSync(script, psqlScript(project.changeSets.slice(1)));
      const t = performance.now();
      for (const name of names) {
        const run = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, withDatabase(adminUrl, name)], { encoding: 'utf8' });
        if (run.status !== 0) throw new Error(`psql on ${name}: ${run.stderr}`);
      }
      const ms = performance.now() - t;
      psqlResult = { ms, perMinute: (count / ms) * 60_000 };
    }
    // Only the template is kept between runs: 200 tenants are gigabytes on disk.
    for (const name of names) await admin.unsafe(`drop database if exists ${name} with (force)`);
    void rollouts;
    return {
      targets: count,
      changeSets: project.changeSets.length - 1,
      oneWorker,
      twoWorkers,
      psql: psqlResult,
      twoToOne: twoWorkers.perMinute / oneWorker.perMinute,
      oneToPsql: psqlResult ? oneWorker.perMinute / psqlResult.perMinute : null,
      twoToPsql: psqlResult ? twoWorkers.perMinute / psqlResult.perMinute : null,
    };
  } finally {
    worker.child?.kill('SIGTERM');
    await closeConsolePools();
    await admin.end();
    await cluster.stop();
  }
}
