import { restoreLines, restoreOnTarget } from '../backup/backup-operations';
import type { BackupRecord } from '../backup/backup-record';
import { readBackups } from '../backup/backups';
import type { RestoreResult } from '../backup/restore';
import { backupSettingsFor } from '../backup/settings';
import type { Principal } from '../auth/types';
import { StrataError } from '../errors';
import type { ProgressEvent } from '../migrate/run-context';
import { audited } from './audited';
import { invalidateDrift } from './drift-service';
import { consoleRunContext, type OperationTarget } from './environment-operations';
import { enqueueOperation, type StartedOperation } from './operations';

/**
 * The backups of an environment as the console shows and restores them. Who may do what is
 * the door's business (the guard's `backup.restore` actions); the environment's name must be
 * typed back for a real restore, as for every run.
 */

const settingsOf = (target: OperationTarget) => backupSettingsFor(target.environment, target.config.backupDir);

export function environmentBackups(target: OperationTarget): Promise<BackupRecord[]> {
  return readBackups(target.environment.url, settingsOf(target));
}

export interface RestoreRequest {
  backup: string;
  /** False: a dry run, which writes nothing. */
  write: boolean;
  confirm?: string;
}

export async function startRestore(target: OperationTarget, request: RestoreRequest, principal: Principal): Promise<StartedOperation<RestoreResult>> {
  if (request.write && request.confirm !== target.environment.name) {
    throw new StrataError('CONFIRMATION_REQUIRED', `This restore does not name ${target.environment.name} as its target; nothing was changed.`);
  }
  // Run by a queue worker (operation-runners.ts: runRestore, with what is stored here).
  return enqueueOperation(target.config, principal, { kind: 'backup-restore', environment: target.environment.name, request: { backup: request.backup, write: request.write } });
}

/** What a restore on behalf of an approved request adds: who approved it, its session label, its claim. */
export interface RestoreExtras {
  approval?: string;
  sessionLabel?: string;
  beforeWrite?: () => Promise<void>;
}

/** A restore (or its dry run) on the environment, audited, with progress. */
export function runRestore(target: OperationTarget, request: RestoreRequest, principal: Principal, onProgress?: (event: ProgressEvent) => void, extras: RestoreExtras = {}): Promise<RestoreResult> {
  const ctx = { ...consoleRunContext(target, principal, onProgress), sessionLabel: extras.sessionLabel };
  return audited(
    target.config,
    principal,
    { action: request.write ? 'backup-restore' : 'backup-restore-dry-run', environment: target.environment.name, target: request.backup, intent: extras.approval ?? null },
    () => restoreOnTarget(ctx, request.backup, { write: request.write, beforeWrite: extras.beforeWrite }).finally(() => request.write && invalidateDrift(target.environment.name)),
    (r) => ({ outcome: r.tables.some((t) => t.problem) ? 'failed' : 'ok', detail: [extras.approval, ...restoreLines(r)].filter(Boolean).join('; ').slice(0, 500) }),
  );
}

/**
 * A restore as a request on a protected environment: the approval covers the backup (its id),
 * whose copies are checked against their fingerprints again when it runs.
 */
export async function assertBackupExists(target: OperationTarget, id: string): Promise<void> {
  if (!(await environmentBackups(target)).some((b) => b.id === id)) throw new StrataError('NOT_FOUND', `No backup "${id}" on ${target.environment.name}`);
}
