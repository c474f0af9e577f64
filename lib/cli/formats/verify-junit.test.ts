import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';
import { xml } from './junit';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('verifyjunit');
});
afterAll(async () => {
  await db?.drop();
});

interface Case {
  classname: string;
  name: string;
  time: string;
  failure?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
}

function parseJunit(text: string) {
  expect(XMLValidator.validate(text)).toBe(true);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(text);
  const suite = parsed.testsuites.testsuite[0];
  return { root: parsed.testsuites, suite, cases: suite.testcase as Case[] };
}

describe('strata verify --format junit', () => {
  it('parses as JUnit XML with one case per change set and step: passes, failures with the reason, skips for steps not run', async () => {
    const dir = writeFixtureProject([
      { name: 'accounts', up: 'CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text);', down: 'DROP TABLE public.accounts;' },
      // The rollback leaves the column: compare-before fails, naming it.
      { name: 'region', up: 'ALTER TABLE public.accounts ADD COLUMN IF NOT EXISTS region text;', down: 'SELECT 1;' },
      { name: 'no_down', up: 'CREATE TABLE public.c (id int);' },
      { name: 'broken', up: 'ALTER TABLE public.nope ADD COLUMN x int;', down: 'SELECT 1;' },
      { name: 'after', up: 'SELECT 1;', down: 'SELECT 1;' },
    ]);
    const run = await cli('verify', '--database-url', db.url, '--dir', dir, '--format', 'junit');
    expect(run.code, run.stderr).toBe(1);
    const { root, suite, cases } = parseJunit(run.stdout);
    expect(cases.map((c) => `${c.classname} ${c.name} ${c.failure ? 'failed' : c.skipped ? 'skipped' : 'passed'}`)).toEqual([
      '0000_accounts apply passed',
      '0000_accounts rollback passed',
      '0000_accounts compare-before passed',
      '0000_accounts reapply passed',
      '0000_accounts compare-first passed',
      '0001_region apply passed',
      '0001_region rollback passed',
      '0001_region compare-before failed',
      '0001_region reapply passed',
      '0001_region compare-first passed',
      '0002_no_down apply passed',
      '0002_no_down rollback skipped',
      '0002_no_down compare-before skipped',
      '0002_no_down reapply skipped',
      '0002_no_down compare-first skipped',
      '0003_broken apply failed',
      '0003_broken rollback skipped',
      '0003_broken compare-before skipped',
      '0003_broken reapply skipped',
      '0003_broken compare-first skipped',
      '0004_after apply skipped',
      '0004_after rollback skipped',
      '0004_after compare-before skipped',
      '0004_after reapply skipped',
      '0004_after compare-first skipped',
    ]);
    expect(suite).toMatchObject({ name: 'strata verify', tests: '25', failures: '2', skipped: '13', errors: '0' });
    expect(root).toMatchObject({ tests: '25', failures: '2', skipped: '13' });
    const mismatch = cases[7]!.failure!;
    expect(mismatch).toMatchObject({ type: 'rollback-mismatch', message: '0001_region compare-before: column public.accounts.region is still there after the rollback' });
    expect(mismatch['#text']).toBe('column public.accounts.region is still there after the rollback');
    expect(cases[15]!.failure).toMatchObject({ type: 'apply-failed', message: '0003_broken apply: relation "public.nope" does not exist' });
    expect(cases[11]!.skipped).toEqual({ message: 'not run: the change set has no rollback file' });
    expect(cases[16]!.skipped).toEqual({ message: 'not run: an earlier step failed (apply-failed)' });
    expect(cases[20]!.skipped!.message).toMatch(/^not run: 0003_broken failed to apply/);
    for (const c of cases) expect(Number(c.time)).toBeGreaterThanOrEqual(0);
  });

  it('a change set that says it is idempotent gets an idempotent case; all passing exits 0', async () => {
    const dir = writeFixtureProject([
      { name: 'notes', up: '-- strata:idempotent\nCREATE TABLE IF NOT EXISTS public.notes (id bigint PRIMARY KEY);', down: 'DROP TABLE public.notes;' },
    ]);
    const run = await cli('verify', '--database-url', db.url, '--dir', dir, '--format', 'junit');
    expect(run.code, run.stderr).toBe(0);
    const { suite, cases } = parseJunit(run.stdout);
    expect(cases.map((c) => c.name)).toEqual(['apply', 'rollback', 'compare-before', 'reapply', 'compare-first', 'idempotent']);
    expect(suite).toMatchObject({ tests: '6', failures: '0', skipped: '0' });
    // Nothing was created in the target: verify works on a shadow.
    expect(await db.sql`select count(*)::int as n from pg_tables where schemaname = 'public'`).toEqual([{ n: 0 }]);
  });

  it('escapes what XML cannot hold as it is', () => {
    expect(xml(`a<b & "c" 'd'>\u0001`)).toBe('a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;');
  });
});
