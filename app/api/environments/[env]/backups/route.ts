import { describeOperationError } from '@/lib/console/describe-error';
import { environmentBackups } from '@/lib/console/environment-backups';
import { operationTarget } from '@/lib/console/environment-operations';
import { enterDoor } from '@/app/guard';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the backups of one environment, newest first: when, before which change set, which
 * tables (whole, or key and columns), rows, size, verified. Read without the environment's
 * lock, so it never waits for a run.
 */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  let url: string | undefined;
  try {
    const target = operationTarget(env);
    const refused = await door.authorize('history.read', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    url = target.environment.url;
    return Response.json(await environmentBackups(target), { headers });
  } catch (error) {
    const { status, code, message } = describeOperationError(error, url);
    return Response.json({ code, message }, { status, headers });
  }
}
