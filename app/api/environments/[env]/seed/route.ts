import { z } from 'zod';
import { operationTarget, runSeed, type OperationTarget } from '@/lib/console/environment-operations';
import { StrataError } from '@/lib/errors';
import { routeAuthorize, routePrincipal } from '@/app/guard';
import { readJson } from '@/app/read-json';
import { refusal, streamOperation } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

const body = z.object({ reset: z.boolean(), confirm: z.string().max(100) }).strict();

/**
 * POST { reset, confirm: <environment> }: seed (or truncate and reseed) an environment that
 * allows it — open environments only, whoever asks — streaming table-by-table progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const principal = await routePrincipal();
  if (principal instanceof Response) return principal;
  const { env } = await params;
  const input = await readJson(request, body);
  if (input instanceof Response) return input;
  let target: OperationTarget;
  try {
    target = operationTarget(env);
    const refused = routeAuthorize(principal, input.reset ? 'reset' : 'seed', { protection: target.environment.protection });
    if (refused) return refused;
    if (input.confirm !== target.environment.name) {
      throw new StrataError('CONFIRMATION_REQUIRED', `This request does not name ${target.environment.name} as its target; nothing was changed.`);
    }
  } catch (error) {
    return refusal(error);
  }
  return streamOperation(target.environment.url, (onProgress) => runSeed(target, { reset: input.reset }, principal, onProgress));
}
