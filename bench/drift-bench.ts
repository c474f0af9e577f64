import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { closeConsole, ensureConsoleSchema } from '../lib/auth/console-db';
import { readProject } from '../lib/changesets/project';
import type { StrataConfig } from '../lib/config/environments';
import { consoleExpectedSchemas } from '../lib/console/expected-schemas';
import { connect } from '../lib/db/client';
import { introspectUrl } from '../lib/introspect/introspect';
import { applyChangeSets } from '../lib/migrate/apply';
import { checkDrift, type DriftReport } from '../lib/migrate/drift';
import type { RunContext } from '../lib/migrate/run-context';
import { createLogger } from '../lib/observability/logger';
import { median, type startBenchCluster } from './bench-cluster';
import { externalConfig } from '../test/support/external-config';

type BenchCluster = Awaited<ReturnType<typeof startBenchCluster>>;

export interface DriftBenchResult {
  runs: number;
  /** Change sets applied on the checked database (the whole demo). */
  applied: number;
  tables: number;
  /** (a) A drift check whose expected schema is already in the console database. */
  driftKnownMs: number;
  /** (b) One introspection of the same database (introspectUrl: connect, read, close). */
  introspectMs: number;
  /** a ÷ b (goal ≤ 1.3). */
  ratio: number;
  /** (c) A drift check with an empty store: read, replay on a shadow, introspect it, store, diff. */
  firstComputationMs: number;
  /** Of (c), the replay and its introspection alone (the report's computedMs). */
  replayMs: number;
  /** Whether any check reported drift (it should not: the database was set up by Strata). */
  drifted: boolean;
}

/**
 * A drift check against what it cannot do without: one introspection of the same
 * database. The demo is applied to a fresh database of the bench cluster, which is also
 * the shadow server and holds the console database (so the kept expected schema is read
 * over a connection, as the console reads it). Measurements alternate, so both sides see
 * the same machine. Reports medians; asserts nothing about time.
 */
export async function benchDrift(cluster: BenchCluster, projectDir: string, runs = 5): Promise<DriftBenchResult> {
  const project = readProject(projectDir);
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  const ctx = (url: string): RunContext => ({ url, environment: 'bench', actor: 'bench', logger: quiet });

  const url = await cluster.freshDatabase('bench_drift');
  const setup = await applyChangeSets(ctx(url), project);
  if (setup.failed) throw new Error(`bench setup failed: ${setup.failed.tag}: ${setup.failed.error?.message}`);

  const consoleUrl = await cluster.freshDatabase('bench_drift_console');
  const owner = connect(consoleUrl, { max: 1 });
  await ensureConsoleSchema(owner);
  const config: StrataConfig = externalConfig({ projectDir, consoleDatabaseUrl: consoleUrl, shadowServerUrl: cluster.adminUrl });
  const store = consoleExpectedSchemas(config);
  const check = () => checkDrift(ctx(url), project, { shadowServerUrl: cluster.adminUrl, store });
  const time = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
    const t = performance.now();
    const value = await work();
    return { ms: performance.now() - t, value };
  };
  const expectSource = (report: DriftReport, source: DriftReport['expected']['source']) => {
    if (report.expected.source !== source) throw new Error(`expected a ${source} expected schema, got ${report.expected.source}`);
    drifted ||= report.drifted;
  };

  const m = { known: [] as number[], introspect: [] as number[], first: [] as number[], replay: [] as number[] };
  let drifted = false;
  let tables = 0;
  try {
    // (c) First computations, each from an empty store.
    for (let i = 0; i < runs; i++) {
      await owner`delete from console.expected_schemas`;
      const first = await time(check);
      expectSource(first.value, 'computed');
      m.first.push(first.ms);
      m.replay.push(first.value.expected.computedMs);
    }
    // Untimed warm-up of both sides (first connections, JIT), then (a) and (b) alternately.
    tables = (await introspectUrl(url)).tables.length;
    expectSource(await check(), 'cached');
    for (let i = 0; i < runs; i++) {
      const known = await time(check);
      expectSource(known.value, 'cached');
      m.known.push(known.ms);
      m.introspect.push((await time(() => introspectUrl(url))).ms);
    }
  } finally {
    await owner.end({ timeout: 5 });
    await closeConsole(config);
  }

  const driftKnownMs = median(m.known);
  const introspectMs = median(m.introspect);
  return {
    runs,
    applied: project.changeSets.length,
    tables,
    driftKnownMs,
    introspectMs,
    ratio: driftKnownMs / introspectMs,
    firstComputationMs: median(m.first),
    replayMs: median(m.replay),
    drifted,
  };
}
