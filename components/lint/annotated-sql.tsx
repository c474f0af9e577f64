import type { LintFinding } from '@/lib/lint/types';
import { SqlCode } from '@/components/sql/sql-code';
import { FindingList } from './finding-card';
import { sqlSegments } from './segments';

/**
 * A SQL file with its lint findings inline: each finding sits right above the statement it
 * concerns, and the file's lines keep their own numbers. Without findings it is a plain SqlCode.
 */
export function AnnotatedSql({ sql, label, findings }: { sql: string; label: string; findings: readonly LintFinding[] }) {
  const segments = sqlSegments(sql, findings);
  if (segments.length === 1 && !segments[0]!.findings.length) return <SqlCode sql={sql} label={label} />;
  // One figure for the file (what "the forward SQL" is to a screen reader), its pieces inside.
  return (
    <figure aria-label={label} data-testid="annotated-sql" className="flex min-w-0 flex-col gap-1.5">
      {segments.map((segment) => (
        <div key={segment.startLine} className="flex flex-col gap-1.5">
          <FindingList findings={segment.findings} label={`Lint findings at line ${segment.startLine}`} />
          {segment.text.trim() !== '' && <SqlCode sql={segment.text} startLine={segment.startLine} label={`Lines from ${segment.startLine}`} />}
        </div>
      ))}
    </figure>
  );
}
