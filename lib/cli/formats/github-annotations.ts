import type { LintFinding, LintReport } from '../../lint/types';
import { columnReader, repoPath, repoRootOf } from './repo-paths';

/**
 * `strata lint --format github`: one workflow command per finding, which GitHub Actions turns
 * into an annotation on the pull request's diff:
 *   ::error file=drizzle/migrations/0008_x.sql,line=3,col=1,title=strata lint: rule-id::message
 * Silenced findings are left out (an annotation cannot say "reviewed"); the closing summary
 * line counts them.
 */
export function lintAnnotations(report: LintReport): string {
  const root = repoRootOf(report.dir);
  const column = columnReader(report.dir);
  const findings = [...report.changeSets.flatMap((c) => c.findings), ...(report.projectFindings ?? [])].filter((f) => !f.silenced);
  const lines = findings.map((f) => annotation(f, repoPath(root, report.dir, f.file), column));
  lines.push(`strata lint: ${report.errors} error(s), ${report.warnings} warning(s), ${report.silenced} silenced in ${report.changeSets.length} change set(s).`);
  return lines.join('\n');
}

function annotation(f: LintFinding, file: string, column: (file: string, line: number) => number): string {
  const line = Math.max(1, f.line);
  const properties = [`file=${escapeProperty(file)}`, `line=${line}`, `col=${column(f.file, line)}`, `title=${escapeProperty(`strata lint: ${f.ruleId}`)}`];
  const message = `${f.message}\nwhy: ${f.explanation}\ninstead: ${f.saferAlternative}`;
  return `::${f.severity} ${properties.join(',')}::${escapeData(message)}`;
}

/** A workflow command's message: %, CR and LF are encoded (as the Actions toolkit's escapeData does). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: also : and , which would end it (the toolkit's escapeProperty). */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
