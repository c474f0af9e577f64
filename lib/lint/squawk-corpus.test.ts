import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../../test/support/corpus-dumps';
import { agreementTable, readSquawkCases, runSquawkCase, SQUAWK_TO_STRATA, type CaseResult } from '../../test/lint/squawk-corpus-runner';
import known from '../../test/lint/squawk-known-disagreements.json';

// Squawk's own test cases (sbdchd/squawk, /work/shared/corpus/squawk), read in place. Each case
// runs through Strata's linter with squawk's pg_version; a case agrees when the Strata rule(s)
// mapped to its squawk rule fire on a `trigger` case, and stay quiet on a `no_trigger` one.
const SQUAWK_DIR = path.join(CORPUS_DIR, 'squawk');
const present = fs.existsSync(path.join(SQUAWK_DIR, 'index.json'));

/** Agreement measured when the mapping was written: a regression below it fails. */
const MEASURED_AGREEMENT = 209;

describe.skipIf(!present)('squawk corpus', () => {
  let results: CaseResult[] = [];

  beforeAll(async () => {
    const cases = readSquawkCases(SQUAWK_DIR).filter((c) => SQUAWK_TO_STRATA[c.rule]);
    for (const c of cases) results.push(await runSquawkCase(SQUAWK_DIR, c));
  }, 120_000);

  it('agrees with squawk on at least the measured number of mapped cases, and prints the table', () => {
    const table = agreementTable(results);
    const lines = table.map(
      (r) => `${r.squawkRule.padEnd(45)} ${r.strataRules.join(' + ').padEnd(66)} ${`${r.agree}/${r.cases}`.padStart(6)}  trigger ${r.triggerAgree.padStart(5)}  no_trigger ${r.noTriggerAgree.padStart(5)}`,
    );
    const agree = results.filter((r) => r.agrees).length;
    console.log(`squawk corpus: ${agree}/${results.length} mapped cases agree (${((100 * agree) / results.length).toFixed(1)}%)\n${lines.join('\n')}`);
    expect(results.length).toBeGreaterThan(200);
    expect(agree).toBeGreaterThanOrEqual(MEASURED_AGREEMENT);
  });

  it('explains every disagreement, and every explanation still applies', () => {
    const disagreements = results.filter((r) => !r.agrees);
    const byFile = new Map(known.byFile.map((k) => [k.file, k.reason]));
    const explained = (r: CaseResult) => byFile.has(r.case.file) || known.byRule.some((k) => k.rule === r.case.rule && k.expect === r.case.expect);
    expect(disagreements.filter((r) => !explained(r)).map((r) => `${r.case.file} (${r.case.expect}; fired: ${r.fired.join(', ') || 'nothing'})`)).toEqual([]);
    const stillDisagreeing = new Set(disagreements.map((r) => r.case.file));
    expect(known.byFile.map((k) => k.file).filter((file) => !stillDisagreeing.has(file))).toEqual([]);
    for (const rule of known.byRule) expect(disagreements.some((r) => r.case.rule === rule.rule && r.case.expect === rule.expect)).toBe(true);
  });

  it('maps only squawk rules that exist in the corpus, onto Strata rules that exist', async () => {
    const { LINT_RULES } = await import('./rules');
    const ids = new Set(LINT_RULES.map((r) => r.id));
    const corpusRules = new Set(readSquawkCases(SQUAWK_DIR).map((c) => c.rule));
    for (const [squawk, strata] of Object.entries(SQUAWK_TO_STRATA)) {
      expect(corpusRules.has(squawk), squawk).toBe(true);
      for (const id of strata) expect(ids.has(id), id).toBe(true);
    }
  });
});
