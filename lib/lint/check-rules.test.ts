import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { lintProject } from './lint-project';
import type { LintReport } from './types';

const TABLE = 'CREATE TABLE public.t (id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());';

/** A one-change-set project with this checks file (and optionally others in checks/). */
function withChecks(checks: string, options: { noTransaction?: boolean; extra?: Record<string, string> } = {}): string {
  const up = options.noTransaction ? `-- strata:no-transaction\nCREATE INDEX CONCURRENTLY ix_t_created ON public.t (created_at);` : TABLE;
  const dir = writeFixtureProject([{ name: 'base', up: TABLE, down: 'DROP TABLE public.t;' }, { name: 'change', up: options.noTransaction ? up : 'SELECT 1;', down: options.noTransaction ? '-- strata:no-transaction\nDROP INDEX CONCURRENTLY public.ix_t_created;' : 'SELECT 1;' }]);
  fs.mkdirSync(path.join(dir, 'checks'));
  fs.writeFileSync(path.join(dir, 'checks', '0001_change.sql'), checks);
  for (const [name, text] of Object.entries(options.extra ?? {})) fs.writeFileSync(path.join(dir, 'checks', name), text);
  return dir;
}

const checkFindings = (report: LintReport) =>
  [...report.changeSets.flatMap((c) => c.findings), ...(report.projectFindings ?? [])].filter((f) => f.fileKind === 'checks').map((f) => [f.ruleId, f.severity, f.file, f.line]);

describe('lint knows checks files', () => {
  it('passes a good checks file', async () => {
    const report = await lintProject(readProject(withChecks('-- strata:before\n-- t is there\nselect 1 where to_regclass(\'public.t\') is null;\n\n-- no row without a time\nselect id from public.t where created_at is null;\n')));
    expect(checkFindings(report)).toEqual([]);
  });

  it('reports a checks file that does not parse, as an error at its line', async () => {
    const report = await lintProject(readProject(withChecks('-- fine\nselect 1 where false;\n\n-- broken\nselec id from public.t;\n')));
    expect(checkFindings(report)).toEqual([['sql-syntax-error', 'error', 'checks/0001_change.sql', 5]]);
    expect(report.errors).toBe(1);
  });

  it('reports checks that are not read-only, each at its line', async () => {
    const report = await lintProject(readProject(withChecks('-- fix it\nupdate public.t set created_at = now();\n\n-- copy\nselect id into public.t2 from public.t;\n\n-- fine\nvalues (1) except values (1);\n')));
    expect(checkFindings(report)).toEqual([
      ['check-not-read-only', 'error', 'checks/0001_change.sql', 2],
      ['check-not-read-only', 'error', 'checks/0001_change.sql', 5],
    ]);
    const [update] = report.changeSets[1]!.findings;
    expect(update!.message).toBe('this check is an UPDATE; a check must be a read-only query');
  });

  it('reports a checks file whose change set is not in the journal', async () => {
    const report = await lintProject(readProject(withChecks('-- fine\nselect 1 where false;\n', { extra: { '0002_renamed_away.sql': '-- lost\nselect 1 where false;\n' } })));
    expect(checkFindings(report)).toEqual([['check-without-change-set', 'error', 'checks/0002_renamed_away.sql', 1]]);
    expect(report.errors).toBe(1);
    // Linting only some change sets (a dry run's plan) does not look at the folder.
    expect((await lintProject(readProject(withChecks('select 1 where false;', { extra: { '0009_x.sql': 'select 1;' } })), { tags: ['0001'] })).projectFindings).toEqual([]);
  });

  it('warns about a check without a comment and an after-check on a no-transaction change set', async () => {
    const report = await lintProject(readProject(withChecks('select 1 where false;\n', { noTransaction: true })));
    expect(checkFindings(report)).toEqual([
      ['check-without-comment', 'warning', 'checks/0001_change.sql', 1],
      ['check-after-no-transaction', 'warning', 'checks/0001_change.sql', 1],
    ]);
    const before = await lintProject(readProject(withChecks('-- strata:before\n-- nothing yet\nselect 1 where false;\n', { noTransaction: true })));
    expect(checkFindings(before)).toEqual([]);
  });

  it('the demo and the checked fixture have no check findings', async () => {
    for (const dir of ['drizzle/demo', 'test/fixtures/checked']) expect(checkFindings(await lintProject(readProject(dir))), dir).toEqual([]);
  });
});
