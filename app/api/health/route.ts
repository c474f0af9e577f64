import { currentPrincipal } from '@/app/auth';
import { loadConfig, type StrataConfig } from '@/lib/config/environments';
import { safeMessage, secretUrlsOf } from '@/lib/db/safe-message';
import { isStrataError } from '@/lib/errors';
import { allEnvironmentHealth } from '@/lib/health/environment-health';
import { healthStatus, publicHealth, STRATA_VERSION } from '@/lib/health/public-health';

export const dynamic = 'force-dynamic';

const headers = { 'Cache-Control': 'no-store' };

/**
 * Per-environment health for load balancers and dashboards, open to anyone: 503 when any
 * environment is unreachable. Anonymous callers get the public shape (publicHealth); a
 * signed-in person, whatever the role, also gets counts, times and what went wrong, in
 * words that name no host, user or database.
 */
export async function GET(): Promise<Response> {
  // A console database that cannot be asked about the session makes the caller anonymous, not the check fail.
  const signedIn = (await currentPrincipal().catch(() => null)) !== null;
  let config: StrataConfig | undefined;
  try {
    config = loadConfig();
    const environments = await allEnvironmentHealth(config);
    const status = healthStatus(environments);
    const body = signedIn ? { status, version: STRATA_VERSION, checkedAt: new Date().toISOString(), environments } : publicHealth(environments);
    return Response.json(body, { status: status === 'degraded' ? 503 : 200, headers });
  } catch (error) {
    console.error('GET /api/health failed:', isStrataError(error) ? `${error.code}: ${error.message}` : error);
    if (!signedIn) return Response.json({ status: 'error', version: STRATA_VERSION }, { status: 500, headers });
    // Engine errors carry messages meant for people; anything else stays in the log.
    const message = isStrataError(error) ? safeMessage(error.message, config ? secretUrlsOf(config) : []) : 'Health check failed; see the server log.';
    return Response.json({ status: 'error', version: STRATA_VERSION, message }, { status: 500, headers });
  }
}
