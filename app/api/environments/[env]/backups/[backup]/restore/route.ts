import { restoreRequestSchema } from '@/lib/console/api-schemas';
import { enterDoor } from '@/app/guard';
import { openRestore } from '@/app/operation-doors';
import { readJson } from '@/app/read-json';
import { streamOpened } from '@/app/stream-operation';

export const dynamic = 'force-dynamic';

/**
 * POST { kind: 'dry-run' | 'run', confirm }: put back what a change set destroyed from the
 * backup taken before it (after that change set was rolled back), or say what would be
 * written — recorded as an operation, streaming table-by-table progress.
 */
export async function POST(request: Request, { params }: { params: Promise<{ env: string; backup: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env, backup } = await params;
  const input = await readJson(request, restoreRequestSchema);
  if (input instanceof Response) return input;
  return streamOpened(await openRestore(door, env, backup, input));
}
