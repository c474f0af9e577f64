import { z } from 'zod';
import { operationTarget, runSeed, type OperationTarget } from '@/lib/console/environment-operations';
import { StrataError } from '@/lib/errors';
import { enterDoor } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { streamOperation } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

const body = z.object({ reset: z.boolean(), confirm: z.string().max(100) }).strict();

/**
 * POST { reset, confirm: <environment> }: seed (or truncate and reseed) an environment that
 * allows it — open environments only, whoever asks — streaming table-by-table progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { principal } = door;
  const { env } = await params;
  const input = await readJson(request, body);
  if (input instanceof Response) return input;
  let target: OperationTarget;
  try {
    target = operationTarget(env);
    const refused = await door.authorize(input.reset ? 'reset' : 'seed', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    if (input.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `This request does not name ${target.environment.name} as its target; nothing was changed.`);
    }
  } catch (error) {
    return door.refuse(error, env);
  }
  return streamOperation(target.environment.url, (onProgress) => runSeed(target, { reset: input.reset }, principal, onProgress));
}
