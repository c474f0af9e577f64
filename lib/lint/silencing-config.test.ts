import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { isStrataError } from '../errors';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { findingsOf, lintFixture, WITH_TIMEOUT } from '../../test/lint/lint-fixtures';
import { lintProject } from './lint-project';
import { loadLintConfig } from './load-config';

const INDEX = 'CREATE INDEX ix_accounts_name ON public.accounts (name);';
const rollback = 'DROP INDEX ix_accounts_name;';

describe('silencing a statement', () => {
  it('keeps a silenced finding in the report with its reason, and does not count it', async () => {
    const sql = `${WITH_TIMEOUT}-- built in the maintenance window, table has 200 rows\n-- strata-lint-ignore create-index-without-concurrently: accounts is tiny\n${INDEX}`;
    const report = await lintFixture(sql, { rollback });
    const [finding] = findingsOf(report);
    expect(finding).toMatchObject({ ruleId: 'create-index-without-concurrently', line: 4, silenced: { reason: 'accounts is tiny', line: 3 } });
    expect([report.errors, report.warnings, report.silenced]).toEqual([0, 0, 1]);
  });

  it('silences several rules at once, only on the statement below', async () => {
    const sql = `-- strata-lint-ignore missing-lock-timeout, drop-column: column unused since v2\nALTER TABLE public.accounts DROP COLUMN nickname;\nALTER TABLE public.accounts DROP COLUMN score;`;
    const findings = findingsOf(await lintFixture(sql, { rollback: 'ALTER TABLE public.accounts ADD COLUMN nickname text, ADD COLUMN score integer;' }));
    expect(findings.map((f) => [f.ruleId, f.statementIndex, Boolean(f.silenced)])).toEqual([
      ['missing-lock-timeout', 0, true],
      ['drop-column', 0, true],
      ['drop-column', 1, false],
    ]);
  });

  it('does not silence without a reason, and says so as an error', async () => {
    const report = await lintFixture(`${WITH_TIMEOUT}-- strata-lint-ignore create-index-without-concurrently\n${INDEX}`, { rollback });
    expect(findingsOf(report).map((f) => [f.ruleId, f.severity, f.line, Boolean(f.silenced)])).toEqual([
      ['lint-ignore-needs-reason', 'error', 2, false],
      ['create-index-without-concurrently', 'error', 3, false],
    ]);
    expect(report.errors).toBe(2);
  });

  it('reports a silence naming an unknown rule (a typo silences nothing)', async () => {
    const report = await lintFixture(`${WITH_TIMEOUT}-- strata-lint-ignore create-index-without-concurrenty: small table\n${INDEX}`, { rollback });
    expect(findingsOf(report).map((f) => [f.ruleId, f.message])).toEqual([
      ['lint-ignore-unknown-rule', 'strata-lint-ignore names unknown rule create-index-without-concurrenty'],
      ['create-index-without-concurrently', 'index ix_accounts_name on public.accounts is built without CONCURRENTLY: writes to public.accounts wait for the whole build'],
    ]);
  });

  it('silences a file-level finding from the comments at the top of the file', async () => {
    const sql = `-- strata-lint-ignore missing-rollback: data fix, cannot be undone\n${WITH_TIMEOUT}UPDATE public.accounts SET score = 0;`;
    const report = await lintFixture(sql, { rollback: null });
    expect(findingsOf(report).map((f) => [f.ruleId, f.silenced?.reason])).toEqual([['missing-rollback', 'data fix, cannot be undone']]);
    expect(report.warnings).toBe(0);
  });
});

describe('strata-lint.json', () => {
  const project = (config: unknown) => {
    const up = `ALTER TABLE public.accounts ADD COLUMN region text;\n${INDEX}`;
    const dir = writeFixtureProject([{ name: 'index', up, down: `${rollback}\nALTER TABLE public.accounts DROP COLUMN region;` }]);
    if (config !== undefined) fs.writeFileSync(path.join(dir, 'strata-lint.json'), typeof config === 'string' ? config : JSON.stringify(config));
    return dir;
  };
  const lint = async (dir: string) => lintProject(readProject(dir));
  const malformed = (dir: string) => {
    try {
      loadLintConfig(dir);
    } catch (error) {
      if (isStrataError(error, 'MALFORMED_PROJECT')) return error.message;
      throw error;
    }
    throw new Error('no error');
  };

  it('turns rules off and changes their severity', async () => {
    const defaults = await lint(project(undefined));
    expect(findingsOf(defaults).map((f) => [f.ruleId, f.severity])).toEqual([
      ['missing-lock-timeout', 'warning'],
      ['create-index-without-concurrently', 'error'],
    ]);
    const tuned = await lint(project({ rules: { 'create-index-without-concurrently': 'warning', 'missing-lock-timeout': 'off' } }));
    expect(findingsOf(tuned).map((f) => [f.ruleId, f.severity])).toEqual([['create-index-without-concurrently', 'warning']]);
    expect([tuned.errors, tuned.warnings]).toEqual([0, 1]);
  });

  it('refuses a bad file, naming the file and the key', () => {
    expect(malformed(project('{ "rules": '))).toMatch(/strata-lint\.json is not valid JSON/);
    expect(malformed(project({ rules: { 'no-such-rule': 'off' } }))).toMatch(/strata-lint\.json: rules\.no-such-rule: unknown rule "no-such-rule"/);
    expect(malformed(project({ rules: { 'drop-table': 'fatal' } }))).toMatch(/strata-lint\.json: rules\.drop-table: /);
    expect(malformed(project({ indexPrefix: ['ix_'] }))).toMatch(/strata-lint\.json: indexPrefix: /);
    expect(malformed(project({ timestampColumns: 'created_at' }))).toMatch(/strata-lint\.json: timestampColumns: /);
  });

  it('silences applied history from an ignore entry with a reason, by change set, rule and line', async () => {
    const [tag] = readProject(project(undefined)).changeSets.map((c) => c.tag);
    const line = findingsOf(await lint(project(undefined))).find((f) => f.ruleId === 'create-index-without-concurrently')!.line;
    const reason = 'applied in 2024, when accounts was empty';
    const ignored = await lint(project({ ignore: [{ changeSet: tag, rules: ['create-index-without-concurrently'], lines: [line], reason }] }));
    expect(findingsOf(ignored).map((f) => [f.ruleId, f.silenced])).toEqual([
      ['missing-lock-timeout', undefined],
      ['create-index-without-concurrently', { reason, line: 0, source: 'config' }],
    ]);
    expect([ignored.errors, ignored.silenced]).toEqual([0, 1]);
    // Another line, or another change set, is not covered.
    const elsewhere = await lint(project({ ignore: [{ changeSet: tag, rules: ['create-index-without-concurrently'], lines: [line + 1], reason }] }));
    expect(elsewhere.errors).toBe(1);
    expect((await lint(project({ ignore: [{ changeSet: '0007', rules: ['create-index-without-concurrently'], reason }] }))).errors).toBe(1);
    expect(malformed(project({ ignore: [{ changeSet: tag, rules: ['create-index-without-concurrently'] }] }))).toMatch(/ignore\.0\.reason/);
    expect(malformed(project({ ignore: [{ changeSet: tag, rules: ['nope'], reason }] }))).toMatch(/ignore\.0\.rules: unknown rule "nope"/);
  });

  it('reads list settings', () => {
    expect(loadLintConfig(project({ indexPrefixes: ['i_'], timestampColumns: ['inserted_at'] }))).toMatchObject({
      indexPrefixes: ['i_'],
      indexSuffixes: ['_idx', '_key', '_pkey', '_uniq', '_index'],
      timestampColumns: ['inserted_at'],
    });
    expect(loadLintConfig(project({ batchingRowThreshold: 5_000 })).batchingRowThreshold).toBe(5_000);
    expect(loadLintConfig(project(undefined)).batchingRowThreshold).toBe(100_000);
    expect(malformed(project({ batchingRowThreshold: 0 }))).toMatch(/strata-lint\.json: batchingRowThreshold: /);
    expect(malformed(project({ batchingRowThreshold: '1e5' }))).toMatch(/strata-lint\.json: batchingRowThreshold: /);
  });
});

describe('linting some change sets', () => {
  it('reports only the tags asked for, judged against every earlier change set', async () => {
    const dir = writeFixtureProject([
      { name: 'create', up: 'CREATE TABLE public.t (id bigint PRIMARY KEY, v text, created_at timestamptz, updated_at timestamptz);', down: 'DROP TABLE public.t;' },
      { name: 'index', up: 'CREATE INDEX ix_t_v ON public.t (v);', down: 'DROP INDEX ix_t_v;' },
    ]);
    const report = await lintProject(readProject(dir), { tags: ['1'] });
    expect(report.changeSets.map((c) => [c.tag, c.findings.map((f) => f.ruleId)])).toEqual([['0001_index', ['create-index-without-concurrently']]]);
    await expect(lintProject(readProject(dir), { tags: ['0009_nope'] })).rejects.toThrow(/No change set "0009_nope"/);
  });
});
