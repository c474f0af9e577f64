import { findEnvironment, loadConfig } from '@/lib/config/environments';
import { requireOperation } from '@/lib/console/operations';
import { enterDoor } from '@/app/guard';

export const dynamic = 'force-dynamic';

/**
 * GET one operation: what was asked, who started it, its state, its progress events (those
 * after `?after=N` only, for a watcher that has the first N) and its outcome. Anyone who may
 * read the environment's history may follow it.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  try {
    const config = loadConfig();
    const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
    const operation = await requireOperation(config, Number((await params).id), Number.isFinite(after) ? after : 0);
    const environment = findEnvironment(config, operation.environment);
    const refused = await door.authorize('history.read', { protection: environment.protection, environment: environment.name });
    if (refused) return refused;
    return Response.json(operation, { headers: { 'Cache-Control': 'no-store' } });
  } catch (error) {
    return door.refuse(error);
  }
}
