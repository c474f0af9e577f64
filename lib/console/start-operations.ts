import type { ChangeRequest, Principal } from '../auth/types';
import type { RunResult } from '../migrate/apply';
import type { DryRunResult } from '../migrate/dry-run-types';
import type { SeedResult } from '../seed/types';
import { assertRunAllowed, type OperationTarget, type SeedRequest } from './environment-operations';
import type { OperationRequest } from './operation-request';
import { enqueueOperation, type StartedOperation } from './operations';

/**
 * The one way the console (its server actions and its HTTP API alike) starts a change to an
 * environment: each kind recorded as an operation and put on the job queue, then run by a
 * queue worker (operation-runners.ts) with the same service functions the CLI uses. Who may
 * start what is checked by the door before these are called; what can be refused without
 * connecting (an unconfirmed run) is refused here, before any record.
 */

export function startEnvironmentOperation(target: OperationTarget, request: OperationRequest, principal: Principal): Promise<StartedOperation<DryRunResult | RunResult>> {
  if (request.kind === 'run') assertRunAllowed(target.environment, request);
  return enqueueOperation(target.config, principal, { kind: request.kind === 'dry-run' ? 'dry-run' : request.direction, environment: target.environment.name, request });
}

export function startSeed(target: OperationTarget, options: SeedRequest, principal: Principal): Promise<StartedOperation<SeedResult>> {
  const request: SeedRequest = { reset: options.reset, ...(options.table !== undefined ? { table: options.table } : {}), ...(options.alsoEmpties !== undefined ? { alsoEmpties: options.alsoEmpties } : {}) };
  return enqueueOperation(target.config, principal, { kind: options.reset ? 'reset' : 'seed', environment: target.environment.name, request });
}

/** Any kind of approved request (re-read by id when it runs); its result is a RunResult for an apply or rollback, the kind's own otherwise (a FixResult for resolve, skip, unskip). */
export function startRequestExecution(target: OperationTarget, changeRequest: ChangeRequest, principal: Principal): Promise<StartedOperation<unknown>> {
  return enqueueOperation(target.config, principal, {
    kind: 'request-execution',
    environment: target.environment.name,
    request: { requestId: changeRequest.id, kind: changeRequest.kind, direction: changeRequest.direction, payload: changeRequest.payload, plan: changeRequest.plan },
  });
}
