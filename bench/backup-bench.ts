import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { readProject } from '../lib/changesets/project';
import { connect } from '../lib/db/client';
import { applyChangeSets } from '../lib/migrate/apply';
import { rollbackChangeSets } from '../lib/migrate/rollback';
import { withTargetLock } from '../lib/migrate/target-lock';
import type { RunContext } from '../lib/migrate/run-context';
import { createLogger } from '../lib/observability/logger';
import { restoreBackup } from '../lib/backup/restore';
import { backupSettingsFor, type BackupSettings } from '../lib/backup/settings';
import type { BackupMode } from '../lib/backup/policy';
import { writeFixtureProject } from '../test/support/fixture-project';
import { findPsql } from './apply-bench';
import { median, type startBenchCluster } from './bench-cluster';

type BenchCluster = Awaited<ReturnType<typeof startBenchCluster>>;

export interface BackupBenchResult {
  rows: number;
  runs: number;
  /** `alter table … drop column payload`: the backup copies the key and that column. */
  dropColumn: { withoutMs: number; withMs: number; withFilesMs: number; ratio: number; filesRatio: number };
  /** `drop table`: the backup copies the whole table. */
  dropTable: { withoutMs: number; withMs: number; ratio: number };
  /** Restoring the dropped table's rows after its rollback re-created it, against psql's \copy of the same rows. */
  restore: { strataMs: number; strataRowsPerSecond: number; filesMs: number; filesRowsPerSecond: number; psqlMs: number | null; psqlRowsPerSecond: number | null; ratio: number | null };
}

/**
 * A destructive change set on a 1,000,000-row table, with the backup (policy `destructive`)
 * and without it (`off`), each on its own copy of the same database; then the restore of the
 * dropped table's million rows against `psql \copy` of the same rows into the same empty
 * table. Medians of `runs`.
 */
export async function benchBackup(cluster: BenchCluster, rows = 1_000_000, runs = 3): Promise<BackupBenchResult> {
  const quiet = createLogger(fs.createWriteStream('/dev/null'));
  // Two projects sharing their first change set (same tag, SQL and time), so both run on copies of one template.
  const createBig = { name: 'big', up: 'create table public.big (id bigint primary key, account int not null, payload text, note text);', down: 'drop table public.big;' };
  const dropColumn = readProject(writeFixtureProject([createBig, { name: 'drop_payload', up: 'alter table public.big drop column payload;', down: 'alter table public.big add column payload text;' }]));
  const dropTable = readProject(writeFixtureProject([createBig, { name: 'drop_big', up: 'drop table public.big;', down: createBig.up }]));
  // One database with the rows, copied (as a template) for every run.
  const templateUrl = await cluster.freshDatabase('bench_backup_template');
  const template = decodeURIComponent(new URL(templateUrl).pathname.slice(1));
  await applyChangeSets({ url: templateUrl, environment: null, actor: 'bench', logger: quiet }, dropColumn, { to: '0000' });
  const seed = connect(templateUrl, { max: 1 });
  await seed.unsafe(`insert into public.big select g, g % 1000, md5(g::text) || md5((g * 7)::text), 'note ' || g from generate_series(1, ${rows}) g`);
  await seed.unsafe('vacuum analyze public.big');
  await seed.end();

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-backups-'));
  const settings = (url: string, mode: BackupMode, files = false): BackupSettings => ({ ...backupSettingsFor({ name: null, url, protection: null }, files ? dir : null), policy: { mode, keep: 100, maxAgeDays: 30 } });
  const ctx = (url: string, backup: BackupSettings): RunContext => ({ url, environment: null, actor: 'bench', logger: quiet, backup });
  const timedApply = async (project: typeof dropColumn, mode: BackupMode, files = false) => {
    const url = await cluster.copyOf(template, 'bench_backup');
    const t = performance.now();
    const result = await applyChangeSets(ctx(url, settings(url, mode, files)), project);
    const ms = performance.now() - t;
    if (result.failed) throw new Error(`bench apply failed: ${result.failed.error?.message}`);
    if ((mode !== 'off') !== (result.backups.length === 1)) throw new Error(`expected ${mode === 'off' ? 'no' : 'one'} backup, got ${result.backups.length}`);
    return { ms, url, result };
  };

  const columnOff: number[] = [];
  const columnOn: number[] = [];
  const columnFiles: number[] = [];
  const tableOff: number[] = [];
  const tableOn: number[] = [];
  const restoreMs: number[] = [];
  const restoreFilesMs: number[] = [];
  const psqlMs: number[] = [];
  const psql = findPsql();
  const copyFile = path.join(dir, 'big.copy');
  for (let i = 0; i < runs; i++) {
    columnOff.push((await timedApply(dropColumn, 'off')).ms);
    columnOn.push((await timedApply(dropColumn, 'destructive')).ms);
    columnFiles.push((await timedApply(dropColumn, 'destructive', true)).ms);
    tableOff.push((await timedApply(dropTable, 'off')).ms);

    // The whole-table backup, then its restore after the rollback re-created the table empty.
    for (const files of [false, true]) {
      const { ms, url, result } = await timedApply(dropTable, 'destructive', files);
      if (!files) tableOn.push(ms);
      const backupId = result.backups[0]!.id;
      await rollbackChangeSets(ctx(url, settings(url, 'off', files)), dropTable, { steps: 1 });
      const t = performance.now();
      const restored = await withTargetLock(url, 'bench', (conn) => restoreBackup(conn, settings(url, 'off', files), backupId, { write: true }));
      (files ? restoreFilesMs : restoreMs).push(performance.now() - t);
      const inserted = restored.tables.find((x) => x.table === 'public.big')?.insert;
      if (inserted !== rows) throw new Error(`restore inserted ${inserted} rows, not ${rows}`);
    }

    if (psql) {
      // The same rows, as \copy would put them back from a file it wrote: export once, then time the load.
      const url = await cluster.copyOf(template, 'bench_psql');
      const out = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy public.big to '${copyFile}'`, url], { encoding: 'utf8' });
      if (out.status !== 0) throw new Error(`psql \\copy out failed: ${out.stderr}`);
      spawnSync(psql, ['-X', '-q', '-c', `drop table public.big; ${createBig.up}`, url]);
      const t = performance.now();
      const load = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy public.big from '${copyFile}'`, url], { encoding: 'utf8' });
      psqlMs.push(performance.now() - t);
      if (load.status !== 0) throw new Error(`psql \\copy in failed: ${load.stderr}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const perSecond = (ms: number) => Math.round(rows / (ms / 1000));
  const c = { withoutMs: median(columnOff), withMs: median(columnOn), withFilesMs: median(columnFiles) };
  const tb = { withoutMs: median(tableOff), withMs: median(tableOn) };
  const r = median(restoreMs);
  const rf = median(restoreFilesMs);
  const p = psqlMs.length ? median(psqlMs) : null;
  return {
    rows,
    runs,
    dropColumn: { ...c, ratio: c.withMs / c.withoutMs, filesRatio: c.withFilesMs / c.withoutMs },
    dropTable: { ...tb, ratio: tb.withMs / tb.withoutMs },
    restore: {
      strataMs: r,
      strataRowsPerSecond: perSecond(r),
      filesMs: rf,
      filesRowsPerSecond: perSecond(rf),
      psqlMs: p,
      psqlRowsPerSecond: p === null ? null : perSecond(p),
      ratio: p === null ? null : perSecond(r) / perSecond(p),
    },
  };
}
