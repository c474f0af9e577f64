import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_LINT_CONFIG } from '../../lib/lint/config';
import { lintProject } from '../../lib/lint/lint-project';
import { projectFromSql } from '../../lib/lint/sql-project';

/**
 * Runs squawk's own test cases (sbdchd/squawk, extracted into the shared corpus) through
 * Strata's linter. Squawk checks each case with one rule enabled; here each squawk rule maps
 * to the Strata rule(s) that judge the same hazard, and a case agrees when one of them fires
 * on a `trigger` case, or none does on a `no_trigger` case. Squawk rules with no Strata
 * equivalent are left out rather than forced onto a rule that means something else.
 */
export const SQUAWK_TO_STRATA: Record<string, string[]> = {
  'adding-field-with-default': ['add-column-rewrites-table'],
  'adding-foreign-key-constraint': ['constraint-without-not-valid'],
  'adding-not-nullable-field': ['set-not-null-on-existing-column'],
  'adding-required-field': ['add-not-null-column-without-default'],
  'adding-serial-primary-key-field': ['unique-constraint-without-index', 'add-column-rewrites-table'],
  'ban-char-field': ['char-column'],
  'ban-concurrent-index-creation-in-transaction': ['concurrently-in-transaction'],
  'ban-drop-column': ['drop-column'],
  'ban-drop-table': ['drop-table'],
  'ban-uncommitted-transaction': ['transaction-control-in-change-set'],
  'changing-column-type': ['column-type-rewrite', 'narrowed-column-type'],
  'constraint-missing-not-valid': ['constraint-without-not-valid', 'not-valid-validated-in-same-transaction'],
  'disallowed-unique-constraint': ['unique-constraint-without-index'],
  'identifier-too-long': ['identifier-too-long'],
  'prefer-bigint-over-int': ['int-primary-key'],
  'prefer-bigint-over-smallint': ['int-primary-key'],
  'prefer-identity': ['serial-column'],
  'prefer-repack': ['vacuum-full', 'cluster'],
  'prefer-text-field': ['varchar-length-limit'],
  'prefer-timestamp-tz': ['timestamp-without-time-zone'],
  'renaming-column': ['rename-column'],
  'renaming-table': ['rename-table'],
  'require-concurrent-index-creation': ['create-index-without-concurrently'],
  'require-concurrent-index-deletion': ['drop-index-without-concurrently'],
  'require-concurrent-partition-detach': ['detach-partition-without-concurrently'],
  'require-concurrent-reindex': ['reindex-without-concurrently'],
  'require-lock-timeout': ['missing-lock-timeout'],
  'transaction-nesting': ['transaction-control-in-change-set'],
};

export interface SquawkCase {
  file: string;
  rule: string;
  expect: 'trigger' | 'no_trigger';
  settings: { pg_version?: string; assume_in_transaction?: boolean };
}

export interface CaseResult {
  case: SquawkCase;
  /** Strata rule ids that fired (any rule, not only the mapped ones). */
  fired: string[];
  mappedFired: boolean;
  agrees: boolean;
}

/** The corpus index's cases, read from the shared corpus folder (never copied into the project). */
export function readSquawkCases(squawkDir: string): SquawkCase[] {
  const index = JSON.parse(fs.readFileSync(path.join(squawkDir, 'index.json'), 'utf8')) as { cases: SquawkCase[] };
  return index.cases;
}

/**
 * One case as a one-change-set project. Squawk's `assume_in_transaction` is how Strata
 * always runs a change set (in one transaction); without it squawk treats statements
 * outside BEGIN … COMMIT as autocommitted, which is Strata's `-- strata:no-transaction`.
 * `pg_version` becomes the server version the rules assume.
 */
export async function runSquawkCase(squawkDir: string, c: SquawkCase): Promise<CaseResult> {
  const sql = fs.readFileSync(path.join(squawkDir, c.file), 'utf8');
  const optedOut = /--\s*squawk-disable-assume-in-transaction/.test(sql);
  const noTransaction = !c.settings.assume_in_transaction || optedOut;
  const project = projectFromSql([{ name: 'case', forward: sql, rollback: null, noTransaction }]);
  const serverVersion = c.settings.pg_version ? Number.parseInt(c.settings.pg_version, 10) : undefined;
  const report = await lintProject(project, { config: DEFAULT_LINT_CONFIG, serverVersion });
  const fired = [...new Set(report.changeSets.flatMap((s) => s.findings.map((f) => f.ruleId)))].sort();
  const mappedFired = (SQUAWK_TO_STRATA[c.rule] ?? []).some((id) => fired.includes(id));
  return { case: c, fired, mappedFired, agrees: mappedFired === (c.expect === 'trigger') };
}

export interface RuleAgreement {
  squawkRule: string;
  strataRules: string[];
  cases: number;
  agree: number;
  triggerAgree: string;
  noTriggerAgree: string;
}

/** Per squawk rule: how many cases agree, split by expectation. */
export function agreementTable(results: CaseResult[]): RuleAgreement[] {
  const rules = [...new Set(results.map((r) => r.case.rule))].sort();
  return rules.map((rule) => {
    const mine = results.filter((r) => r.case.rule === rule);
    const part = (expect: string) => {
      const of = mine.filter((r) => r.case.expect === expect);
      return `${of.filter((r) => r.agrees).length}/${of.length}`;
    };
    return {
      squawkRule: rule,
      strataRules: SQUAWK_TO_STRATA[rule],
      cases: mine.length,
      agree: mine.filter((r) => r.agrees).length,
      triggerAgree: part('trigger'),
      noTriggerAgree: part('no_trigger'),
    };
  });
}
