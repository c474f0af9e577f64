import type { AuditEntry, AuditOutcome } from '@/lib/auth/types';
import { formatDuration } from '@/components/dry-run/format';
import { formatTimestamp, isoTimestamp } from '@/components/history/history-filter';
import { Badge, type BadgeTone } from '@/components/ui/badge';

const OUTCOME: Record<AuditOutcome, { tone: BadgeTone; label: string }> = {
  started: { tone: 'neutral', label: 'intent' },
  ok: { tone: 'green', label: 'ok' },
  denied: { tone: 'amber', label: 'denied' },
  failed: { tone: 'red', label: 'failed' },
};

/** Audit entries, newest first (as given): who did what, where, to what, with what outcome. */
export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div tabIndex={0} role="region" aria-label="Audit trail entries" className="overflow-x-auto rounded-xl border border-zinc-200 bg-white shadow-sm">
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs font-medium tracking-wide text-zinc-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 font-medium">#</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Time (UTC)</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Actor</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Role</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Action</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Environment</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Target</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Outcome</th>
            <th scope="col" className="px-4 py-2.5 text-right font-medium">Duration</th>
            <th scope="col" className="px-4 py-2.5 font-medium">Detail</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {entries.map((entry) => {
            const outcome = OUTCOME[entry.outcome] ?? { tone: 'neutral' as const, label: String(entry.outcome) };
            return (
              <tr
                key={entry.id}
                data-testid="audit-row"
                data-id={entry.id}
                data-action={entry.action}
                data-actor={entry.actor}
                data-outcome={entry.outcome}
                className={`align-top ${entry.outcome === 'failed' ? 'bg-red-50/40' : entry.outcome === 'denied' ? 'bg-amber-50/40' : ''}`}
              >
                <td className="px-4 py-2.5 text-xs text-zinc-500 tabular-nums">{entry.id}</td>
                <td className="px-4 py-2.5 whitespace-nowrap text-zinc-700 tabular-nums">
                  <time dateTime={isoTimestamp(entry.at)}>{formatTimestamp(entry.at).replace(/ UTC$/, '')}</time>
                </td>
                <td className="px-4 py-2.5 font-medium whitespace-nowrap text-zinc-900">{entry.actor}</td>
                <td className="px-4 py-2.5 whitespace-nowrap text-zinc-700">{entry.role}</td>
                <td className="px-4 py-2.5 font-mono whitespace-nowrap text-zinc-900">{entry.action}</td>
                <td className="px-4 py-2.5 whitespace-nowrap text-zinc-700">{entry.environment ?? <span className="text-zinc-400">—</span>}</td>
                <td className="max-w-64 px-4 py-2.5 font-mono text-xs break-words text-zinc-700">{entry.target ?? <span className="font-sans text-zinc-400">—</span>}</td>
                <td className="px-4 py-2.5 whitespace-nowrap">
                  <Badge tone={outcome.tone}>{outcome.label}</Badge>
                  {entry.intentId !== null && <span className="ml-1.5 text-xs text-zinc-500">of #{entry.intentId}</span>}
                  {entry.open && (
                    <span data-testid="audit-open-intent" className="mt-1 block text-xs text-amber-800" title="No outcome names this intent: the work is still running, or its process stopped before recording one.">
                      no outcome yet
                    </span>
                  )}
                </td>
                <td className="px-4 py-2.5 text-right text-xs whitespace-nowrap text-zinc-700 tabular-nums">
                  {entry.durationMs === null ? <span className="text-zinc-400">—</span> : formatDuration(entry.durationMs)}
                </td>
                <td className="min-w-56 px-4 py-2.5 text-xs break-words text-zinc-700">{entry.detail ?? <span className="text-zinc-400">—</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
