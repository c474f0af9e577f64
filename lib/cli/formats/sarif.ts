import { LINT_RULES } from '../../lint';
import type { LintFinding, LintReport, LintRuleInfo } from '../../lint/types';
import { columnReader, repoPath, repoRootOf } from './repo-paths';

/**
 * `strata lint --format sarif`: the report as a SARIF 2.1.0 log, for code scanning
 * (github/codeql-action/upload-sarif). One result per finding, placed by its path from the
 * repository root, line and column; the rules it can report in tool.driver.rules, each with
 * why (help) and what to write instead. A silenced finding stays in the log with a
 * `suppressions` entry carrying its reason: code scanning shows it as dismissed rather than
 * forgetting it, and the log holds exactly what `strata lint` prints. Nothing in it varies
 * between runs of the same project (no timestamps or durations).
 */

const SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function lintSarif(report: LintReport): object {
  const findings = [...report.changeSets.flatMap((c) => c.findings), ...(report.projectFindings ?? [])];
  const rules = rulesFor(findings);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const root = repoRootOf(report.dir);
  const column = columnReader(report.dir);
  return {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [
      {
        // No helpUri: the rules have no pages of their own; their help is carried whole.
        tool: { driver: { name: 'strata', rules: rules.map(sarifRule) } },
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => {
          const line = Math.max(1, f.line);
          return {
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId),
            level: f.severity,
            message: { text: `${f.message}. Instead: ${f.saferAlternative}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: repoPath(root, report.dir, f.file), uriBaseId: '%SRCROOT%' },
                  region: { startLine: line, startColumn: column(f.file, line) },
                },
              },
            ],
            properties: { changeSet: f.changeSet, fileKind: f.fileKind, category: f.category },
            ...(f.silenced ? { suppressions: [suppression(f.silenced)] } : {}),
          };
        }),
      },
    ],
  };
}

/** Every documented rule, then any rule a finding names that is not documented (none today, but a log must describe each result's rule). */
function rulesFor(findings: LintFinding[]): LintRuleInfo[] {
  const known = new Set(LINT_RULES.map((r) => r.id));
  const extra = new Map<string, LintRuleInfo>();
  for (const f of findings) {
    if (!known.has(f.ruleId) && !extra.has(f.ruleId)) {
      extra.set(f.ruleId, { id: f.ruleId, category: f.category, severity: f.severity, title: f.message, explanation: f.explanation, saferAlternative: f.saferAlternative });
    }
  }
  return [...LINT_RULES, ...extra.values()];
}

function sarifRule(rule: LintRuleInfo) {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.explanation },
    help: {
      text: `${rule.explanation}\n\nInstead: ${rule.saferAlternative}`,
      markdown: `${rule.explanation}\n\n**Instead:** ${rule.saferAlternative}\n\nSilence one statement with \`-- strata-lint-ignore ${rule.id}: <reason>\` directly above it.`,
    },
    defaultConfiguration: { level: rule.severity },
    properties: { category: rule.category, tags: ['strata', 'migration', rule.category] },
  };
}

/**
 * A silencing comment lives in the source (inSource); a strata-lint.json `ignore` entry outside
 * it (external). No `status`: the final 2.1.0 text has it, earlier 2.1.0 schemas still in use
 * call it `state` and refuse `status`, and a suppression without either counts as accepted.
 */
function suppression(silenced: NonNullable<LintFinding['silenced']>) {
  const external = silenced.source === 'config' || silenced.line === 0;
  return { kind: external ? 'external' : 'inSource', justification: silenced.reason };
}
