import { parseSync } from 'libpg-query';
import { DEFAULT_LINT_CONFIG, type LintConfig } from '../../lib/lint/config';
import { lintProject } from '../../lib/lint/lint-project';
import { projectFromSql, type SqlChangeSet } from '../../lib/lint/sql-project';
import type { LintFinding, LintReport } from '../../lib/lint/types';

/**
 * Test support for rule fixtures: a project whose first change set creates the "existing"
 * tables (with rows in production, as far as rules know) and whose last change set holds the
 * statements under test. Rule tests assert the exact set of rule ids a statement draws, so
 * a rule that starts firing where it should not fails the test.
 */
export const EXISTING_TABLES = `
CREATE TABLE public.accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email_hash text NOT NULL,
  name varchar(100),
  code varchar(20),
  balance numeric(12, 2),
  score integer,
  nickname text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL,
  total numeric(12, 2),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_orders_account_id ON public.orders (account_id);
CREATE INDEX ix_orders_created_at ON public.orders (created_at);
ALTER TABLE public.orders ADD CONSTRAINT orders_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts (id);
`;

/** The lock_timeout line most fixtures start with, so missing-lock-timeout stays out of unrelated tests. */
export const WITH_TIMEOUT = "SET LOCAL lock_timeout = '5s';\n";

export interface FixtureOptions {
  config?: Partial<LintConfig>;
  serverVersion?: number;
  tableRows?: (table: string) => number | null;
  noTransaction?: boolean;
  /** Replaces the change set creating the existing tables. */
  setup?: string;
  rollback?: string | null;
}

/** Lints setup + one change set under test (rollback defaults to a comment, so missing-rollback stays quiet). */
export async function lintFixture(sql: string, options: FixtureOptions = {}): Promise<LintReport> {
  const changeSets: SqlChangeSet[] = [
    { name: 'setup', forward: options.setup ?? EXISTING_TABLES, rollback: '-- nothing to undo in tests' },
    { name: 'under_test', forward: sql, rollback: options.rollback === undefined ? '-- not checked here' : options.rollback, noTransaction: options.noTransaction },
  ];
  return lintProject(projectFromSql(changeSets), {
    config: { ...DEFAULT_LINT_CONFIG, ...options.config },
    serverVersion: options.serverVersion,
    tableRows: options.tableRows,
    tags: ['0001_under_test'],
  });
}

/** The findings of the change set under test. */
export function findingsOf(report: LintReport): LintFinding[] {
  return report.changeSets.flatMap((c) => c.findings);
}

/** Sorted rule ids drawn by the last statement of the change set under test. */
export async function rulesForLastStatement(sql: string, options: FixtureOptions = {}): Promise<string[]> {
  const findings = findingsOf(await lintFixture(sql, options)).filter((f) => f.fileKind === 'forward' && f.statementIndex !== null);
  const last = statementCount(sql) - 1;
  return [...new Set(findings.filter((f) => f.statementIndex === last).map((f) => f.ruleId))].sort();
}

/** Statements in the fixture SQL, counted by PostgreSQL's parser (loaded by the lint run before). */
function statementCount(sql: string): number {
  return parseSync(sql).stmts?.length ?? 0;
}
