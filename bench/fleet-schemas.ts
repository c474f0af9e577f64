import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { closeConsolePools, withConsole } from '../lib/auth/console-db';
import { readProject } from '../lib/changesets/project';
import { loadConfig } from '../lib/config/environments';
import { connect } from '../lib/db/client';
import { withDatabase } from '../lib/db/connection-url';
import { quoteIdent } from '../lib/db/identifiers';
import { findFleet } from '../lib/fleet/resolve-fleet';
import { refreshFleet } from '../lib/fleet/fleet-overview';
import { runRollout } from '../lib/fleet/rollout-run';
import { parseWaves } from '../lib/fleet/rollout-waves';
import { createLogger } from '../lib/observability/logger';
import { findPsql } from './apply-bench';
import { startBenchCluster } from './bench-cluster';
import { psqlScript } from './psql-script';

/**
 * `npm run bench -- fleet-schemas`: a schema-per-tenant fleet (README, "Schema-per-tenant
 * fleets") — the tenant fixture's change sets (test/fixtures/tenants) rolled out to 200 tenant
 * schemas of one database by Strata (a rollout on the job queue, waves 1,10%,100%, 8 at a
 * time, each tenant with its own history, lock and checks) against what a user would
 * otherwise run: a loop of `psql` with `SET search_path` per tenant (no history, no lock, no
 * checks), one process per tenant and, cheapest of all, one session for all of them. Then the
 * fleet overview of the 200 (status and drift, one cached replay). The tenants' database is
 * made again before each variant, outside the timing.
 */
export interface FleetSchemasBenchResult {
  tenants: number;
  changeSets: number;
  strata: { ms: number; perMinute: number };
  psqlPerTenant: { ms: number; perMinute: number } | null;
  psqlOneSession: { ms: number; perMinute: number } | null;
  overviewMs: number;
}

export async function benchFleetSchemas(root: string, count = 200): Promise<FleetSchemasBenchResult> {
  const cluster = await startBenchCluster(root);
  const admin = connect(cluster.adminUrl, { max: 1 });
  const projectDir = path.join(root, 'test/fixtures/tenants');
  const project = readProject(projectDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-schemas-'));
  const tenants = Array.from({ length: count }, (_, i) => `tenant_${String(i).padStart(3, '0')}`);
  const appUrl = withDatabase(cluster.adminUrl, 'schemas_bench_app');
  const rate = (ms: number) => ({ ms, perMinute: (count / ms) * 60_000 });
  const freshTenants = async () => {
    await admin.unsafe('drop database if exists schemas_bench_app with (force)');
    await admin.unsafe('create database schemas_bench_app');
    const app = connect(appUrl, { max: 1 });
    try {
      await app.unsafe(tenants.map((t) => `create schema ${quoteIdent(t)};`).join('\n'));
    } finally {
      await app.end();
    }
  };
  try {
    await admin.unsafe('create database schemas_bench_console');
    Object.assign(process.env, {
      STRATA_ENVIRONMENTS: 'tenants',
      STRATA_ENV_TENANTS_URL: appUrl,
      STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%',
      STRATA_ENV_TENANTS_PROTECTION: 'guarded',
      STRATA_ENV_TENANTS_BACKUP: 'off',
      STRATA_CONSOLE_DATABASE_URL: withDatabase(cluster.adminUrl, 'schemas_bench_console'),
      STRATA_SHADOW_DATABASE_URL: cluster.adminUrl,
      STRATA_AUDIT_KEY: 'schemas-bench-audit-key-0123456789',
      AUTH_SECRET: 'schemas-bench-auth-secret-0123456789',
      STRATA_AUDIT_HEAD_FILE: path.join(tmp, 'head.json'),
      STRATA_LOG_LEVEL: 'warn',
    });
    const config = loadConfig();
    const fleet = findFleet(config, 'tenants');
    await withConsole(config, async () => undefined);

    await freshTenants();
    let t = performance.now();
    const outcome = await runRollout(
      config,
      { fleet, fleetFile: null, project, toTag: null, waves: parseWaves('1,10%,100%'), concurrency: 8, maxFailures: 0, actor: 'bench' },
      { slots: 8, onEvent: () => undefined, pollMs: 100 },
    );
    const strata = rate(performance.now() - t);
    if (outcome.rollout.state !== 'succeeded') throw new Error(`rollout ${outcome.rollout.id} ended ${outcome.rollout.state}: ${outcome.rollout.error}`);

    t = performance.now();
    await refreshFleet({ config, fleet, project, logger: createLogger(fs.createWriteStream('/dev/null')), actor: 'bench' }, { force: true, maxAgeSeconds: 0 });
    const overviewMs = performance.now() - t;

    let psqlPerTenant: FleetSchemasBenchResult['psqlPerTenant'] = null;
    let psqlOneSession: FleetSchemasBenchResult['psqlOneSession'] = null;
    const psql = findPsql();
    if (psql) {
      const script = path.join(tmp, 'tenant.sql');
      fs.writeFileSync(script, psqlScript(project.changeSets));
      const run = (args: string[]) => {
        const done = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args, appUrl], { encoding: 'utf8' });
        if (done.status !== 0) throw new Error(`psql: ${done.stderr}`);
      };
      await freshTenants();
      t = performance.now();
      for (const tenant of tenants) run(['-c', `SET search_path = ${quoteIdent(tenant)}, public`, '-f', script]);
      psqlPerTenant = rate(performance.now() - t);

      await freshTenants();
      const all = path.join(tmp, 'all.sql');
      fs.writeFileSync(all, tenants.map((tenant) => `SET search_path = ${quoteIdent(tenant)}, public;\n\\i ${script}\n`).join(''));
      t = performance.now();
      run(['-f', all]);
      psqlOneSession = rate(performance.now() - t);
    }
    return { tenants: count, changeSets: project.changeSets.length, strata, psqlPerTenant, psqlOneSession, overviewMs };
  } finally {
    await closeConsolePools();
    await admin.end();
    await cluster.stop();
  }
}
