import type { RestoreResult, TableRestore } from '@/lib/backup/restore';
import type { ProgressEvent } from '@/lib/migrate/run-context';

/** What a restore wrote — or, for its dry run, would write — table by table, problems first in red. */
export function RestoreOutcome({ result }: { result: RestoreResult }) {
  const problems = result.tables.filter((t) => t.problem);
  return (
    <section data-testid="restore-outcome" data-written={result.written ? 'true' : 'false'} className="flex flex-col gap-3">
      <h3 className="text-base font-semibold text-zinc-900">
        {result.written ? `Restored from ${result.backup.id}` : problems.length ? 'This backup cannot be restored yet' : `A restore would write (nothing is written yet)`}
      </h3>
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-zinc-500 uppercase">
          <tr>
            <th className="py-1 pr-3 font-semibold">Table</th>
            <th className="py-1 pr-3 font-semibold">Copy</th>
            <th className="py-1 pr-3 text-right font-semibold">{result.written ? 'Inserted' : 'Insert'}</th>
            <th className="py-1 pr-3 text-right font-semibold">{result.written ? 'Updated' : 'Update'}</th>
            <th className="py-1 text-right font-semibold">Already equal</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {result.tables.map((t) => (
            <tr key={t.table} data-testid="restore-table" data-problem={t.problem ? 'true' : 'false'} className="align-top">
              <td className="py-1.5 pr-3 font-mono">
                {t.table}
                {t.problem && <p className="font-sans text-red-800">{t.problem}</p>}
                {t.notRestorable > 0 && <p className="font-sans text-amber-800">{t.notRestorable.toLocaleString('en-US')} copied rows no longer exist: nothing to write their values onto</p>}
              </td>
              <td className="py-1.5 pr-3 text-zinc-700">{copyText(t)}</td>
              <td className="py-1.5 pr-3 text-right tabular-nums">{t.insert.toLocaleString('en-US')}</td>
              <td className="py-1.5 pr-3 text-right tabular-nums">{t.update.toLocaleString('en-US')}</td>
              <td className="py-1.5 text-right text-zinc-500 tabular-nums">{t.unchanged.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function copyText(t: TableRestore): string {
  if (t.mode === 'rows') return `whole rows (${t.inBackup.toLocaleString('en-US')})`;
  return `${t.columns.filter((c) => !t.key.includes(c)).join(', ')} by ${t.key.join(', ')}`;
}

/** How far a restore is, from its `restore-table` events: percent and the table it is on. */
export function restoreProgress(events: ProgressEvent[]): { percent: number; label: string | null } {
  const last = [...events].reverse().find((e) => e.type === 'restore-table');
  if (!last || last.type !== 'restore-table') return { percent: 0, label: null };
  return { percent: Math.round((last.position / Math.max(1, last.total)) * 100), label: `${last.table} (${last.position + 1} of ${last.total})` };
}

export function RestoreProgress({ events, done }: { events: ProgressEvent[]; done: boolean }) {
  const { percent, label } = restoreProgress(events);
  const shown = done ? 100 : percent;
  return (
    <div className="flex flex-col gap-2" data-testid="restore-progress">
      <div role="progressbar" aria-label="Restore progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={shown} className="h-2 w-full overflow-hidden rounded-full bg-zinc-200">
        <div className="h-full rounded-full bg-blue-600 transition-[width]" style={{ width: `${shown}%` }} />
      </div>
      {label && !done && <p className="text-sm text-zinc-600">{label}</p>}
    </div>
  );
}
