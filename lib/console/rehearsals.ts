import { setRequestRehearsal } from '../auth/requests';
import { withConsole } from '../auth/console-db';
import type { ChangeRequest, Principal } from '../auth/types';
import type { ProgressEvent } from '../migrate/run-context';
import { engineLogger } from '../observability/logger';
import type { RehearsalReport } from '../rehearse/report';
import { rehearse, type RehearsalProgress } from '../rehearse/rehearse';
import { audited } from './audited';
import { sampleLabel } from './rehearsal-sample';
import { consoleRunContext, type OperationTarget } from './environment-operations';
import { enqueueOperation, type StartedOperation } from './operations';

/**
 * Rehearsals in the console: the plan run for real on a scratch copy of the environment
 * (lib/rehearse), as a recorded operation of kind `rehearse` — started from the environment
 * page's button, and for every apply request on a protected environment when it is filed, so
 * its approver sees what the plan did to real-sized data beside the diff. The target is only
 * read; the copy lives on the shadow server the console's shadow dry runs use. Who may start
 * one is the door's business (guard action `rehearse`).
 */

export interface RehearsalInput {
  /** The last pending change set to rehearse (default: all pending). */
  to?: string;
  /** The fraction of each copied table's rows (default 1: all of them). */
  sample?: number;
}

/** A rehearsal in which a change set failed on the copy is a failed operation (it still has its report). */
export const rehearsalFailed = (report: RehearsalReport): boolean => report.changeSets.some((c) => c.status === 'failed');

/** Rehearses the environment's plan, audited (`rehearse`: the intent before the copy, the outcome with the headline after). */
export async function runRehearsal(target: OperationTarget, input: RehearsalInput, principal: Principal, onProgress?: (event: ProgressEvent) => void): Promise<RehearsalReport> {
  return audited(
    target.config,
    principal,
    { action: 'rehearse', environment: target.environment.name, target: input.to ?? null, intent: `rehearse ${input.to ? `up to ${input.to}` : 'all pending'} on a scratch copy, ${sampleLabel(input.sample)}` },
    () =>
      rehearse(consoleRunContext(target, principal), target.project, { to: input.to, sample: input.sample }, {
        scratchServerUrl: target.config.shadowServerUrl,
        onProgress: onProgress && ((event) => onProgress(asProgressEvent(event))),
      }),
    (report) => ({
      outcome: rehearsalFailed(report) ? 'failed' : 'ok',
      target: report.changeSets.map((c) => c.tag).join(', ') || null,
      detail: [sampleLabel(report.sample), report.headlines[0] ?? 'no locks held', report.scratchDropped ? null : 'scratch copy NOT dropped'].filter(Boolean).join('; ').slice(0, 500),
    }),
  );
}

/**
 * A rehearsal's progress in the terms every operation record and progress bar use: a copied
 * table becomes a phase line ("Copied platform.users: 1,204 rows (2 of 5 tables)").
 */
export function asProgressEvent(event: RehearsalProgress): ProgressEvent {
  if (event.type !== 'copy-table') return event;
  return { type: 'phase', label: `Copied ${event.table}: ${event.rows.toLocaleString('en-US')} rows (${event.position + 1} of ${event.total} tables)` };
}

/** Starts a rehearsal as a recorded operation on the queue; its id answers at once, the report ends it (operation-runners.ts runs it). */
export function startRehearsal(target: OperationTarget, input: RehearsalInput, principal: Principal, extra: { requestId?: number } = {}): Promise<StartedOperation<RehearsalReport>> {
  return enqueueOperation<RehearsalReport>(target.config, principal, { kind: 'rehearse', environment: target.environment.name, request: { to: input.to, sample: input.sample ?? 1, ...extra } });
}

/**
 * A filed apply request's rehearsal: its plan (up to its last change set, all rows) run on a
 * scratch copy, started now and attached to the request by its operation id, so the approvals
 * page follows it while it runs and shows its report when done. A rollback is not rehearsed
 * (a rehearsal applies pending change sets). Attaching never fails the request: a rehearsal
 * that cannot start is logged and the request goes on without one.
 */
export async function attachRehearsal(target: OperationTarget, request: ChangeRequest, principal: Principal): Promise<ChangeRequest> {
  if (request.kind !== 'change' || request.direction !== 'apply' || request.plan.length === 0) return request;
  try {
    const started = await startRehearsal(target, { to: request.plan.at(-1)!.tag }, principal, { requestId: request.id });
    return await withConsole(target.config, (sql) => setRequestRehearsal(sql, request.id, started.id));
  } catch (error) {
    engineLogger().error({ request: request.id, error: (error as Error).message }, 'the request’s rehearsal could not be started');
    return request;
  }
}
