import 'server-only';
import { loadConfig } from '@/lib/config/environments';
import { cancelOperationSchema, terminateBlockerSchema } from '@/lib/console/api-schemas';
import { operationTarget, type OperationTarget } from '@/lib/console/environment-operations';
import { cancelActionOf, cancelOperation, terminateOperationBlocker, type CancelOutcome } from '@/lib/console/lock-wait-control';
import { requireOperation, type OperationRecord } from '@/lib/console/operations';
import type { TerminatedBlocker } from '@/lib/migrate/lock-wait-control';
import { StrataError } from '@/lib/errors';
import { isRefused, parsed } from './door-input';
import type { ZodType } from 'zod';
import type { Action } from '@/lib/auth/guard';
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

/**
 * The steps both doors share: `role` checked first, the body parsed, the operation loaded, then
 * the right `onEnvironment` names checked on its environment before `work` runs.
 */
async function operationDoor<B, T>(
  door: Door,
  id: unknown,
  input: unknown,
  steps: { role: Action; schema: ZodType<B>; onEnvironment: (operation: OperationRecord) => Action; work: (target: OperationTarget, operation: OperationRecord, body: B) => Promise<T> },
): Promise<T | Refused> {
  const early = await door.check(steps.role);
  if (early) return early;
  const body = parsed(steps.schema, input);
  if (isRefused(body)) return body;
  let environment: string | undefined;
  try {
    const operation = await requireOperation(loadConfig(), operationId(id));
    environment = operation.environment;
    const target = operationTarget(operation.environment);
    const refused = await door.check(steps.onEnvironment(operation), { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return await steps.work(target, operation, body);
  } catch (error) {
    return door.refusal(error, environment);
  }
}

export function openCancel(door: Door, id: unknown, input: unknown): Promise<{ ok: true; outcome: CancelOutcome } | Refused> {
  return operationDoor(door, id, input, {
    role: 'operation.cancel',
    schema: cancelOperationSchema,
    onEnvironment: cancelActionOf,
    work: async (target, operation) => ({ ok: true as const, outcome: await cancelOperation(target, operation, door.principal) }),
  });
}

export function openTerminateBlocker(door: Door, id: unknown, input: unknown): Promise<{ ok: true; terminated: TerminatedBlocker } | Refused> {
  return operationDoor(door, id, input, {
    role: 'lock.terminate',
    schema: terminateBlockerSchema,
    onEnvironment: () => 'lock.terminate',
    work: async (target, operation, body) => ({ ok: true as const, terminated: await terminateOperationBlocker(target, operation, door.principal, body.pid) }),
  });
}
