'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useRef, useState } from 'react';
import type { RestoreResult } from '@/lib/backup/restore';
import type { Protection } from '@/lib/config/environments';
import { useOperationStarters, type FixRequestAnswer } from '@/components/operations/operation-starters';
import { TargetBanner } from '@/components/operations/target-banner';
import { useOperation } from '@/components/operations/use-operation';
import { ModalDialog } from '@/components/ui/modal-dialog';
import type { BackupRow } from './backups-panel';
import { RestoreOutcome, RestoreProgress } from './restore-outcome';

/**
 * Restoring a backup: the dialog dry-runs the restore as it opens (what each table would get,
 * or why it cannot be restored yet), and confirming runs it — both recorded operations with
 * progress. The environment's rules apply as for a rollback: confirmed here on open and
 * guarded environments; on a protected one the dialog files a request (a reason for the
 * admin who approves it), executed from /approvals.
 */
export function RestoreDialog({ env, protection, backup, canRestore, onClose }: { env: string; protection: Protection; backup: BackupRow; canRestore: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const queryClient = useQueryClient();
  const starters = useOperationStarters();
  const dry = useOperation<RestoreResult>();
  const run = useOperation<RestoreResult>();
  const titleId = useId();

  useEffect(() => {
    dialog.current?.showModal();
    void dry.start(() => starters.restoreBackup(env, backup.id, { kind: 'dry-run' }));
    // The dry run starts once, when the dialog opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const close = () => {
    dialog.current?.close();
    if (run.state.phase !== 'idle') {
      router.refresh();
      void queryClient.invalidateQueries();
    }
    onClose();
  };
  const dryResult = dry.state.phase === 'done' ? dry.state.result : null;
  const restorable = dryResult !== null && !dryResult.tables.some((t) => t.problem);

  return (
    <ModalDialog ref={dialog} labelledBy={titleId} onClose={close} testId="restore-dialog" width="w-[min(900px,96vw)]">
      <div className="flex flex-col gap-5 p-6">
        <div className="flex items-start justify-between gap-4">
          <TargetBanner id={titleId} env={env} protection={protection} verb="Restore" label={`Put back what ${backup.changeSet ?? 'the change set'} destroyed, from ${backup.id}`} />
          <button type="button" onClick={close} className="rounded-md px-2 py-1 text-sm text-zinc-600 hover:bg-zinc-100" aria-label="Close">
            ✕
          </button>
        </div>
        {run.state.phase === 'idle' && (
          <>
            {dry.state.phase === 'running' && (
              <div role="status" className="flex flex-col gap-2">
                <p className="text-sm text-zinc-700">Checking the backup against {env} — nothing is written.</p>
                <RestoreProgress events={dry.state.events} done={false} />
              </div>
            )}
            {dry.state.phase === 'failed' && (
              <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
                {dry.state.message}
              </p>
            )}
            {dryResult && <RestoreOutcome result={dryResult} />}
            {dryResult && (
              <div className="flex flex-wrap items-center gap-3 border-t border-zinc-200 pt-4">
                {canRestore ? (
                  <button
                    type="button"
                    data-testid="confirm-restore"
                    disabled={!restorable}
                    onClick={() => void run.start(() => starters.restoreBackup(env, backup.id, { kind: 'run', confirm: env }))}
                    className="rounded-md bg-blue-700 px-4 py-2 text-sm font-semibold text-white hover:bg-blue-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 disabled:cursor-not-allowed disabled:bg-zinc-300"
                  >
                    Restore on {env}
                  </button>
                ) : (
                  <RestoreRequestForm env={env} protection={protection} backup={backup.id} />
                )}
                <button type="button" onClick={close} className="rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
                  Cancel
                </button>
              </div>
            )}
          </>
        )}
        {run.state.phase !== 'idle' && (
          <div className="flex flex-col gap-3">
            <RestoreProgress events={run.state.phase === 'failed' ? [] : run.state.events} done={run.state.phase === 'done'} />
            {run.id !== null && (
              <p className="text-xs text-zinc-600">
                Operation{' '}
                <Link href={`/operations/${run.id}`} className="font-medium text-blue-700 underline">
                  #{run.id}
                </Link>
                : it goes on if you close this.
              </p>
            )}
            {run.state.phase === 'done' && <RestoreOutcome result={run.state.result} />}
            {run.state.phase === 'failed' && (
              <p role="alert" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900">
                {run.state.message}
              </p>
            )}
            {run.state.phase !== 'running' && (
              <button type="button" onClick={close} data-testid="close-restore" className="self-start rounded-md px-4 py-2 text-sm font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-50">
                Close
              </button>
            )}
          </div>
        )}
      </div>
    </ModalDialog>
  );
}

/** On a protected environment: a restore is a request another admin approves. */
function RestoreRequestForm({ env, protection, backup }: { env: string; protection: Protection; backup: string }) {
  const starters = useOperationStarters();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<FixRequestAnswer | null>(null);
  if (answer?.ok) {
    return (
      <p role="status" data-testid="restore-requested" className="text-sm text-zinc-800">
        Request #{answer.request.id} filed: another admin approves it on{' '}
        <Link href="/approvals" className="font-medium text-blue-700 underline">
          Approvals
        </Link>
        , then it is executed there.
      </p>
    );
  }
  return (
    <form
      className="flex w-full flex-col gap-2"
      data-testid="restore-needs-approval"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setAnswer(await starters.requestFix(env, { kind: 'restore', backup, reason }).finally(() => setBusy(false)));
      }}
    >
      <p className="text-sm text-zinc-700">
        {env} is {protection}: a restore there needs two-person approval. Say why, for the admin who approves it:
      </p>
      <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} required data-testid="restore-reason" className="rounded-md border border-zinc-300 px-2 py-1.5 text-sm" />
      {answer && !answer.ok && (
        <p role="alert" className="text-sm text-red-800">
          {answer.message}
        </p>
      )}
      <button type="submit" disabled={busy || !reason.trim()} data-testid="request-restore" className="self-start rounded-md bg-zinc-900 px-4 py-2 text-sm font-semibold text-white hover:bg-zinc-700 disabled:bg-zinc-300">
        Request: restore on {env}
      </button>
    </form>
  );
}
