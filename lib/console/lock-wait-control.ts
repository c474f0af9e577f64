import type { Action } from '../auth/guard';
import type { Principal } from '../auth/types';
import { withConsole } from '../auth/console-db';
import { StrataError } from '../errors';
import { cancelWaitingRunner, terminateBlocker, type TerminatedBlocker } from '../migrate/lock-wait-control';
import type { ProgressEvent } from '../migrate/run-context';
import { audited } from './audited';
import type { OperationTarget } from './environment-operations';
import type { OperationKind, OperationRecord } from './operations';

/**
 * The console's side of stopping a run that waits for a lock: Cancel (whoever may run the
 * operation) and Terminate blocker (admins, the blocker's pid typed back). Both act on what
 * the operation's record says — its latest lock-wait event names our backend and the blockers
 * — and the engine (lib/migrate/lock-wait-control.ts) checks that against the target itself.
 * Both are audited, intent first.
 */

type LockWaitEvent = Extract<ProgressEvent, { type: 'lock-wait' }>;

/** The operations that run change sets, and the right that runs (so cancels) each. */
const CANCEL_ACTION: Partial<Record<OperationKind, Action>> = { apply: 'apply', rollback: 'rollback', 'request-execution': 'request.execute' };

/** The guard's action for cancelling `operation`: the one that may start it. INVALID_STATE for kinds that never wait for a lock. */
export function cancelActionOf(operation: OperationRecord): Action {
  const action = CANCEL_ACTION[operation.kind];
  if (!action) throw new StrataError('INVALID_STATE', `Operation #${operation.id} is a ${operation.kind}, which never waits for a lock: nothing to cancel`);
  return action;
}

/** Progress that says where the run is: after a lock wait, any of these means it got past it. */
const RUN_STEPS = new Set<ProgressEvent['type']>(['lock-wait', 'statement-done', 'changeset-start', 'changeset-done']);

/**
 * The lock wait the run is in now, from its record: it must be running and its latest step a
 * lock-wait event naming our backend. INVALID_STATE (409) otherwise, saying why.
 */
export function currentLockWait(operation: OperationRecord): LockWaitEvent & { runnerPid: number } {
  if (operation.state !== 'running') throw new StrataError('INVALID_STATE', `Operation #${operation.id} has already ended (${operation.state}); nothing was done`);
  const last = [...operation.events].reverse().find((e) => RUN_STEPS.has(e.type));
  if (last?.type !== 'lock-wait' || typeof last.runnerPid !== 'number') {
    throw new StrataError('INVALID_STATE', `Operation #${operation.id} is not waiting for a lock; nothing was done`);
  }
  return { ...last, runnerPid: last.runnerPid };
}

export interface CancelOutcome {
  /** True when the waiting statement itself was cancelled; false: the run was pausing, and stops before its next retry. */
  statementCancelled: boolean;
}

/**
 * Records the cancel on the operation (once: a second cancel, even a concurrent one, is
 * refused) — the run reads it before each retry and during its pause — then cancels our
 * waiting statement on the target. The run then fails "cancelled by <user> while waiting for …".
 */
export async function cancelOperation(target: OperationTarget, operation: OperationRecord, principal: Principal): Promise<CancelOutcome> {
  const wait = currentLockWait(operation);
  const where = { environment: operation.environment, target: `operation #${operation.id}` };
  return audited(
    target.config,
    principal,
    { action: 'cancel', ...where, intent: `cancel operation #${operation.id} (${operation.kind}) ${wait.tag}: ${wait.message}` },
    async () => {
      const claimed = await withConsole(target.config, (sql) => sql`
        update console.operations set cancel_requested_by = ${principal.username}, cancel_requested_at = now(), updated_at = now()
        where id = ${operation.id} and state = 'running' and cancel_requested_by is null
        returning id`);
      if (claimed.length === 0) {
        const [now] = await withConsole(target.config, (sql) => sql`select state, cancel_requested_by from console.operations where id = ${operation.id}`);
        throw new StrataError(
          'INVALID_STATE',
          now?.state !== 'running' ? `Operation #${operation.id} has already ended (${now?.state}); nothing was done` : `Operation #${operation.id} is already being cancelled by ${now.cancel_requested_by}`,
        );
      }
      return { statementCancelled: await cancelWaitingRunner(target.environment.url, wait.runnerPid) };
    },
    (r) => ({ outcome: 'ok', detail: r.statementCancelled ? 'the waiting statement was cancelled' : 'the run stops before its next retry' }),
  );
}

/**
 * Terminates the session `pid` that blocks the operation's lock, after the engine checked on
 * the target that it really does (and is not our own session, nor one of another database).
 * Audited with the pid, its application_name, state and masked query.
 */
export async function terminateOperationBlocker(target: OperationTarget, operation: OperationRecord, principal: Principal, pid: number): Promise<TerminatedBlocker> {
  const wait = currentLockWait(operation);
  const reported = { relation: wait.lock?.object ?? null, blockers: wait.lock?.blockers.map((b) => b.pid) ?? [] };
  return audited(
    target.config,
    principal,
    { action: 'terminate-blocker', environment: operation.environment, target: `pid ${pid}`, intent: `terminate pid ${pid}, in the way of operation #${operation.id} ${wait.tag}: ${wait.message}` },
    () => terminateBlocker(target.environment.url, wait.runnerPid, pid, reported),
    (t) => ({
      outcome: 'ok',
      target: `pid ${t.pid}`,
      detail: `terminated pid ${t.pid} (${t.applicationName || 'no application_name'}, ${t.state || 'unknown state'}; query: ${t.query}), in the way of operation #${operation.id}`,
    }),
  );
}
