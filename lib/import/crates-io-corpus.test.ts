import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { verifyProject } from '../verify/round-trip';
import type { VerifyReport } from '../verify/types';
import { importMigrations } from './import-migrations';
import type { ImportReport } from './types';

/*
 * The real 285-step Diesel history of crates.io (/work/shared/corpus/migrations, read in
 * place: its licence is not ours), imported and round-tripped change set by change set. The
 * corpus README's own replay (psql, PostgreSQL 15, `diesel migration redo` at every step)
 * found 4 steps that fail and one trigger that silently goes missing; verification must
 * find exactly those, and says what else only a schema comparison shows.
 */
const CORPUS = '/work/shared/corpus/migrations';
const replay = JSON.parse(fs.readFileSync(path.join(CORPUS, 'crates-io.replay-results.json'), 'utf8')) as {
  redo_each_step: { failures: Array<{ migration: string; phase: string }> };
};

let imported: ImportReport;
let report: VerifyReport;
/** Source folder name (the corpus's name for a migration) by change set tag. */
const sourceOf = (tag: string) => imported.changeSets.find((c) => c.tag === tag)!.source.split('/')[0]!;

beforeAll(async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-crates-')), 'project');
  imported = await importMigrations({ format: 'diesel', src: path.join(CORPUS, 'crates-io'), out });
  report = await verifyProject(inject('pgAdminUrl'), readProject(out));
}, 600_000);

describe('crates.io: 285 Diesel migrations', () => {
  it('imports every migration in Diesel order, the 7 without a transaction marked, and flags what will not run', () => {
    expect(imported.changeSets).toHaveLength(285);
    expect(imported.changeSets[0]!.tag).toBe('0000_diesel_initial_setup');
    expect(imported.changeSets.filter((c) => c.noTransaction)).toHaveLength(7);
    expect(imported.skipped).toEqual(['README.md', 'data_oauth_github.sql']);
    const flagged = imported.flagged.map((f) => `${f.source.split('/')[0]}: ${f.problem}`);
    expect(flagged).toEqual(
      expect.arrayContaining([
        // Line numbers are the source files' own (the second ALTER, after the missing semicolon).
        '20170318181441_downloads_need_no_id: does not parse (line 2): syntax error at or near "ALTER"',
        expect.stringMatching(/^2024-04-12-144536_remove-downloads-column: line 4: create index concurrently index_crate_downloads cannot run inside a transaction/),
        '2019-11-11-162609_drop_email_from_user: has no statements: running it changes nothing',
      ]),
    );
  });

  it('applies forward completely on PostgreSQL 18, as the corpus did on 15', () => {
    expect(report.counts['apply-failed']).toBe(0);
    expect(report.counts['not-run']).toBe(0);
  });

  it('finds every failure the corpus\'s redo replay found, and the trigger its schema diff found', () => {
    const failingSteps = report.changeSets.filter((c) => c.steps.some((s) => (s.step === 'rollback' || s.step === 'reapply') && !s.ok)).map((c) => sourceOf(c.tag));
    expect(failingSteps.sort()).toEqual(replay.redo_each_step.failures.map((f) => f.migration).sort());
    // drop_email_from_user: its down is a comment, so the rollback "succeeds", the column is gone, and re-up fails.
    const dropEmail = report.changeSets.find((c) => sourceOf(c.tag) === '2019-11-11-162609_drop_email_from_user')!;
    expect(dropEmail.verdict).toBe('rollback-mismatch');
    expect(dropEmail.steps.find((s) => s.step === 'reapply')!.detail).toMatch(/column "email" of relation "users" does not exist/);
    const trigger = report.changeSets.find((c) => sourceOf(c.tag) === '2025-02-11-163554_fix-num-versions-trigger')!;
    expect(trigger.steps.find((s) => s.step === 'compare-first')!.differences).toEqual(['trigger trigger_update_num_versions_from_versions on versions is missing after the re-apply']);
  });

  it('also names the rollbacks that run without error but do not restore the schema (what a redo cannot see)', () => {
    // Measured 2026-11-22: 256 round-trip, 3 rollbacks fail, 26 leave a different schema behind
    // (lost defaults, varchar ↔ text, constraints recreated under other names, functions restored to another body).
    expect(report.counts).toMatchObject({ ok: 256, 'rollback-failed': 3, 'rollback-mismatch': 26 });
    const mismatch = (source: string) => report.changeSets.find((c) => sourceOf(c.tag) === source)!.steps.find((s) => s.step === 'compare-before')!.differences;
    expect(mismatch('20170502181306_drop_schema_migrations')).toEqual(['table public.schema_migrations is still there after the rollback']);
    expect(report.changeSets.filter((c) => c.verdict === 'rollback-mismatch').every((c) => c.steps.some((s) => (s.differences ?? []).length > 0))).toBe(true);
  });
});
