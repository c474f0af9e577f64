'use client';

import { useState } from 'react';
import type { Protection } from '@/lib/config/environments';
import { formatTimestamp } from '@/components/history/history-filter';
import { Badge } from '@/components/ui/badge';
import { RestoreDialog } from './restore-dialog';

/** One backup as the page receives it (dates as ISO text: it crosses from server to client). */
export interface BackupRow {
  id: string;
  location: 'schema' | 'files';
  createdAt: string;
  changeSet: string | null;
  direction: 'up' | 'down' | null;
  tables: Array<{ source: string; columns: string[] | null; key: string[]; rows: number }>;
  verified: boolean;
  sizeBytes: number;
}

const size = (bytes: number) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`);

/**
 * The environment's backups, newest first, each with what it holds and a Restore button
 * where the person may restore (or dry-run a restore). The retention policy is stated,
 * because backups disappear by it.
 */
export function BackupsPanel({
  env,
  protection,
  backups,
  policy,
  canRestore,
  canDryRun,
}: {
  env: string;
  protection: Protection;
  backups: BackupRow[];
  policy: { mode: string; keep: number; maxAgeDays: number; location: string };
  canRestore: boolean;
  canDryRun: boolean;
}) {
  const [restoring, setRestoring] = useState<BackupRow | null>(null);
  return (
    <section id="backups" aria-labelledby="backups-heading" className="flex flex-col gap-3" data-testid="backups">
      <h2 id="backups-heading" className="text-lg font-semibold text-zinc-900">
        Backups
      </h2>
      <p className="text-sm text-zinc-600" data-testid="backup-policy">
        Policy <strong>{policy.mode}</strong>
        {policy.mode === 'off' ? ': nothing is copied before change sets' : policy.mode === 'always' ? ': every table a change set touches is copied first' : ': what a change set can destroy is copied first'}
        , verified, {policy.location}. Kept: the newest {policy.keep}, none older than {policy.maxAgeDays} days.
      </p>
      {backups.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-3 text-sm text-zinc-600">No backups on {env}.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-zinc-50 text-xs text-zinc-500 uppercase">
              <tr>
                <th className="px-3 py-2 font-semibold">When</th>
                <th className="px-3 py-2 font-semibold">Before</th>
                <th className="px-3 py-2 font-semibold">Tables</th>
                <th className="px-3 py-2 text-right font-semibold">Rows</th>
                <th className="px-3 py-2 text-right font-semibold">Size</th>
                <th className="px-3 py-2 font-semibold">Verified</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {backups.map((b) => (
                <tr key={b.id} id={b.id} data-testid="backup-row" data-backup={b.id} className="align-top target:bg-amber-50">
                  <td className="px-3 py-2 whitespace-nowrap">
                    {formatTimestamp(b.createdAt)}
                    <p className="font-mono text-xs text-zinc-500">{b.id}</p>
                  </td>
                  <td className="px-3 py-2">
                    <span className="font-mono">{b.changeSet ?? '?'}</span>
                    <p className="text-xs text-zinc-500">{b.direction === 'down' ? 'its rollback' : 'its apply'}</p>
                  </td>
                  <td className="px-3 py-2">
                    <ul>
                      {b.tables.map((t) => (
                        <li key={t.source}>
                          <span className="font-mono">{t.source}</span>
                          <span className="text-xs text-zinc-500"> {t.columns ? `${t.columns.filter((c) => !t.key.includes(c)).join(', ')} by ${t.key.join(', ')}` : 'whole table'}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{b.tables.reduce((n, t) => n + t.rows, 0).toLocaleString('en-US')}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{size(b.sizeBytes)}</td>
                  <td className="px-3 py-2">{b.verified ? <Badge tone="green">verified</Badge> : <Badge tone="amber">not verified</Badge>}</td>
                  <td className="px-3 py-2 text-right">
                    {(canRestore || canDryRun) && (
                      <button
                        type="button"
                        data-testid="restore-button"
                        onClick={() => setRestoring(b)}
                        className="rounded-md px-3 py-1.5 text-sm font-semibold text-blue-800 ring-1 ring-blue-300 hover:bg-blue-50 focus-visible:outline-2 focus-visible:outline-blue-600"
                      >
                        Restore…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!canRestore && canDryRun && backups.length > 0 && (
        <p className="text-sm text-zinc-600">{env} is {protection}: you can see what a restore would write; restoring there needs two-person approval.</p>
      )}
      {restoring && <RestoreDialog env={env} protection={protection} backup={restoring} canRestore={canRestore} onClose={() => setRestoring(null)} />}
    </section>
  );
}
