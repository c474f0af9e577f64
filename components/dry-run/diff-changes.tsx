import { DIFF_KIND_LABEL, type DiffAction, type DiffChange } from '@/lib/diff/types';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { groupChangesByTable } from './group-changes';
import { RiskBadge } from './risk-badge';
import { RISK_KIND_LABEL } from './format';

const ACTION_TONE: Record<DiffAction, BadgeTone> = { added: 'green', removed: 'red', changed: 'amber' };

/**
 * The schema diff, one block per table (schemas and extensions in one block of their own,
 * first), one row per object added, removed or changed.
 */
export function DiffChanges({ changes }: { changes: DiffChange[] }) {
  if (changes.length === 0) {
    return (
      <p data-testid="diff-empty" className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600">
        No schema changes
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      {groupChangesByTable(changes).map((group) => {
        const heading = group.heading;
        return (
          <section key={`${group.table ?? ''}:${heading}`} aria-label={heading} data-testid="diff-table" data-table={group.table ?? ''} className="rounded-lg border border-zinc-200 bg-white">
            <h4 className="flex flex-wrap items-baseline gap-x-3 border-b border-zinc-100 px-4 py-2 text-sm">
              <span className={`break-all text-zinc-900 ${group.table === null ? 'font-semibold' : 'font-mono font-semibold'}`}>{heading}</span>
              <span className="text-xs text-zinc-500">
                {(['added', 'removed', 'changed'] as const)
                  .filter((a) => group.counts[a] > 0)
                  .map((a) => `${group.counts[a]} ${a}`)
                  .join(' · ')}
              </span>
            </h4>
            <ul className="divide-y divide-zinc-100">
              {group.changes.map((change, i) => (
                <ChangeRow key={`${change.kind}-${change.name}-${i}`} change={change} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function ChangeRow({ change }: { change: DiffChange }) {
  return (
    <li data-testid="diff-change" data-action={change.action} data-kind={change.kind} className="flex flex-col gap-1.5 px-4 py-2.5 text-sm">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <Badge tone={ACTION_TONE[change.action]}>{change.action}</Badge>
        <span className="text-xs font-medium tracking-wide text-zinc-500 uppercase">{DIFF_KIND_LABEL[change.kind]}</span>
        <span className="font-mono font-medium break-all text-zinc-900">{change.name}</span>
        {change.attributes.length > 0 && <span className="text-xs text-zinc-500">({change.attributes.join(', ')})</span>}
        {change.risks.map((risk, i) => (
          <span key={i} className="inline-flex items-center gap-1" title={risk.message}>
            <RiskBadge severity={risk.severity} title={risk.message} />
            <span className="text-xs text-zinc-600">{RISK_KIND_LABEL[risk.kind]}</span>
          </span>
        ))}
      </div>
      <BeforeAfter change={change} />
    </li>
  );
}

function BeforeAfter({ change }: { change: DiffChange }) {
  const { before, after } = change;
  if (before === null && after === null) return null;
  return (
    <p className="flex flex-wrap items-baseline gap-x-2 gap-y-1 font-mono text-xs">
      {before !== null && (
        <span className={`rounded px-1.5 py-0.5 break-all ${change.action === 'removed' ? 'bg-red-50 text-red-800 line-through decoration-red-400' : 'bg-zinc-100 text-zinc-700'}`}>
          <span className="sr-only">Before: </span>
          {before}
        </span>
      )}
      {before !== null && after !== null && (
        <span aria-hidden="true" className="text-zinc-400">
          →
        </span>
      )}
      {after !== null && (
        <span className="rounded bg-emerald-50 px-1.5 py-0.5 break-all text-emerald-900">
          <span className="sr-only">After: </span>
          {after}
        </span>
      )}
    </p>
  );
}
