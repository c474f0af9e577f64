import 'server-only';
import type { z } from 'zod';
import { maxBodyBytes, readJsonBody, readLimitedBody, BodyTooLarge } from '@/lib/http/request-body';

const noStore = { 'Cache-Control': 'no-store' };

/**
 * The request body validated by `schema`, or the refusal to return: 415 unless it is sent
 * as application/json, 413 past STRATA_MAX_BODY_BYTES (counted as it streams, so a body
 * without Content-Length is cut off too), 400 naming the first problem.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S> | Response> {
  const body = await readJsonBody(request, maxBodyBytes());
  if (!body.ok) return Response.json({ code: body.code, message: body.message }, { status: body.status, headers: noStore });
  const parsed = schema.safeParse(body.value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return Response.json({ code: 'BAD_USAGE', message: `Invalid request: ${issue?.path.join('.') || 'body'}: ${issue?.message}` }, { status: 400, headers: noStore });
}

/**
 * For doors that read a body themselves (next-auth's): the same request with its body read
 * up to the limit, or the 413 to return.
 */
export async function limitBody(request: Request): Promise<{ body: Uint8Array } | Response> {
  try {
    return { body: await readLimitedBody(request, maxBodyBytes()) };
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    return Response.json({ code: 'PAYLOAD_TOO_LARGE', message: `${error.message} Nothing was changed.` }, { status: 413, headers: noStore });
  }
}
