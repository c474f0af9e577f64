import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { demoPolicies } from '../drizzle/demo/policies';
import { quoteIdent } from '../lib/db/identifiers';
import { computeRetention, policyConditions } from '../lib/retention/compute';
import { findPsql } from './apply-bench';
import { median } from './bench-cluster';

export interface RetentionBenchResult {
  tables: number;
  /** computeRetention over every demo table (median of `runs`). */
  strataMs: number;
  /** computeRetention with every count exact (no limit), for scale (median of `runs`). */
  strataAllExactMs: number;
  /** Tables whose counts were planner estimates (over the exact-count limit). */
  estimatedTables: string[];
  /** psql running exact count(*) and purge counts for the same tables (median), or null without psql. */
  psqlExactMs: number | null;
  runs: number;
}

/**
 * The Retention page's figures with a million usage events loaded (target under 1 s),
 * against what one would otherwise run: a psql script of exact counts — every table's
 * count(*), and each policy's purge count — on the same database in the same run.
 */
export async function benchRetention(url: string, runs = 5): Promise<RetentionBenchResult> {
  const strata: number[] = [];
  let estimatedTables: string[] = [];
  let tables = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const report = await computeRetention(url, demoPolicies);
    strata.push(performance.now() - t0);
    tables = report.tables.length;
    estimatedTables = report.tables.filter((t) => t.countsAreEstimates).map((t) => t.table);
  }
  const allExact: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await computeRetention(url, demoPolicies, { exactCountLimit: Number.POSITIVE_INFINITY, statementTimeoutMs: 600_000 });
    allExact.push(performance.now() - t0);
  }
  const psql = findPsql();
  let psqlExactMs: number | null = null;
  if (psql) {
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-retention-bench-')), 'counts.sql');
    fs.writeFileSync(
      script,
      demoPolicies
        .map((p) => {
          const [schema, name] = p.table.split('.') as [string, string];
          const table = `${quoteIdent(schema)}.${quoteIdent(name)}`;
          const where = policyConditions(p).purge;
          const oldest = p.timestampColumn ? `, min(${quoteIdent(p.timestampColumn)})` : '';
          return `select count(*)${oldest}${where ? `, count(*) filter (where ${where})` : ''} from ${table};`;
        })
        .join('\n'),
    );
    const plain: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const run = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', script, url], { encoding: 'utf8' });
      plain.push(performance.now() - t0);
      if (run.status !== 0) throw new Error(`psql failed: ${run.stderr}`);
    }
    psqlExactMs = median(plain);
  }
  return { tables, strataMs: median(strata), strataAllExactMs: median(allExact), estimatedTables, psqlExactMs, runs };
}
