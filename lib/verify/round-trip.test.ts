import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { readProject } from '../changesets/project';
import { connect } from '../db/client';
import { SHADOW_PREFIX } from '../migrate/shadow-database';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { verifyProject } from './round-trip';

const server = () => inject('pgAdminUrl');
const verify = (changeSets: Parameters<typeof writeFixtureProject>[0]) => verifyProject(server(), readProject(writeFixtureProject(changeSets)));
const verdicts = (report: Awaited<ReturnType<typeof verifyProject>>) => report.changeSets.map((c) => [c.tag, c.verdict]);

/** Whether any of the run's own shadow databases still exists (other test files build shadows of their own meanwhile). */
async function stillThere(report: Awaited<ReturnType<typeof verifyProject>>): Promise<boolean> {
  expect(report.shadowDatabases.length).toBeGreaterThan(0);
  for (const name of report.shadowDatabases) expect(name.startsWith(SHADOW_PREFIX)).toBe(true);
  const sql = connect(server(), { max: 1 });
  try {
    return (await sql`select 1 from pg_database where datname = any(${report.shadowDatabases})`).length > 0;
  } finally {
    await sql.end();
  }
}

const TABLE = { name: 'accounts', up: 'CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text, created_at timestamptz);', down: 'DROP TABLE public.accounts;' };

describe('verifyProject', () => {
  it('passes change sets whose rollback undoes them exactly, and leaves no shadow database behind', async () => {
    const report = await verify([TABLE, { name: 'index', up: 'CREATE INDEX ix_accounts_name ON public.accounts (name);', down: 'DROP INDEX public.ix_accounts_name;' }]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_index', 'ok'],
    ]);
    expect(report.ok).toBe(true);
    expect(report.changeSets[1]!.steps.map((s) => [s.step, s.ok])).toEqual([
      ['apply', true],
      ['rollback', true],
      ['compare-before', true],
      ['reapply', true],
      ['compare-first', true],
    ]);
    expect(await stillThere(report)).toBe(false);
  });

  it('catches a rollback that forgets an index, naming it, and rebuilds the shadow the failed re-apply left half-done', async () => {
    const report = await verify([
      TABLE,
      { name: 'index', up: 'CREATE INDEX ix_accounts_name ON public.accounts (name);\nALTER TABLE public.accounts ADD COLUMN note text;', down: 'ALTER TABLE public.accounts DROP COLUMN note;' },
      // Needs 0001's column: on the shadow the failed re-apply left (index, no column) it could not apply.
      { name: 'after', up: 'CREATE INDEX ix_accounts_note ON public.accounts (note);', down: 'DROP INDEX public.ix_accounts_note;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_index', 'rollback-mismatch'],
      ['0002_after', 'ok'],
    ]);
    const compare = report.changeSets[1]!.steps.find((s) => s.step === 'compare-before')!;
    expect(compare.differences).toEqual(['index public.ix_accounts_name on public.accounts is still there after the rollback']);
    // Re-applying then fails on the leftover index: reported as the step's detail.
    expect(report.changeSets[1]!.steps.find((s) => s.step === 'reapply')).toMatchObject({ ok: false, detail: expect.stringMatching(/ix_accounts_name.*already exists/) });
    expect(report.changeSets.map((c) => c.shadowRebuilt ?? false)).toEqual([false, true, false]);
    expect(report.shadowDatabases).toHaveLength(2);
    expect(await stillThere(report)).toBe(false);
    expect(report.ok).toBe(false);
  });

  it('catches a rollback that leaves a column behind, naming it, and goes on with the next change set', async () => {
    const report = await verify([
      TABLE,
      { name: 'column', up: 'ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS region text;', down: '-- forgot the column' },
      { name: 'after', up: 'CREATE TABLE public.notes (id bigint PRIMARY KEY);', down: 'DROP TABLE public.notes;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_column', 'rollback-mismatch'],
      ['0002_after', 'ok'],
    ]);
    expect(report.changeSets[1]!.steps.find((s) => s.step === 'compare-before')!.differences).toEqual(['column public.accounts.region is still there after the rollback']);
    expect(report.counts).toMatchObject({ ok: 2, 'rollback-mismatch': 1 });
  });

  it('catches a rollback that drops a function CASCADE and with it an earlier change set\'s trigger (crates.io 2025-02-11)', async () => {
    const fn = (body: string) => `CREATE OR REPLACE FUNCTION public.bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN ${body}; RETURN NEW; END $$;`;
    const report = await verify([
      {
        name: 'counter',
        up: `CREATE TABLE public.t (n int);\n${fn('NEW.n := 1')}\nCREATE TRIGGER t_bump BEFORE INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.bump();`,
        down: 'DROP TABLE public.t;\nDROP FUNCTION public.bump();',
      },
      { name: 'fix', up: fn('NEW.n := 2'), down: 'DROP FUNCTION public.bump() CASCADE;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_counter', 'ok'],
      ['0001_fix', 'rollback-mismatch'],
    ]);
    const steps = report.changeSets[1]!.steps;
    expect(steps.find((s) => s.step === 'compare-before')!.differences).toEqual([
      'function bump() is missing after the rollback (it existed before the apply)',
      'trigger t_bump on t is missing after the rollback (it existed before the apply)',
    ]);
    expect(steps.find((s) => s.step === 'compare-first')!.differences).toEqual(['trigger t_bump on t is missing after the re-apply']);
  });

  it('reports a rollback PostgreSQL refuses with its message, and one without a rollback file', async () => {
    const report = await verify([
      TABLE,
      { name: 'bad_down', up: 'CREATE TABLE public.b (id int);', down: 'DROP TABLE public.no_such_table;' },
      { name: 'no_down', up: 'CREATE TABLE public.c (id int);' },
      { name: 'later', up: 'CREATE TABLE public.d (id int);', down: 'DROP TABLE public.d;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_bad_down', 'rollback-failed'],
      ['0002_no_down', 'no-rollback'],
      ['0003_later', 'ok'],
    ]);
    expect(report.changeSets[1]!.steps.find((s) => s.step === 'rollback')!.detail).toMatch(/no_such_table.*does not exist/);
  });

  it('applies a change set that claims to be idempotent over itself: IF NOT EXISTS passes, a plain CREATE does not', async () => {
    const report = await verify([
      { name: 'good', up: '-- strata:idempotent\nCREATE TABLE IF NOT EXISTS public.a (id int);\nCREATE INDEX IF NOT EXISTS ix_a_id ON public.a (id);', down: 'DROP TABLE public.a;' },
      { name: 'bad', up: '-- strata:idempotent\nCREATE TABLE public.b (id int);', down: 'DROP TABLE public.b;' },
      { name: 'unclaimed', up: 'CREATE TABLE public.c (id int);', down: 'DROP TABLE public.c;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_good', 'ok'],
      ['0001_bad', 'not-idempotent'],
      ['0002_unclaimed', 'ok'],
    ]);
    expect(report.changeSets.map((c) => c.claimsIdempotent)).toEqual([true, true, false]);
    expect(report.changeSets.map((c) => c.guards)).toEqual([{ allGuarded: true, unguarded: [] }, { allGuarded: false, unguarded: ['line 2: CREATE TABLE without IF NOT EXISTS'] }, undefined]);
    expect(report.changeSets[1]!.steps.find((s) => s.step === 'idempotent')!.detail).toMatch(/"b" already exists/);
  });

  it('stops at a forward apply that fails: nothing after it can be verified', async () => {
    const report = await verify([TABLE, { name: 'broken', up: 'ALTER TABLE public.nope ADD COLUMN x int;', down: 'SELECT 1;' }, { name: 'after', up: 'SELECT 1;', down: 'SELECT 1;' }]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_broken', 'apply-failed'],
      ['0002_after', 'not-run'],
    ]);
    expect(report.changeSets[1]!.steps[0]!.detail).toMatch(/public.nope.*does not exist/);
    expect(report.changeSets[2]!.notRunBecause).toBe('0001_broken failed to apply, and everything after it builds on it');
    expect(await stillThere(report)).toBe(false);
  });

  it('runs -- strata:no-transaction change sets (CONCURRENTLY) both ways, and rebuilds after a rollback that failed half-way outside a transaction', async () => {
    const report = await verify([
      TABLE,
      {
        name: 'concurrent',
        up: '-- strata:no-transaction\n-- strata:idempotent\nCREATE INDEX CONCURRENTLY IF NOT EXISTS ix_accounts_name ON public.accounts (name);',
        down: '-- strata:no-transaction\nDROP INDEX CONCURRENTLY IF EXISTS public.ix_accounts_name;',
      },
      {
        name: 'half_down',
        up: '-- strata:no-transaction\nCREATE INDEX CONCURRENTLY ix_accounts_created ON public.accounts (created_at);\nCREATE INDEX CONCURRENTLY ix_accounts_id_name ON public.accounts (id, name);',
        // The first drop runs and stays (no transaction), the second names an index that does not exist.
        down: '-- strata:no-transaction\nDROP INDEX CONCURRENTLY public.ix_accounts_created;\nDROP INDEX CONCURRENTLY public.ix_accounts_typo;',
      },
      // Needs 0002's first index, which the half-run rollback took away.
      { name: 'rename', up: 'ALTER INDEX public.ix_accounts_created RENAME TO ix_accounts_created_at;', down: 'ALTER INDEX public.ix_accounts_created_at RENAME TO ix_accounts_created;' },
    ]);
    expect(verdicts(report)).toEqual([
      ['0000_accounts', 'ok'],
      ['0001_concurrent', 'ok'],
      ['0002_half_down', 'rollback-failed'],
      ['0003_rename', 'ok'],
    ]);
    expect(report.changeSets[1]!.steps.map((s) => s.step)).toEqual(['apply', 'rollback', 'compare-before', 'reapply', 'compare-first', 'idempotent']);
    expect(report.changeSets[2]!.steps.find((s) => s.step === 'rollback')!.detail).toMatch(/ix_accounts_typo.*does not exist/);
    expect(report.changeSets[2]!.shadowRebuilt).toBe(true);
    expect(await stillThere(report)).toBe(false);
  });

  it('verifies only the tags asked for (the change sets before them applied first), refuses an unknown one, and reports progress', async () => {
    const dir = writeFixtureProject([
      TABLE,
      { name: 'leaky', up: 'ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS region text;', down: 'SELECT 1;' },
      { name: 'index', up: 'CREATE INDEX ix_accounts_region ON public.accounts (region);', down: 'DROP INDEX public.ix_accounts_region;' },
      { name: 'later', up: 'CREATE TABLE public.notes (id int);', down: 'DROP TABLE public.notes;' },
    ]);
    const events: unknown[] = [];
    await expect(verifyProject(server(), readProject(dir), { tags: ['0009_nothing'] })).rejects.toThrow(/No change set "0009_nothing"/);
    const report = await verifyProject(server(), readProject(dir), { tags: ['0002'], onProgress: (e) => events.push(e) });
    // 0001's leaky rollback is not judged: only 0002 is, on a shadow holding 0000 and 0001.
    expect(verdicts(report)).toEqual([['0002_index', 'ok']]);
    expect(events).toEqual([{ type: 'verify-changeset', tag: '0002_index', position: 2, total: 4, verdict: 'ok' }]);
    expect(report.ok).toBe(true);
  });

  it('round-trips the whole demo project', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    const report = await verifyProject(server(), readProject(path.join(root, 'drizzle/demo')));
    expect(report.changeSets.filter((c) => c.verdict !== 'ok').map((c) => [c.tag, c.verdict, c.steps.flatMap((s) => s.differences ?? (s.detail ? [s.detail] : []))])).toEqual([]);
    expect(report.changeSets).toHaveLength(20);
  });
});
