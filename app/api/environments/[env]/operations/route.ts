import { assertRunAllowed, operationTarget, runDryRun, runOperation, type OperationTarget } from '@/lib/console/environment-operations';
import { operationActions, operationRequestSchema } from '@/lib/console/operation-request';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { streamOperation } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST a dry run or a real apply/rollback on one environment. Everything that can be
 * refused (no session, bad body, unknown environment, a role or protection level that does
 * not allow it, an unconfirmed target) is refused with a JSON error before anything
 * connects; then the answer streams progress, change set by change set and statement by
 * statement, ending in the result.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const { env } = await params;
  const operation = await readJson(request, operationRequestSchema);
  if (operation instanceof Response) return operation;
  let target: OperationTarget;
  try {
    target = operationTarget(env);
    const where = { protection: target.environment.protection, environment: target.environment.name };
    for (const action of operationActions(operation, target.environment.protection, principal)) {
      const refused = await door.authorize(action, where);
      if (refused) return refused;
    }
    if (operation.kind === 'run') assertRunAllowed(target.environment, operation);
  } catch (error) {
    return door.refuse(error, env);
  }
  return streamOperation<unknown>(target.environment.url, (onProgress) =>
    operation.kind === 'dry-run' ? runDryRun(target, operation, principal, onProgress) : runOperation(target, operation, principal, onProgress),
  );
}
