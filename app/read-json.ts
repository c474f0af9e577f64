import 'server-only';
import type { z } from 'zod';

/** The request body validated by `schema`, or a 400 naming the first problem. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S> | Response> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    return Response.json({ code: 'BAD_USAGE', message: 'The request body must be JSON.' }, { status: 400, headers: { 'Cache-Control': 'no-store' } });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return Response.json(
    { code: 'BAD_USAGE', message: `Invalid request: ${issue?.path.join('.') || 'body'}: ${issue?.message}` },
    { status: 400, headers: { 'Cache-Control': 'no-store' } },
  );
}
