import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPolicies } from '../../drizzle/demo/policies';
import { quoteIdent, quoteQualified } from '../db/identifiers';
import { isStrataError } from '../errors';
import { seedDatabase } from '../seed/run-seed';
import { cloneDatabase, createDemoTemplate, demoProject, demoProjectDir, snapshot } from '../../test/support/seed-support';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { computeRetention } from './compute';
import { policiesFor } from './load-policies';
import type { TablePolicy } from './types';

let template: Awaited<ReturnType<typeof createDemoTemplate>>;
/** The seeded demo with rows moved to both sides of every retention boundary. */
let db: ScratchDatabase;
/** Tables where a row now sits an hour past its boundary and another an hour short of it. */
const straddled: string[] = [];

const HOUR = "interval '1 hour'";

/**
 * Moves two rows of `column` to an hour either side of `days` before now. Tables whose
 * constraints refuse it (partitions that do not reach back that far, unique keys, checks)
 * are left as seeded: a savepoint undoes the attempt.
 */
async function straddle(table: string, column: string, days: number, extraWhere = 'true'): Promise<boolean> {
  const [schema, name] = table.split('.') as [string, string];
  const t = quoteQualified(schema, name);
  const c = quoteIdent(column);
  try {
    await db.sql.begin(async (tx) => {
      const rows = await tx.unsafe(`select ctid::text as id from ${t} where ${extraWhere} order by ctid limit 2`);
      if (rows.length < 2) throw new Error('fewer than two rows');
      await tx.unsafe(`update ${t} set ${c} = now() - interval '${days} days' - ${HOUR} where ctid = '${rows[0]!.id}'::tid`);
      await tx.unsafe(`update ${t} set ${c} = now() - interval '${days} days' + ${HOUR} where ctid = '${rows[1]!.id}'::tid`);
    });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  template = await createDemoTemplate('ret_tmpl');
  db = await cloneDatabase(template.name, 'ret');
  await seedDatabase(testContext(db.url), demoProject);
  for (const p of demoPolicies) {
    if (p.retentionDays !== null && p.timestampColumn && (await straddle(p.table, p.timestampColumn, p.retentionDays))) straddled.push(`${p.table}:${p.timestampColumn}`);
    if (p.softDeleteColumn && p.graceDays != null && (await straddle(p.table, p.softDeleteColumn, p.graceDays))) straddled.push(`${p.table}:${p.softDeleteColumn}`);
  }
  await db.sql.unsafe('analyze');
});
afterAll(async () => {
  await db?.drop();
  await template?.drop();
});

/** Plain SQL, written out independently of the engine: rows of `table` where `column` is older than `days`. */
async function olderCount(table: string, column: string, days: number, asOf: string): Promise<number> {
  const [schema, name] = table.split('.') as [string, string];
  const [row] = await db.sql.unsafe(`select count(*)::int as n from ${quoteQualified(schema, name)} where ${quoteIdent(column)} < $1::timestamptz - make_interval(days => $2)`, [asOf, days]);
  return Number(row!.n);
}

describe('computeRetention on the seeded demo', () => {
  it('lists every live table with a policy (coverage 35 of 35) and the document-000 rules', async () => {
    const report = await computeRetention(db.url, await policiesFor(demoProjectDir), { environment: 'local' });
    expect(report.coverage).toEqual({ classified: 35, total: 35 });
    expect(report.unmatchedPolicies).toEqual([]);
    expect(report.environment).toBe('local');
    const policy = (t: string) => report.tables.find((x) => x.table === t)!.policy!;
    expect(policy('dataservice.ds_uploads')).toMatchObject({ basis: 'soft-delete', softDeleteColumn: 'deleted_at', graceDays: 90 });
    expect(policy('dataservice.ds_ledgers')).toMatchObject({ basis: 'compliance-hold', retentionDays: 7 * 365 });
    expect(policy('dataservice.ds_ledger_entries')).toMatchObject({ basis: 'compliance-hold', retentionDays: 7 * 365 });
    expect(policy('dataservice.ds_events')).toMatchObject({ basis: 'audit-trail', retentionDays: 2 * 365, timestampColumn: 'created_at' });
    for (const t of ['dataservice.ds_users', 'dataservice.ds_providers']) expect(policy(t)).toMatchObject({ basis: 'indefinite', retentionDays: null, softDeleteColumn: 'deleted_at', graceDays: null });
    // Partitioned usage_events is one table, with its partitions' rows and size.
    const events = report.tables.find((t) => t.table === 'platform.usage_events')!;
    expect(events.estimatedRows).toBeGreaterThan(1000);
    expect(events.sizeBytes).toBeGreaterThan(0);
    expect(report.tables.filter((t) => t.estimatedRows === null || t.sizeBytes === 0).map((t) => t.table)).toEqual([]);
    expect(report.tables.some((t) => /usage_events_\d/.test(t.table))).toBe(false);
  });

  it('equals plain SQL counts, with rows placed on both sides of each retention boundary', async () => {
    // The document-000 tables must be among those straddled, and most of the others.
    expect(straddled).toEqual(expect.arrayContaining(['dataservice.ds_uploads:deleted_at', 'dataservice.ds_events:created_at', 'dataservice.ds_ledgers:created_at', 'dataservice.ds_ledger_entries:created_at']));
    expect(straddled.length).toBeGreaterThanOrEqual(12);
    const report = await computeRetention(db.url, demoPolicies, { environment: 'local' });
    for (const t of report.tables) {
      const p = t.policy as TablePolicy;
      expect(t.countsAreEstimates, t.table).toBe(false);
      const expected = {
        rowsPastRetention: p.retentionDays !== null && p.timestampColumn ? await olderCount(t.table, p.timestampColumn, p.retentionDays, report.computedAt) : null,
        softDeletedPastGrace: p.softDeleteColumn && p.graceDays != null ? await olderCount(t.table, p.softDeleteColumn, p.graceDays, report.computedAt) : null,
      };
      expect({ rowsPastRetention: t.rowsPastRetention, softDeletedPastGrace: t.softDeletedPastGrace }, t.table).toEqual(expected);
      if (p.timestampColumn) {
        const [schema, name] = t.table.split('.') as [string, string];
        const [row] = await db.sql.unsafe(`select min(${quoteIdent(p.timestampColumn)}) as v from ${quoteQualified(schema, name)}`);
        expect(t.oldestRow, t.table).toBe(row!.v === null ? null : new Date(row!.v as Date).toISOString());
      }
    }
    // The straddling rows themselves: ds_uploads deleted 90 days + 1 hour ago is past grace, 90 days − 1 hour is not.
    const uploads = report.tables.find((t) => t.table === 'dataservice.ds_uploads')!;
    const [edge] = await db.sql.unsafe(`
      select count(*) filter (where deleted_at between now() - interval '90 days' - interval '2 hours' and now() - interval '90 days') ::int as past,
             count(*) filter (where deleted_at between now() - interval '90 days' and now() - interval '90 days' + interval '2 hours')::int as short
      from dataservice.ds_uploads`);
    expect(edge).toEqual({ past: 1, short: 1 });
    expect(uploads.softDeletedPastGrace).toBeGreaterThanOrEqual(1);
  });

  it('the purge preview counts exactly what its DELETE removes (run in a transaction that is rolled back)', async () => {
    const before = await snapshot(db.sql);
    const report = await computeRetention(db.url, demoPolicies);
    const previews = report.tables.filter((t) => t.purgeSql);
    expect(previews.map((t) => t.table)).toEqual(expect.arrayContaining(['dataservice.ds_uploads', 'dataservice.ds_events', 'dataservice.ds_ledgers']));
    expect(previews.filter((t) => (t.purgeRows ?? 0) > 0).length).toBeGreaterThanOrEqual(5);
    for (const t of previews) {
      expect(t.purgeSql).toMatch(/^DELETE FROM "[a-z_]+"\."[a-z_]+"\nWHERE .+;$/s);
      let removed = -1;
      await db.sql
        .begin(async (tx) => {
          // Foreign keys are checked as enforcement would meet them: a purge that orphans rows fails here.
          removed = (await tx.unsafe(t.purgeSql!)).count;
          throw new Error('rollback');
        })
        .catch((error: Error) => {
          if (error.message !== 'rollback') throw error;
        });
      expect(removed, t.table).toBe(t.purgeRows);
    }
    expect(await snapshot(db.sql)).toEqual(before);
  });

  it('says which figures are estimates on big tables, and they come from the planner, not a scan', async () => {
    const report = await computeRetention(db.url, demoPolicies, { exactCountLimit: 0 });
    const exact = await computeRetention(db.url, demoPolicies);
    for (const t of report.tables.filter((x) => x.purgeSql)) {
      expect(t.countsAreEstimates, `${t.table} ${t.estimatedRows}`).toBe(true);
      expect(Number.isInteger(t.purgeRows), t.table).toBe(true);
    }
    // An index that starts with the column still gives the exact oldest row; otherwise statistics do.
    const audit = report.tables.find((t) => t.table === 'platform.audit_log')!;
    expect(audit.oldestRowIsEstimate).toBe(false);
    expect(audit.oldestRow).toBe(exact.tables.find((t) => t.table === 'platform.audit_log')!.oldestRow);
    const events = report.tables.find((t) => t.table === 'dataservice.ds_ledger_entries')!;
    expect(events.oldestRowIsEstimate).toBe(true);
    expect(events.oldestRow).not.toBeNull();
    // A planner estimate of ds_uploads' purge is in the right neighbourhood of the truth.
    const uploads = (r: typeof report) => r.tables.find((t) => t.table === 'dataservice.ds_uploads')!.purgeRows!;
    expect(Math.abs(uploads(report) - uploads(exact))).toBeLessThanOrEqual(Math.max(5, uploads(exact)));
  });
});

describe('computeRetention on other databases', () => {
  let other: ScratchDatabase;
  beforeAll(async () => {
    other = await createScratchDatabase('ret_other');
    await other.sql.unsafe(`
      create schema app;
      create table app.sessions (id int primary key, started_at timestamptz not null);
      create table app."Odd ""Name""" (id int);
      create schema strata; create table strata.bookkeeping (id int);
      insert into app.sessions select g, now() - make_interval(days => g) + interval '1 hour' from generate_series(1, 40) g;`);
  });
  afterAll(async () => {
    await other?.drop();
  });

  it('shows tables without a policy as unclassified, reports policies for missing tables, and names a missing column', async () => {
    const policies: TablePolicy[] = [
      { table: 'app.sessions', basis: 'rolling-window', retentionDays: 30, timestampColumn: 'ended_at', classification: [] },
      { table: 'app.gone', basis: 'indefinite', retentionDays: null, timestampColumn: null, classification: ['PII'] },
    ];
    const report = await computeRetention(other.url, policies);
    expect(report.tables.map((t) => t.table)).toEqual(['app.Odd "Name"', 'app.sessions']);
    expect(report.coverage).toEqual({ classified: 1, total: 2 });
    expect(report.unmatchedPolicies).toEqual(['app.gone']);
    const sessions = report.tables.find((t) => t.table === 'app.sessions')!;
    expect(sessions.problem).toMatch(/ended_at/);
    expect(sessions.rowsPastRetention).toBeNull();
    expect(report.tables.find((t) => t.table === 'app.Odd "Name"')!.policy).toBeNull();
  });

  it('counts a rolling window from the column the policy names', async () => {
    const report = await computeRetention(other.url, [{ table: 'app.sessions', basis: 'rolling-window', retentionDays: 30, timestampColumn: 'started_at', classification: [] }]);
    const sessions = report.tables.find((t) => t.table === 'app.sessions')!;
    expect(sessions).toMatchObject({ rowsPastRetention: 10, purgeRows: 10, softDeletedPastGrace: null, countsAreEstimates: false });
    expect(sessions.purgeSql).toBe(`DELETE FROM "app"."sessions"\nWHERE "started_at" < now() - interval '30 days';`);
  });

  it('an unreachable database is a clear CONNECTION_FAILED error', async () => {
    const error = await computeRetention('postgres://nobody:secret@127.0.0.1:1/none', []).catch((e: unknown) => e);
    expect(isStrataError(error, 'CONNECTION_FAILED')).toBe(true);
    expect(String((error as Error).message)).not.toContain('secret');
  });
});
