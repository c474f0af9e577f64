import { describeOperationError, operationTarget, runDriftCheck } from '@/lib/console/environment-operations';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * GET the drift report of one environment: its live schema against a shadow replay of its
 * applied change sets. 409 while a migration holds the environment's lock.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ env: string }> }): Promise<Response> {
  const { env } = await params;
  let url: string | undefined;
  try {
    const target = operationTarget(env);
    url = target.environment.url;
    return Response.json(await runDriftCheck(target), { headers });
  } catch (error) {
    const { status, code, message } = describeOperationError(error, url);
    return Response.json({ code, message }, { status, headers });
  }
}
