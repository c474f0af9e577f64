import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { writeFixtureProject } from '../../../test/support/fixture-project';
import { createScratchDatabase, type ScratchDatabase } from '../../../test/support/scratch-database';

const STAMPS = 'created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()';

/** A project that creates public.customers, then adds a NOT NULL column without a default to it. */
function notNullProject(): string {
  return writeFixtureProject([
    { name: 'customers', up: `CREATE TABLE public.customers (id bigint PRIMARY KEY, ${STAMPS});`, down: 'DROP TABLE public.customers;' },
    {
      name: 'add_region',
      up: "SET LOCAL lock_timeout = '5s';\n--> statement-breakpoint\nALTER TABLE public.customers ADD COLUMN region text NOT NULL;",
      down: 'ALTER TABLE public.customers DROP COLUMN region;',
    },
  ]);
}

describe('strata lint (offline)', () => {
  it('prints one block per finding with why and what instead, a summary, and exits 1 on errors', async () => {
    const dir = writeFixtureProject([
      { name: 'accounts', up: `CREATE TABLE public.accounts (id bigint PRIMARY KEY, name text, ${STAMPS});`, down: 'DROP TABLE public.accounts;' },
      { name: 'accounts_name', up: 'CREATE INDEX ix_accounts_name ON public.accounts (name);', down: 'DROP INDEX ix_accounts_name;' },
    ]);
    const result = await cli('lint', '--dir', dir);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toContain(
      'migrations/0001_accounts_name.sql:1  error  create-index-without-concurrently  index ix_accounts_name on public.accounts is built without CONCURRENTLY',
    );
    expect(result.stdout).toMatch(/^ {4}why: CREATE INDEX without CONCURRENTLY holds a SHARE lock/m);
    expect(result.stdout).toMatch(/^ {4}instead: CREATE INDEX CONCURRENTLY in a change set of its own/m);
    expect(result.stdout).toMatch(/^2 change sets linted \(no target: PostgreSQL 18 assumed, row counts unknown\): 1 error, 0 warnings, 0 silenced, in \d+ ms\.$/m);
  });

  it('exits 0 when there are only warnings, and --json prints the LintReport', async () => {
    const result = await cli('lint', '--dir', notNullProject(), '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ errors: 0, warnings: 1, silenced: 0, serverVersion: 18 });
    expect(report.changeSets.map((c: { tag: string }) => c.tag)).toEqual(['0000_customers', '0001_add_region']);
    expect(report.changeSets[1].findings).toEqual([
      expect.objectContaining({ ruleId: 'add-not-null-column-without-default', severity: 'warning', file: 'migrations/0001_add_region.sql', line: 3, statementIndex: 1 }),
    ]);
  });

  it('--rules lists every rule by category; a folder that is not a project is a usage error', async () => {
    const rules = await cli('lint', '--rules');
    expect(rules.code).toBe(0);
    expect(rules.stdout).toMatch(/^locking\n {2}create-index-without-concurrently +error +Index built without CONCURRENTLY/m);
    expect(rules.stdout).toMatch(/^hygiene$/m);
    const json = JSON.parse((await cli('lint', '--rules', '--json')).stdout);
    expect(json.length).toBeGreaterThanOrEqual(30);
    const missing = await cli('lint', '--dir', '/tmp/no-such-strata-project');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/MALFORMED_PROJECT.*Project folder not found/);
  });
});

describe('strata lint against a target', () => {
  let db: ScratchDatabase;
  beforeAll(async () => {
    db = await createScratchDatabase('lintcli');
    await db.sql.unsafe(`CREATE TABLE public.customers (id bigint PRIMARY KEY, ${STAMPS})`);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('uses the target: nothing on an empty table, an error once it has rows', async () => {
    const dir = notNullProject();
    const empty = await cli('lint', '--dir', dir, '--database-url', db.url, '--json');
    expect(empty.code, empty.stderr).toBe(0);
    const emptyReport = JSON.parse(empty.stdout);
    expect(emptyReport).toMatchObject({ errors: 0, warnings: 0, serverVersion: 18 });

    await db.sql.unsafe('INSERT INTO public.customers (id) SELECT g FROM generate_series(1, 3) g');
    const full = await cli('lint', '--dir', dir, '--database-url', db.url);
    expect(full.code).toBe(1);
    expect(full.stdout).toContain('error  add-not-null-column-without-default  NOT NULL column region is added to public.customers without a default: fails, public.customers has 3 rows');
    expect(full.stdout).toMatch(/linted \(PostgreSQL 18 and row counts from the database\): 1 error/);
  });
});
