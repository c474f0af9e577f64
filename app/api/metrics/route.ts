import { loadConfig } from '@/lib/config/environments';
import { isStrataError } from '@/lib/errors';
import { hideConnectionStrings } from '@/components/environments/environment-display';
import { renderMetrics } from '@/lib/observability/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint, computed from each target's history at scrape time. */
export async function GET(): Promise<Response> {
  try {
    const { contentType, body } = await renderMetrics(loadConfig());
    return new Response(body, { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  } catch (error) {
    console.error('GET /api/metrics failed:', isStrataError(error) ? `${error.code}: ${error.message}` : error);
    const message = isStrataError(error) ? hideConnectionStrings(error.message) : 'Metrics could not be computed; see the server log.';
    return new Response(`# ${message.replace(/\n/g, ' ')}\n`, {
      status: 500,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
}
