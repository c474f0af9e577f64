import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProject, type Project } from '../changesets/project';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { resolveChangeSet } from '../migrate/bookkeeping-ops';
import { rollbackChangeSets } from '../migrate/rollback';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { importMigrations } from './import-migrations';
import type { ImportReport } from './types';

/*
 * The corpus README's "full rollback" replay, with Strata instead of psql: all 285 crates.io
 * Diesel migrations (read in place from /work/shared/corpus: their licence is not ours)
 * imported, applied forward, then rolled back from the top to zero one change set at a time,
 * going on past failures like the corpus's KEEP_GOING=1 run. Compared with
 * crates-io.replay-results.json's `full_rollback_all_down.failures` (PostgreSQL 15, psql -1).
 *
 * How "keep going" is reproduced: psql ran each down in its own transaction (`psql -1`, unless
 * metadata.toml says run_in_transaction = false), so a failing down changed nothing and the
 * replay moved on to the next older migration. Strata's rollback stops at a failure and leaves
 * the change set "failed"; settling it with `resolve --as rolled-back` (resolveChangeSet, what a
 * person would do from the CLI) records it as rolled back without running anything — the same
 * state psql's replay continued from. One down does not even parse: Strata refuses it before
 * anything runs (so there is no failure to resolve), and the replay then records that change
 * set's rollback with an explicit no-op in place of the unparseable file — again what psql's
 * aborted transaction amounted to. Running the down files directly instead would bypass exactly
 * what is under test (the imported no-transaction markers, Strata's transaction handling).
 *
 * On PostgreSQL 18 two more downs fail than on 15, both explained (and the cause shown) below.
 * The whole replay takes about 15 s on 2 cores, so it always runs.
 */
const CORPUS = '/work/shared/corpus/migrations';
const replay = JSON.parse(fs.readFileSync(path.join(CORPUS, 'crates-io.replay-results.json'), 'utf8')) as {
  full_rollback_all_down: { failures: Array<{ step: number; migration: string; error: string; phase: string }> };
};
const expected = replay.full_rollback_all_down.failures;

interface ReplayFailure {
  step: number;
  migration: string;
  error: string;
  /** `failed`: PostgreSQL refused a statement; `refused`: Strata refused the file before running it. */
  kind: 'failed' | 'refused';
}

let db: ScratchDatabase;
let imported: ImportReport;
let project: Project;
const migrationOf = (tag: string) => imported.changeSets.find((c) => c.tag === tag)!.source.split('/')[0]!;

beforeAll(async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-crates-replay-')), 'project');
  imported = await importMigrations({ format: 'diesel', src: path.join(CORPUS, 'crates-io'), out });
  project = readProject(out);
  db = await createScratchDatabase('crates_replay');
}, 60_000);
afterAll(async () => {
  await db?.drop();
});

/**
 * Rolls back `steps` change sets from the top, one at a time, settling each failure so the next
 * one still runs. Step numbers count from the top, as the corpus's replay does.
 */
async function rollBackKeepingGoing(steps: number): Promise<{ failures: ReplayFailure[]; rolledBack: number }> {
  const ctx = testContext(db.url);
  const failures: ReplayFailure[] = [];
  let rolledBack = 0;
  for (let step = 1; step <= steps; step++) {
    const tag = project.changeSets[project.changeSets.length - step]!.tag;
    let run;
    try {
      run = await rollbackChangeSets(ctx, project, { steps: 1 });
    } catch (error) {
      if (!isStrataError(error, 'MALFORMED_PROJECT')) throw error;
      failures.push({ step, migration: migrationOf(tag), error: error.message, kind: 'refused' });
      await recordNoOpRollback(tag);
      continue;
    }
    expect(run.records.map((r) => r.tag)).toEqual([tag]);
    if (run.failed) {
      failures.push({ step, migration: migrationOf(tag), error: run.failed.error!.message, kind: 'failed' });
      await resolveChangeSet(ctx, project, tag, 'rolled-back', 'corpus replay: keep going past a failed down, as KEEP_GOING=1 did');
    } else rolledBack++;
  }
  return { failures, rolledBack };
}

/** Records the rollback of a change set whose down Strata refuses to run, by rolling back a copy whose down is a no-op. */
async function recordNoOpRollback(tag: string): Promise<void> {
  const noOp = '-- corpus replay: the imported down does not parse; psql aborted its transaction, changing nothing\nSELECT 1;\n';
  const patched: Project = {
    ...project,
    changeSets: project.changeSets.map((c) => (c.tag === tag ? { ...c, rollback: { ...c.rollback!, text: noOp } } : c)),
  };
  const run = await rollbackChangeSets(testContext(db.url), patched, { steps: 1 });
  expect(run.failed).toBeNull();
}

const publicTables = async () => (await db.sql`select count(*)::int as n from pg_tables where schemaname = 'public'`)[0]!.n as number;

describe('crates.io: apply all 285, then roll back from the top with Strata, keeping going', () => {
  it('applies all 285 forward on PostgreSQL 18, as psql did on 15', async () => {
    const t0 = performance.now();
    const run = await applyChangeSets(testContext(db.url), project);
    expect(run.failed).toBeNull();
    expect(run.records).toHaveLength(285);
    expect(run.records.filter((r) => r.status === 'applied')).toHaveLength(285);
    console.info(`crates.io forward apply: ${Math.round(performance.now() - t0)} ms`);
  }, 120_000);

  it('rolls back all 285 and fails where the corpus failed, for the same reasons, plus two PostgreSQL 17+ failures', async () => {
    const t0 = performance.now();
    const { failures, rolledBack } = await rollBackKeepingGoing(285);
    console.info(`crates.io rollback of 285, one at a time: ${Math.round(performance.now() - t0)} ms; failures:\n${failures.map((f) => `  ${f.step} ${f.migration} (${f.kind}): ${f.error}`).join('\n')}`);
    expect(rolledBack).toBe(285 - failures.length);

    // Only on PostgreSQL 17+: 2019-09-18-233204's down recreates to_semver_no_prerelease() without
    // its `SET search_path FROM CURRENT`, and since 17 CREATE INDEX evaluates index expressions
    // with search_path = pg_catalog, pg_temp, so 20170311180634's down (CREATE INDEX on that
    // function) no longer finds the type semver_triple; 20170308140537's down then has no index to drop.
    const newer = [
      [157, '20170311180634_remove_semver_index', 'type "semver_triple" does not exist'],
      [160, '20170308140537_create_to_semver_no_prerelease', 'index "versions_to_semver_no_prerelease_idx" does not exist'],
    ];
    const serverVersion = Number((await db.sql`show server_version_num`)[0]!.server_version_num);
    expect(serverVersion).toBeGreaterThanOrEqual(170000);
    const isNewer = (f: ReplayFailure) => newer.some(([step]) => step === f.step);
    expect(failures.filter(isNewer).map((f) => [f.step, f.migration, f.error])).toEqual(newer);

    // Everything else: the corpus's 12, at the same steps, with PostgreSQL's same words.
    const rest = failures.filter((f) => !isNewer(f));
    expect(rest.map((f) => [f.step, f.migration])).toEqual(expected.map((f) => [f.step, f.migration]));
    for (const [i, f] of rest.entries()) {
      // 20170318181441's down misses a semicolon: Strata's parser refuses it, psql's server did.
      if (f.kind === 'refused') expect(f.error).toMatch(/rollback\/\d{4}_downloads_need_no_id\.sql:\d+: SQL does not parse: syntax error at or near "ALTER"/);
      expect(expected[i]!.error).toContain(f.kind === 'failed' ? f.error : 'syntax error at or near "ALTER"');
    }
    expect(rest.filter((f) => f.kind === 'refused').map((f) => f.migration)).toEqual(['20170318181441_downloads_need_no_id']);
    // What the failed downs left behind is still there: the history is back at zero, the schema is not.
    expect(await publicTables()).toBeGreaterThan(0);
  }, 300_000);

  it('PostgreSQL 17+ evaluates index expressions with a safe search_path (the cause of the two extra failures)', async () => {
    const scratch = await createScratchDatabase('semver_cause');
    try {
      await scratch.sql.unsafe(`
        create type triple as (major int4, minor int4);
        create table v (num text);
        create function no_path(text) returns triple immutable language sql as $$ select (1, 2)::triple $$;
        create function with_path(text) returns triple immutable language sql set search_path from current as $$ select (1, 2)::triple $$;`);
      await scratch.sql.unsafe('create index ix_with_path on v (with_path(num))');
      await expect(scratch.sql.unsafe('create index ix_no_path on v (no_path(num))')).rejects.toThrow(/type "triple" does not exist/);
    } finally {
      await scratch.drop();
    }
  });
});
