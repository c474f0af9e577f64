import { NextRequest } from 'next/server';
import { handlers } from '@/app/auth';
import { limitBody } from '@/app/read-json';

export const dynamic = 'force-dynamic';

export const { GET } = handlers;

/** next-auth reads form bodies itself: it gets one read up to STRATA_MAX_BODY_BYTES (413 past it, even without Content-Length). */
export async function POST(request: NextRequest): Promise<Response> {
  const limited = await limitBody(request);
  if (limited instanceof Response) return limited;
  return handlers.POST(new NextRequest(request.url, { method: 'POST', headers: request.headers, body: limited.body as BodyInit }));
}
