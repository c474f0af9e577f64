import type { LintFinding } from '@/lib/lint/types';
import { Badge } from '@/components/ui/badge';
import { silencedWhere } from '@/lib/lint/silencing';

/**
 * One lint finding: severity, rule, what is wrong here, and — folded, so a long list stays
 * scannable — why it hurts and what to write instead. A silenced finding is shown muted
 * with the reason its author gave.
 */
export function FindingCard({ finding }: { finding: LintFinding }) {
  const silenced = !!finding.silenced;
  const tone = silenced ? 'neutral' : finding.severity === 'error' ? 'red' : 'amber';
  const box = silenced ? 'border-zinc-200 bg-zinc-50' : finding.severity === 'error' ? 'border-red-200 bg-red-50' : 'border-amber-200 bg-amber-50';
  return (
    <div data-testid="lint-finding" data-rule={finding.ruleId} data-severity={finding.severity} data-silenced={silenced ? 'true' : 'false'} className={`rounded-md border px-3 py-2 text-xs ${box}`}>
      <p className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{silenced ? `silenced ${finding.severity}` : finding.severity}</Badge>
        <code className="font-mono font-semibold text-zinc-900">{finding.ruleId}</code>
        <span className="text-zinc-600">line {finding.line}</span>
      </p>
      <p className="mt-1 text-sm text-zinc-900">{finding.message}</p>
      {finding.silenced && (
        <p className="mt-1 text-zinc-700">
          {capitalised(silencedWhere(finding.silenced))}: <q>{finding.silenced.reason}</q>
        </p>
      )}
      <details className="mt-1">
        <summary className="cursor-pointer font-medium text-blue-700">Why, and the safer alternative</summary>
        <p className="mt-1 text-zinc-800">{finding.explanation}</p>
        <p className="mt-1 text-zinc-800">
          <span className="font-semibold">Instead: </span>
          {finding.saferAlternative}
        </p>
      </details>
    </div>
  );
}

/** A list of findings (e.g. those about a whole change set rather than one statement). */
export function FindingList({ findings, label }: { findings: readonly LintFinding[]; label: string }) {
  if (!findings.length) return null;
  return (
    <ul aria-label={label} className="flex flex-col gap-1.5">
      {findings.map((f, i) => (
        <li key={`${f.ruleId}-${f.line}-${i}`}>
          <FindingCard finding={f} />
        </li>
      ))}
    </ul>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
