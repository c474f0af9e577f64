import { loadConfig } from '@/lib/config/environments';
import { isStrataError } from '@/lib/errors';
import { METRICS_FAILED_BODY } from '@/lib/health/public-health';
import { renderMetrics } from '@/lib/observability/metrics';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint, computed from each target's history at scrape time; open, and never shows error text. */
export async function GET(): Promise<Response> {
  try {
    const { contentType, body } = await renderMetrics(loadConfig());
    return new Response(body, { status: 200, headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
  } catch (error) {
    console.error('GET /api/metrics failed:', isStrataError(error) ? `${error.code}: ${error.message}` : error);
    return new Response(METRICS_FAILED_BODY, {
      status: 500,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    });
  }
}
