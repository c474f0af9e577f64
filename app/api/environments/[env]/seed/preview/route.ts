import { seedPreviewQuerySchema } from '@/lib/console/api-schemas';
import { operationTarget, previewSeed } from '@/lib/console/environment-operations';
import { enterDoor } from '@/app/guard';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET ?table=schema.table: what seeding that table would write (it and the parents its
 * foreign keys need) and what resetting it would also empty (the tables its TRUNCATE …
 * CASCADE reaches), read live from the environment; nothing changes. Asked by whoever may
 * seed there (open environments only), so a refusal is the seed's own, audited.
 */
export async function GET(request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const { env } = await params;
  const query = seedPreviewQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) {
    const issue = query.error.issues[0];
    return Response.json({ code: 'BAD_USAGE', message: `Invalid request: ${issue?.path.join('.') || 'query'}: ${issue?.message}` }, { status: 400, headers });
  }
  try {
    const target = operationTarget(env);
    const refused = await door.authorize('seed', { protection: target.environment.protection, environment: target.environment.name });
    if (refused) return refused;
    return Response.json(await previewSeed(target, query.data.table), { headers });
  } catch (error) {
    return door.refuse(error, env);
  }
}
