import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import postgres from 'postgres';
import { catalogStamp } from '../lib/introspect/catalog-stamp';
import { introspect, introspectUrl } from '../lib/introspect/introspect';
import { StampedSchemaReader } from '../lib/introspect/stamped-reader';
import { LayoutCache } from '../lib/erd/server-layout';
import { findPsql } from './apply-bench';
import { median, type startBenchCluster } from './bench-cluster';
import { RAW_CATALOG_QUERIES } from './raw-catalog-queries';
import { syntheticSchemaSql } from '../test/synthetic/schema-sql';

export const PULL_TIMEOUT_MS = 300_000;

export interface IntrospectBenchRow {
  tables: number;
  strataMs: number;
  rawPsqlMs: number | null;
  drizzlePullMs: number | null;
  /** drizzle-kit pull did not finish within PULL_TIMEOUT_MS. */
  drizzlePullTimedOut: boolean;
  pgDumpMs: number | null;
  pgDumpNote: string | null;
}

/**
 * Introspection of synthetic schemas of growing size, against the floor (raw catalog
 * queries through psql), `drizzle-kit pull` and `pg_dump --schema-only` where the client
 * can talk to the server. Medians of several runs; drizzle-kit pull once (it is slow).
 */
export async function benchIntrospect(
  cluster: Awaited<ReturnType<typeof startBenchCluster>>,
  root: string,
  sizes = [100, 500, 2000],
  runs = 5,
  onRow: (row: IntrospectBenchRow) => void = () => {},
): Promise<IntrospectBenchRow[]> {
  const psql = findPsql();
  const scratch = path.join(root, '.strata', 'bench', 'scratch');
  fs.mkdirSync(scratch, { recursive: true });
  const rawFile = path.join(scratch, 'raw-catalog.sql');
  fs.writeFileSync(rawFile, RAW_CATALOG_QUERIES);
  const rows: IntrospectBenchRow[] = [];
  for (const tables of sizes) {
    const url = await cluster.freshDatabase(`bench_introspect_${tables}`);
    const load = postgres(url, { max: 1, onnotice: () => {} });
    // In `public`: drizzle-kit pull reads only `public` by default, so all three see the same tables.
    await load.unsafe(syntheticSchemaSql({ tables, schema: 'public' }));
    await load.unsafe('analyze');
    await load.end();

    const strata: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const model = await introspectUrl(url);
      strata.push(performance.now() - t);
      if (model.tables.length !== tables) throw new Error(`introspection found ${model.tables.length} tables, expected ${tables}`);
      if (psql) {
        t = performance.now();
        const run = spawnSync(psql, ['-X', '-q', '-o', '/dev/null', '-f', rawFile, url], { encoding: 'utf8' });
        raw.push(performance.now() - t);
        if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
      }
    }

    const out = path.relative(root, path.join(scratch, `pull-${tables}`));
    fs.rmSync(path.join(root, out), { recursive: true, force: true });
    let t = performance.now();
    const pull = spawnSync(path.join(root, 'node_modules/.bin/drizzle-kit'), ['pull', '--dialect', 'postgresql', '--url', url, '--out', out], {
      cwd: root,
      encoding: 'utf8',
      input: '',
      // drizzle-kit pull grows much faster than linearly; past this it is reported as "did not finish".
      timeout: PULL_TIMEOUT_MS,
    });
    const drizzlePullMs = pull.status === 0 ? performance.now() - t : null;
    const drizzlePullTimedOut = pull.error !== undefined || pull.signal !== null;
    const pulledTables = drizzlePullMs === null ? 0 : (fs.readFileSync(path.join(root, out, 'schema.ts'), 'utf8').match(/pgTable\(/g) ?? []).length;
    if (drizzlePullMs !== null && pulledTables !== tables) throw new Error(`drizzle-kit pull produced ${pulledTables} tables, expected ${tables}`);

    let pgDumpMs: number | null = null;
    let pgDumpNote: string | null = null;
    const pgDump = psql ? path.join(path.dirname(psql), 'pg_dump') : null;
    if (pgDump && fs.existsSync(pgDump)) {
      t = performance.now();
      const dump = spawnSync(pgDump, ['--schema-only', '-f', '/dev/null', url], { encoding: 'utf8' });
      if (dump.status === 0) pgDumpMs = performance.now() - t;
      else pgDumpNote = dump.stderr.split('\n')[0] ?? 'pg_dump failed';
    } else pgDumpNote = 'no pg_dump on this machine';

    const row = { tables, strataMs: median(strata), rawPsqlMs: raw.length ? median(raw) : null, drizzlePullMs, drizzlePullTimedOut, pgDumpMs, pgDumpNote };
    rows.push(row);
    onRow(row);
  }
  return rows;
}

export interface StampBenchRow {
  tables: number;
  runs: number;
  /** catalogStamp on an open connection. */
  stampMs: number;
  /** introspect() on an open connection. */
  introspectMs: number;
  /** What readSchema pays per poll of an unchanged schema: connect, stamp, the kept model. */
  unchangedReadMs: number;
  /** What it paid before the stamp: introspectUrl (connect + introspection). */
  introspectUrlMs: number;
  /** The whole ERD layout (lib/erd/server-layout.ts): ELK on its thread, once. */
  layoutComputedMs: number;
  /** The same layout asked again for the same model object (a second visitor, a reload). */
  layoutCachedMs: number;
  /** …for a fresh read of the unchanged schema (another object: its fingerprint is hashed). */
  layoutCachedRereadMs: number;
  layoutBytes: number;
}

/**
 * The catalog stamp (lib/introspect/catalog-stamp.ts) against the introspection it saves,
 * on a synthetic schema: the query alone, and a whole poll of an unchanged schema through
 * StampedSchemaReader against introspectUrl. Then the server's layout cache
 * (lib/erd/server-layout.ts): the whole ERD laid out once, then asked again. Medians of `runs`.
 */
export async function benchStamp(cluster: Awaited<ReturnType<typeof startBenchCluster>>, tables = 2000, runs = 9): Promise<StampBenchRow> {
  const url = await cluster.freshDatabase(`bench_stamp_${tables}`);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(syntheticSchemaSql({ tables, schema: 'public' }));
    await sql.unsafe('analyze');
    const stamp: number[] = [];
    const full: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await catalogStamp(sql);
      stamp.push(performance.now() - t);
      t = performance.now();
      const model = await introspect(sql);
      full.push(performance.now() - t);
      if (model.tables.length !== tables) throw new Error(`introspection found ${model.tables.length} tables, expected ${tables}`);
    }
    const reader = new StampedSchemaReader({ maxAgeMs: Number.POSITIVE_INFINITY });
    const kept = await reader.read('bench', url);
    const unchanged: number[] = [];
    const viaUrl: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      if ((await reader.read('bench', url)) !== kept) throw new Error('the unchanged schema was introspected again');
      unchanged.push(performance.now() - t);
      t = performance.now();
      await introspectUrl(url);
      viaUrl.push(performance.now() - t);
    }

    const cache = new LayoutCache();
    const view = { kind: 'all' } as const;
    const options = { keysOnly: false, includeBookkeeping: false, inferred: true };
    let t = performance.now();
    const computed = await cache.layout(kept, view, options);
    const layoutComputedMs = performance.now() - t;
    if (computed.source !== 'computed' || Object.keys(computed.layout.positions).length !== tables) throw new Error('the layout did not place every table');
    const cached: number[] = [];
    const reread: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      if ((await cache.layout(kept, view, options)).source !== 'cached') throw new Error('the layout was computed again');
      cached.push(performance.now() - t);
      const fresh = await introspectUrl(url);
      t = performance.now();
      if ((await cache.layout(fresh, view, options)).source !== 'cached') throw new Error('the layout was computed again');
      reread.push(performance.now() - t);
    }
    return {
      tables,
      runs,
      stampMs: median(stamp),
      introspectMs: median(full),
      unchangedReadMs: median(unchanged),
      introspectUrlMs: median(viaUrl),
      layoutComputedMs,
      layoutCachedMs: median(cached),
      layoutCachedRereadMs: median(reread),
      layoutBytes: JSON.stringify(computed.layout).length,
    };
  } finally {
    await sql.end();
  }
}
