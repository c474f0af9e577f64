import { loadConfig } from '@/lib/config/environments';
import { isStrataError } from '@/lib/errors';
import { hideConnectionStrings } from '@/components/environments/environment-display';
import { allEnvironmentHealth } from '@/lib/health/environment-health';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/** Per-environment health for load balancers and dashboards: 503 when any is unreachable. */
export async function GET(): Promise<Response> {
  try {
    const environments = await allEnvironmentHealth(loadConfig());
    const degraded = environments.some((e) => !e.reachable);
    return Response.json(
      { status: degraded ? 'degraded' : 'ok', checkedAt: new Date().toISOString(), environments },
      { status: degraded ? 503 : 200, headers },
    );
  } catch (error) {
    console.error('GET /api/health failed:', isStrataError(error) ? `${error.code}: ${error.message}` : error);
    // Engine errors carry messages meant for people (no secrets); anything else stays in the log.
    const message = isStrataError(error) ? hideConnectionStrings(error.message) : 'Health check failed; see the server log.';
    return Response.json({ status: 'error', message }, { status: 500, headers });
  }
}
