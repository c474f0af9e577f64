import type { DryRunChangeSet } from '@/lib/migrate/dry-run-types';
import { Badge } from '@/components/ui/badge';

/** Every check of the plan's change sets, as the dry run ran it: passed, failed or not run. */
export function CheckList({ changeSets }: { changeSets: DryRunChangeSet[] }) {
  const withChecks = changeSets.filter((c) => c.checks.length > 0);
  if (withChecks.length === 0) return null;
  return (
    <section aria-labelledby="dry-run-checks-heading" className="flex flex-col gap-2" data-testid="dry-run-checks">
      <h3 id="dry-run-checks-heading" className="text-sm font-semibold text-zinc-900">
        Checks
      </h3>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm">
        {withChecks.flatMap((cs) =>
          cs.checks.map((c) => (
            <li key={`${cs.tag}-${c.index}`} data-testid="dry-run-check" data-status={c.status} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-3 py-2">
              <Badge tone={c.status === 'passed' ? 'green' : c.status === 'failed' ? 'red' : 'neutral'}>{c.status === 'not_run' ? 'not run' : c.status}</Badge>
              <span className="text-xs text-zinc-500">{c.phase === 'before' ? 'before' : 'after'}</span>
              <span className="font-mono text-xs break-all">
                {c.file}:{c.line}
              </span>
              <span className="text-zinc-800">{c.comment ?? '(no comment)'}</span>
              {c.status === 'failed' && c.rowCount !== null && <span className="ml-auto text-xs text-red-700 tabular-nums">{c.rowCount} {c.rowCount === 1 ? 'row' : 'rows'}</span>}
            </li>
          )),
        )}
      </ul>
    </section>
  );
}
