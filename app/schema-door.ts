import 'server-only';
import { readSchema, type SchemaRead } from '@/app/environments/[env]/read-schema';
import { enterDoor } from '@/app/guard';
import { fingerprintOf } from '@/lib/introspect/model-fingerprint';
import type { SchemaModel } from '@/lib/introspect/schema-model';

const noStore = { 'Cache-Control': 'no-store' };

/**
 * The one way a route answers from an environment's live schema (the model, its clusters,
 * its exports): signed in with `schema.read`, the environment read by readSchema (404
 * unknown, 503 unreachable, never its URL), a failure logged and answered 500 with `failure`
 * as the message. `refuse` turns bad input away before anything is read.
 */
export async function answerFromSchema(
  request: Request,
  params: Promise<{ env: string }>,
  route: { name: string; failure: string; refuse?: () => Response | null },
  answer: (read: Extract<SchemaRead, { ok: true }>, headers: Record<string, string>) => Response | Promise<Response>,
): Promise<Response> {
  const door = await enterDoor(request);
  if (door instanceof Response) return door;
  const refused = await door.authorize('schema.read');
  if (refused) return refused;
  const { env } = await params;
  const bad = route.refuse?.();
  if (bad) return bad;
  try {
    const read = await readSchema(env);
    if (!read.ok) return Response.json({ error: read.error, message: read.message }, { status: read.status, headers: noStore });
    return await answer(read, noStore);
  } catch (error) {
    console.error(`GET /api/environments/${env}/${route.name} failed:`, error);
    return Response.json({ error: 'internal', message: route.failure }, { status: 500, headers: noStore });
  }
}

/**
 * A model as the schema routes answer it (an environment's, a fleet target's): its
 * fingerprint as the ETag, and 304 with no body when If-None-Match holds it — a few hundred
 * bytes instead of the whole model (megabytes at 2,000 tables).
 */
export function answerWithModel(request: Request, model: SchemaModel, headers: Record<string, string>): Response {
  const etag = `"${fingerprintOf(model)}"`;
  if (etagMatches(request.headers.get('if-none-match'), etag)) return new Response(null, { status: 304, headers: { ...headers, ETag: etag } });
  return Response.json(model, { headers: { ...headers, ETag: etag } });
}

/** If-None-Match holds `etag` (a list, or `*`); weak validators compare by their opaque part. */
export function etagMatches(header: string | null, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}
