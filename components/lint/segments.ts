import type { LintFinding } from '@/lib/lint/types';

export interface SqlSegment {
  /** 1-based line of the segment's first line in the file. */
  startLine: number;
  text: string;
  /** Findings about the statement that starts this segment (none for the file's lead-in). */
  findings: LintFinding[];
}

/**
 * Cuts a SQL file at the lines where statements with findings start, so each finding can
 * be shown right above the statement it concerns while every line of the file is still
 * shown once, in order, with its own line number. Findings about the whole change set
 * (no statement) are left to the caller.
 */
export function sqlSegments(text: string, findings: readonly LintFinding[]): SqlSegment[] {
  const lines = text.replace(/\n$/, '').split('\n');
  const byLine = new Map<number, LintFinding[]>();
  for (const f of findings) {
    if (f.statementIndex === null) continue;
    const line = Math.min(Math.max(1, f.line), lines.length);
    byLine.set(line, [...(byLine.get(line) ?? []), f]);
  }
  const cuts = [...new Set([1, ...byLine.keys()])].sort((a, b) => a - b);
  return cuts.map((start, i) => {
    const end = cuts[i + 1] ?? lines.length + 1;
    return { startLine: start, text: lines.slice(start - 1, end - 1).join('\n'), findings: byLine.get(start) ?? [] };
  });
}

/** Unsilenced errors and warnings, and silenced findings, of a list. */
export function countFindings(findings: readonly LintFinding[]): { errors: number; warnings: number; silenced: number } {
  return {
    errors: findings.filter((f) => !f.silenced && f.severity === 'error').length,
    warnings: findings.filter((f) => !f.silenced && f.severity === 'warning').length,
    silenced: findings.filter((f) => f.silenced).length,
  };
}
