import 'server-only';
import { loadConfig } from '@/lib/config/environments';
import { cancelOperationSchema, terminateBlockerSchema } from '@/lib/console/api-schemas';
import { operationTarget } from '@/lib/console/environment-operations';
import { cancelActionOf, cancelOperation, terminateOperationBlocker, type CancelOutcome } from '@/lib/console/lock-wait-control';
import { requireOperation } from '@/lib/console/operations';
import type { TerminatedBlocker } from '@/lib/migrate/lock-wait-control';
import { StrataError } from '@/lib/errors';
import { isRefused, parsed } from './door-input';
import type { Door, Refused } from './guard';

/**
 * Cancel and Terminate blocker, shared by the server actions of the operation dialog and the
 * HTTP API: the role first (before the operation is looked up, so nobody without it learns
 * which operations exist), the body, the operation, then the right on its environment; the
 * console and the engine do the rest (lib/console/lock-wait-control.ts). Refusals are audited.
 */

/** An operation id from a path or an action's argument: a positive integer, or 404. */
function operationId(id: unknown): number {
  const n = Number(id);
  if (!Number.isSafeInteger(n) || n < 1) throw new StrataError('NOT_FOUND', `No operation #${String(id).slice(0, 20)}`);
  return n;
}

export async function openCancel(door: Door, id: unknown, input: unknown): Promise<{ ok: true; outcome: CancelOutcome } | Refused> {
  const early = await door.check('operation.cancel');
  if (early) return early;
  const body = parsed(cancelOperationSchema, input);
  if (isRefused(body)) return body;
  let environment: string | undefined;
  try {
    const operation = await requireOperation(loadConfig(), operationId(id));
    environment = operation.environment;
    const target = operationTarget(operation.environment);
    const refused = await door.check(cancelActionOf(operation), { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return { ok: true, outcome: await cancelOperation(target, operation, door.principal) };
  } catch (error) {
    return door.refusal(error, environment);
  }
}

export async function openTerminateBlocker(door: Door, id: unknown, input: unknown): Promise<{ ok: true; terminated: TerminatedBlocker } | Refused> {
  const early = await door.check('lock.terminate');
  if (early) return early;
  const body = parsed(terminateBlockerSchema, input);
  if (isRefused(body)) return body;
  let environment: string | undefined;
  try {
    const operation = await requireOperation(loadConfig(), operationId(id));
    environment = operation.environment;
    const target = operationTarget(operation.environment);
    const refused = await door.check('lock.terminate', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return { ok: true, terminated: await terminateOperationBlocker(target, operation, door.principal, body.pid) };
  } catch (error) {
    return door.refusal(error, environment);
  }
}
