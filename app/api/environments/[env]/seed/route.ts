import { seedRequestSchema } from '@/lib/console/api-schemas';
import { enterDoor } from '@/app/guard';
import { openSeed } from '@/app/operation-doors';
import { readJson } from '@/app/read-json';
import { streamOpened } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST { reset, confirm: <environment> }: seed (or truncate and reseed) an environment that
 * allows it — open environments only, whoever asks — recorded as an operation, streaming
 * table-by-table progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  const input = await readJson(request, seedRequestSchema);
  if (input instanceof Response) return input;
  return streamOpened(await openSeed(door, env, input));
}
