import type { ChangeRequest, Principal } from '../auth/types';
import type { RunResult } from '../migrate/apply';
import type { DryRunResult } from '../migrate/dry-run-types';
import type { SeedResult } from '../seed/types';
import { executeRequest } from './change-requests';
import { assertRunAllowed, runDryRun, runOperation, runSeed, type OperationTarget, type SeedRequest } from './environment-operations';
import type { OperationRequest } from './operation-request';
import { startOperation, type StartedOperation } from './operations';

/**
 * The one way the console (its server actions and its HTTP API alike) starts a change to an
 * environment: each kind recorded as an operation, then run by the same service functions
 * the CLI uses. Who may start what is checked by the door before these are called; what can
 * be refused without connecting (an unconfirmed run) is refused here, before any record.
 */

const failedIf = (result: { failed: unknown }) => (result.failed ? 'failed' : 'succeeded');

export function startEnvironmentOperation(target: OperationTarget, request: OperationRequest, principal: Principal): Promise<StartedOperation<DryRunResult | RunResult>> {
  const where = { environment: target.environment.name, request };
  if (request.kind === 'dry-run') {
    return startOperation<DryRunResult | RunResult>(target.config, principal, { kind: 'dry-run', ...where }, (onProgress) => runDryRun(target, request, principal, onProgress), failedIf);
  }
  assertRunAllowed(target.environment, request);
  return startOperation<DryRunResult | RunResult>(target.config, principal, { kind: request.direction, ...where }, (onProgress, control) => runOperation(target, request, principal, onProgress, control.cancelRequested), failedIf);
}

export function startSeed(target: OperationTarget, options: SeedRequest, principal: Principal): Promise<StartedOperation<SeedResult>> {
  return startOperation(
    target.config,
    principal,
    { kind: options.reset ? 'reset' : 'seed', environment: target.environment.name, request: options },
    (onProgress) => runSeed(target, options, principal, onProgress),
  );
}

/** Any kind of approved request; its result is a RunResult for an apply or rollback, the kind's own otherwise (a FixResult for resolve, skip, unskip). */
export function startRequestExecution(target: OperationTarget, changeRequest: ChangeRequest, principal: Principal): Promise<StartedOperation<unknown>> {
  return startOperation<unknown>(
    target.config,
    principal,
    {
      kind: 'request-execution',
      environment: target.environment.name,
      request: { requestId: changeRequest.id, kind: changeRequest.kind, direction: changeRequest.direction, payload: changeRequest.payload, plan: changeRequest.plan },
    },
    (onProgress, control) => executeRequest(target, changeRequest, principal, onProgress, control.cancelRequested),
    (result) => ((result as { failed?: unknown } | null)?.failed ? 'failed' : 'succeeded'),
  );
}
