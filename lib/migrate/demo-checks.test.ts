import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/client';
import { seedDatabase } from '../seed/run-seed';
import { cloneDatabase, createDemoTemplate, demoProject, demoProjectDir } from '../../test/support/seed-support';
import { testContext } from '../../test/support/run-context';
import { CheckFailedError, prepareChecks, runChecks } from './check-runner';
import type { CheckOutcome } from './statement-outcome';

/**
 * The demo's checks (drizzle/demo/checks: document 003's verification queries, document 001's
 * Phase 4) pass when their change sets apply (the template applies the whole demo, checks
 * included) and still hold on the seeded data; a broken backfill is caught, PII masked.
 */
let template: Awaited<ReturnType<typeof createDemoTemplate>>;
beforeAll(async () => {
  template = await createDemoTemplate('checks_tmpl');
}, 120_000);
afterAll(async () => {
  await template?.drop();
});

/** Runs every check of the demo, both phases, in one rolled-back transaction on `url`. */
async function runAllChecks(url: string): Promise<{ outcomes: CheckOutcome[]; failure: CheckFailedError | null }> {
  const prepared = await prepareChecks(demoProjectDir, demoProject.changeSets);
  const sql = connect(url, { max: 1 });
  const conn = await sql.reserve();
  const outcomes: CheckOutcome[] = [];
  try {
    await conn.unsafe('begin');
    for (const checks of prepared.values()) {
      for (const phase of ['before', 'after'] as const) await runChecks(conn, checks, phase, outcomes, true);
    }
    return { outcomes, failure: null };
  } catch (error) {
    if (error instanceof CheckFailedError) return { outcomes, failure: error };
    throw error;
  } finally {
    await conn.unsafe('rollback');
    conn.release();
    await sql.end({ timeout: 5 });
  }
}

describe('the demo checks', () => {
  it('cover 0011–0014 (document 003) and 0016–0017 (document 001), every one with a comment', () => {
    const tags = demoProject.changeSets.filter((c) => c.checks).map((c) => c.tag);
    expect(tags).toEqual([
      '0011_files_data_boundary_contracts',
      '0012_files_boundary_columns',
      '0013_files_default_contracts_backfill',
      '0014_files_workspace_scope_backfill',
      '0016_risk_v2',
      '0017_risk_daily_unrealized_pnl',
    ]);
  });

  it('pass on the seeded demo, and a file left without a contract fails 0013 with its name masked', async () => {
    const db = await cloneDatabase(template.name, 'checks_seed');
    try {
      await seedDatabase(testContext(db.url), demoProject);
      const passing = await runAllChecks(db.url);
      expect(passing.failure?.message ?? null).toBeNull();
      expect(passing.outcomes.length).toBeGreaterThanOrEqual(15);
      expect(passing.outcomes.every((o) => o.status === 'passed')).toBe(true);

      const [file] = await db.sql`update files.project_files set boundary_contract_id = null where file_uuid = (select min(file_uuid::text)::uuid from files.project_files) returning file_uuid, ui_name`;
      const { failure } = await runAllChecks(db.url);
      expect(failure?.message).toBe(
        'check checks/0013_files_default_contracts_backfill.sql:3 "Document 003, "Verification Queries" ("Check that existing files have contracts"): after the backfill every project file is linked to a boundary contract" failed: it returned 1 row, and must return none',
      );
      expect(failure?.failure.rows).toEqual([[String(file!.file_uuid), '••••', expect.any(String)]]);
      expect(failure?.failure.masked.map((m) => m.column)).toEqual(['ui_name']);
    } finally {
      await db.drop();
    }
  }, 120_000);
});
