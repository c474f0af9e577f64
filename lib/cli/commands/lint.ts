import { StrataError } from '../../errors';
import { readProject } from '../../changesets/project';
import { loadConfig } from '../../config/environments';
import { LINT_RULES, lintProject } from '../../lint';
import { readLiveContext } from '../../lint/live-context';
import { silencedWhere } from '../../lint/silencing';
import type { LintCategory, LintFinding, LintReport } from '../../lint/types';
import { defineCommand, switchFlag, valueFlag, type OptionValues } from '../command';
import { PROJECT_FLAGS, TARGET_FLAGS } from '../flags';
import { choicesText, chooseFormat } from '../formats/choose-format';
import { lintAnnotations } from '../formats/github-annotations';
import { lintSarif } from '../formats/sarif';
import { withReachableTarget } from '../with-target';

/**
 * `lint [--dir PATH] [--json] [--env NAME | --database-url URL] [--rules]`: every change set
 * checked against the migration rules. Offline by default (files only); with a target, its
 * server version and row counts sharpen the rules that depend on them. Exit 1 on errors.
 */
const lint = async (options: OptionValues<typeof LINT_FLAGS>) => {
  const format = chooseFormat(options, LINT_FORMATS);
  if (options.rules && format !== 'text') throw new StrataError('BAD_USAGE', `--rules lists the rules as text; --format ${format} is for findings`);
  if (options.rules) return { code: 0, text: rulesText(), json: LINT_RULES };
  const project = readProject(options.dir ?? loadConfig().projectDir);
  let source = 'no target: PostgreSQL 18 assumed, row counts unknown';
  let report: LintReport;
  if (options.env || options.databaseUrl) {
    report = await withReachableTarget(options, async (target) => {
      const live = await readLiveContext(target.url);
      source = `PostgreSQL ${live.serverVersion} and row counts from ${target.name ?? 'the database'}`;
      return lintProject(project, { serverVersion: live.serverVersion, tableRows: (table) => live.rows.get(table) ?? null });
    });
  } else {
    report = await lintProject(project);
  }
  // The exit code does not depend on the format: a CI step fails on errors whatever it prints.
  const text = format === 'sarif' ? JSON.stringify(lintSarif(report), null, 2) : format === 'github' ? lintAnnotations(report) : lintText(report, source);
  return { code: report.errors > 0 ? 1 : 0, text, json: report };
};

/** text (the default) for people; sarif for code scanning; github for workflow annotations on the diff. */
const LINT_FORMATS = ['text', 'sarif', 'github'] as const;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One block per finding (location, severity, rule, message, then why and what instead), and a summary. */
export function lintText(report: LintReport, source: string): string {
  const blocks = [...report.changeSets.flatMap((c) => c.findings), ...(report.projectFindings ?? [])].map(findingText);
  const summary =
    `${plural(report.changeSets.length, 'change set')} linted (${source}): ` +
    `${plural(report.errors, 'error')}, ${plural(report.warnings, 'warning')}, ${report.silenced} silenced, in ${Math.round(report.durationMs)} ms.`;
  return [...blocks, summary].join('\n');
}

function findingText(f: LintFinding): string {
  const where = `${f.file}:${f.line}`;
  if (f.silenced) return `${where}  silenced  ${f.ruleId}  ${f.message}\n    ${silencedWhere(f.silenced)}: ${f.silenced.reason}\n`;
  return `${where}  ${f.severity}  ${f.ruleId}  ${f.message}\n    why: ${f.explanation}\n    instead: ${f.saferAlternative}\n`;
}

const CATEGORIES: LintCategory[] = ['locking', 'breaking', 'design', 'convention', 'hygiene'];

/** `strata lint --rules`: every rule by category, with its default severity, why and what instead. */
export function rulesText(): string {
  return CATEGORIES.map((category) => {
    const rules = LINT_RULES.filter((r) => r.category === category);
    const width = Math.max(...rules.map((r) => r.id.length));
    const lines = rules.map((r) => `  ${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.title}\n      why: ${r.explanation}\n      instead: ${r.saferAlternative}`);
    return `${category}\n${lines.join('\n')}`;
  }).join('\n\n') + '\n\nChange a rule\'s severity or turn it off in strata-lint.json beside migrations/ ({ "rules": { "<id>": "off" | "warning" | "error" } });\nsilence one statement with a comment above it: -- strata-lint-ignore <id>: <reason>;\nsilence applied history (files whose checksum must not change) there too:\n{ "ignore": [{ "changeSet": "0004", "rules": ["<id>"], "lines": [12], "reason": "…" }] }';
}

const LINT_FLAGS = {
  format: valueFlag('F', `${choicesText(LINT_FORMATS)} (default text): sarif is a SARIF 2.1.0 log for code scanning, github one workflow annotation per finding`),
  rules: switchFlag('list every rule by category, with its default severity, why and what instead'),
  ...PROJECT_FLAGS,
  ...TARGET_FLAGS,
};

export const lintCommand = defineCommand({
  name: 'lint',
  summary: 'check every change set against the migration rules (exit 1 on errors) [--rules] [--format sarif|github]',
  usage: ['strata lint [--dir PATH] [--env NAME | --database-url URL] [--json | --format text|sarif|github]', 'strata lint --rules'],
  description: `Checks every change set of the project (forward and rollback SQL, parsed with PostgreSQL's
own parser) against the migration rules, each change set judged against the schema the
earlier ones built: locking (index builds without CONCURRENTLY, table rewrites, NOT NULL
without default, constraints without NOT VALID, missing lock_timeout…), breaking (renames,
drops, narrowed types, SET NOT NULL), design (serial, int keys, timestamp, varchar(n), money
in floats), conventions (snake_case, index names, foreign keys without index, created_at /
updated_at, soft-delete columns, plaintext secrets) and hygiene (missing or incomplete
rollback; checks files that do not parse, checks that are not read-only or have no comment,
after-checks on no-transaction change sets, checks files without a change set). Prints one block per finding and a summary; --rules lists every rule.

Offline by default: no database needed, PostgreSQL 18 assumed. With --env or --database-url,
the target's server version and row counts are used (NOT NULL without a default on a table
with rows is an error, on an empty one nothing). Only reads.`,
  flags: LINT_FLAGS,
  notes: `Configure in strata-lint.json beside migrations/:
  { "rules": { "<rule-id>": "off" | "warning" | "error" }, "indexPrefixes": ["ix_", "idx_"], … }
Silence one statement with a comment directly above it (the reason is required):
  -- strata-lint-ignore <rule-id>[, <rule-id>…]: <reason>
Silence applied history, whose files must not change (their checksum is recorded), there:
  { "ignore": [{ "changeSet": "0004", "rules": ["<rule-id>"], "lines": [12], "reason": "…" }] }

In CI: --format sarif > lint.sarif for github/codeql-action/upload-sarif (file paths from
the repository root, silenced findings as suppressions with their reason); --format github
prints ::error / ::warning workflow commands that annotate the pull request (silenced ones
left out). See docs/ci.md.

Exit codes: 0 no errors (warnings allowed), 1 errors found or the project cannot be read,
2 bad usage.`,
  run: lint,
});

