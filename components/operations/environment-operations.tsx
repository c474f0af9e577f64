'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { OperationRecord } from '@/lib/console/operations';
import { RunProgress } from '@/components/dry-run/progress';
import { formatTimestamp } from '@/components/history/history-filter';
import { Badge } from '@/components/ui/badge';
import { OPERATION_KIND_LABEL, OPERATION_STATE } from './operation-view';
import { useOperationRecord } from './use-operation';
import { useOperationDialogOpen } from './open-dialogs';

/** How often the environment page looks for operations started elsewhere. */
const LIST_EVERY_MS = 2_000;

async function listOperations(env: string): Promise<OperationRecord[]> {
  const response = await fetch(`/api/environments/${encodeURIComponent(env)}/operations`, { cache: 'no-store' });
  if (!response.ok) throw new Error(`The server answered ${response.status}.`);
  return ((await response.json()) as { operations: OperationRecord[] }).operations;
}

/**
 * The environment's operations, for everyone on its page: those running now with their live
 * progress (whoever started them, in whichever browser), then the latest ones. When a running
 * one ends, the page's server-rendered parts (history, pending work) are read again.
 */
export function EnvironmentOperations({ env, initial }: { env: string; initial: OperationRecord[] }) {
  const router = useRouter();
  const { data } = useQuery({ queryKey: ['environment-operations', env], queryFn: () => listOperations(env), refetchInterval: LIST_EVERY_MS, initialData: initial });
  const operations = data ?? initial;
  const running = operations.filter((o) => o.state === 'running');
  const runningIds = running.map((o) => o.id).join(',');
  const seen = useRef(runningIds);
  const dialogOpen = useOperationDialogOpen();
  // A re-read owed while an operation dialog was open (open-dialogs.ts says why it waits).
  const owed = useRef(false);
  useEffect(() => {
    const before = seen.current.split(',').filter(Boolean);
    seen.current = runningIds;
    if (!before.some((id) => !runningIds.split(',').includes(id))) return;
    if (dialogOpen) owed.current = true;
    else router.refresh();
    // dialogOpen is read, not watched: the effect below pays what is owed when it closes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runningIds, router]);
  useEffect(() => {
    if (dialogOpen || !owed.current) return;
    owed.current = false;
    router.refresh();
  }, [dialogOpen, router]);

  if (operations.length === 0) return null;
  return (
    <section aria-labelledby="operations-heading" className="flex flex-col gap-3" data-testid="environment-operations">
      <h2 id="operations-heading" className="text-lg font-semibold text-zinc-900">
        Operations
      </h2>
      {running.map((op) => (
        <RunningOperation key={op.id} id={op.id} />
      ))}
      <ol className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm">
        {operations.slice(0, 5).map((op) => {
          const look = OPERATION_STATE[op.state];
          return (
            <li key={op.id} className="flex flex-wrap items-center gap-3 px-4 py-2" data-testid="operation-row" data-state={op.state}>
              <Badge tone={look.tone}>{look.label}</Badge>
              <Link href={`/operations/${op.id}`} className="font-medium text-blue-700 hover:underline">
                #{op.id} {OPERATION_KIND_LABEL[op.kind]}
              </Link>
              <span className="text-zinc-600">by {op.actor}</span>
              <time className="ml-auto text-xs text-zinc-500 tabular-nums" dateTime={op.createdAt}>
                {formatTimestamp(op.createdAt)}
              </time>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function RunningOperation({ id }: { id: number }) {
  const { data } = useOperationRecord(id);
  if (!data) return null;
  const planned = Array.isArray((data.request as { expect?: unknown[] } | null)?.expect) ? (data.request as { expect: unknown[] }).expect.length : 0;
  return (
    <div data-testid="running-operation" data-id={id} data-state={data.state} className="flex flex-col gap-2 rounded-lg border border-violet-200 bg-violet-50/40 px-4 py-3">
      <p className="text-sm text-zinc-800">
        <Link href={`/operations/${id}`} className="font-semibold text-blue-700 hover:underline">
          {OPERATION_KIND_LABEL[data.kind]} #{id}
        </Link>{' '}
        by {data.actor} — {data.state === 'running' ? (data.executor === null ? 'waiting for a worker' : 'running now') : OPERATION_STATE[data.state].label}
      </p>
      <RunProgress events={data.events} total={planned} operationId={data.state === 'running' ? id : null} />
    </div>
  );
}
