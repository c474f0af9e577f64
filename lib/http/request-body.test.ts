import { describe, expect, it } from 'vitest';
import { isJsonContentType, maxBodyBytes, readJsonBody, readLimitedBody } from './request-body';

/** A request whose body streams in chunks without a Content-Length, counting what was pulled and whether it was cancelled. */
function chunkedRequest(chunks: string[], contentType = 'application/json') {
  const state = { pulled: 0, cancelled: false };
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i >= chunks.length) return controller.close();
      state.pulled += 1;
      controller.enqueue(new TextEncoder().encode(chunks[i++]));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  const request = new Request('http://console.test/api/users', { method: 'POST', headers: { 'content-type': contentType }, body, duplex: 'half' } as RequestInit);
  return { request, state };
}

describe('request bodies', () => {
  it('accept only application/json (with or without a charset) for the JSON API', async () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('Application/JSON; charset=utf-8')).toBe(true);
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonp', null]) {
      expect(isJsonContentType(type), String(type)).toBe(false);
    }
    const plain = await readJsonBody(new Request('http://console.test/', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"role":"admin"}' }), 1024);
    expect(plain).toMatchObject({ ok: false, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('stop reading a body without Content-Length as soon as it passes the limit (413)', async () => {
    const { request, state } = chunkedRequest(['{"a":"', 'x'.repeat(1000), 'x'.repeat(1000), 'x'.repeat(1000), '"}']);
    expect(await readJsonBody(request, 1500)).toMatchObject({ ok: false, status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(state.pulled).toBeLessThan(5);
    expect(state.cancelled).toBe(true);

    const small = chunkedRequest(['{"a":', '1}']);
    expect(await readJsonBody(small.request, 1500)).toEqual({ ok: true, value: { a: 1 } });
  });

  it('refuse a declared Content-Length over the limit without reading, and bytes that are not JSON (400)', async () => {
    const declared = new Request('http://console.test/', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '99999' }, body: '{}' });
    await expect(readLimitedBody(declared, 1024)).rejects.toThrow(/larger than 1024 bytes/);
    const broken = new Request('http://console.test/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(await readJsonBody(broken, 1024)).toMatchObject({ ok: false, status: 400, code: 'BAD_USAGE' });
  });

  it('take the limit from STRATA_MAX_BODY_BYTES, 64 KiB by default', () => {
    expect(maxBodyBytes({})).toBe(65536);
    expect(maxBodyBytes({ STRATA_MAX_BODY_BYTES: '4096' })).toBe(4096);
    expect(() => maxBodyBytes({ STRATA_MAX_BODY_BYTES: '10' })).toThrow(/at least 1024/);
  });
});
