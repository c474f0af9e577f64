import { StrataError } from '../errors';

/**
 * Request bodies for the doors: size-limited and, for the JSON API, JSON only.
 *
 * How large a request body may be: STRATA_MAX_BODY_BYTES, default 64 KiB. The largest body
 * the console sends (an apply that names its change sets) is a few hundred bytes, and the
 * sign-in form well under 2 KB. The front door refuses a larger Content-Length before the
 * app sees the request; `readLimitedBody` counts a body sent without one (chunked).
 */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export function maxBodyBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.STRATA_MAX_BODY_BYTES?.trim();
  if (!raw) return DEFAULT_MAX_BODY_BYTES;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1024) throw new StrataError('BAD_USAGE', `STRATA_MAX_BODY_BYTES must be a whole number of bytes, at least 1024 (got "${raw.slice(0, 40)}")`);
  return value;
}

/** A body over the limit, declared or counted. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/**
 * The body of a web Request as bytes, read chunk by chunk and abandoned (the stream
 * cancelled) as soon as it passes `limit`, so a body without Content-Length cannot make the
 * server buffer more than the limit. Throws BodyTooLarge.
 */
export async function readLimitedBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(limit);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; code: 'BAD_USAGE' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'; message: string };

/**
 * Only `Content-Type: application/json` (a charset parameter allowed): the types a plain HTML
 * form or a cross-site `fetch` can send without a CORS preflight (text/plain,
 * multipart/form-data, application/x-www-form-urlencoded) are refused.
 */
export function isJsonContentType(value: string | null): boolean {
  return (value ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** The body of a JSON API request, parsed: 415 for another type, 413 past `limit`, 400 for bytes that are not JSON. */
export async function readJsonBody(request: Request, limit: number): Promise<JsonBody> {
  if (!isJsonContentType(request.headers.get('content-type'))) {
    return { ok: false, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'The request body must be JSON, sent with Content-Type: application/json. Nothing was changed.' };
  }
  let bytes: Uint8Array;
  try {
    bytes = await readLimitedBody(request, limit);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    return { ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE', message: `${error.message} Nothing was changed.` };
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) };
  } catch {
    return { ok: false, status: 400, code: 'BAD_USAGE', message: 'The request body must be JSON.' };
  }
}
