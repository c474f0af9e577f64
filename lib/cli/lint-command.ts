import { readProject } from '../changesets/project';
import { loadConfig } from '../config/environments';
import { LINT_RULES, lintProject } from '../lint';
import { readLiveContext } from '../lint/live-context';
import { silencedWhere } from '../lint/silencing';
import type { LintCategory, LintFinding, LintReport } from '../lint/types';
import type { Command } from './commands';
import { withReachableTarget } from './with-target';

/**
 * `lint [--dir PATH] [--json] [--env NAME | --database-url URL] [--rules]`: every change set
 * checked against the migration rules. Offline by default (files only); with a target, its
 * server version and row counts sharpen the rules that depend on them. Exit 1 on errors.
 */
const lint: Command = async (options) => {
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
  return { code: report.errors > 0 ? 1 : 0, text: lintText(report, source), json: report };
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One block per finding (location, severity, rule, message, then why and what instead), and a summary. */
export function lintText(report: LintReport, source: string): string {
  const blocks = report.changeSets.flatMap((c) => c.findings.map(findingText));
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

export const LINT_COMMANDS: Record<string, Command> = { lint };

