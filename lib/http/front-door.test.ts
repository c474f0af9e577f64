import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ADDRESS_HEADER,
  clientAddressOf,
  forgetFrontDoor,
  markFrontDoorPresent,
  normalizeAddress,
  parseTrustedProxies,
  requestClientAddress,
} from './client-address';
import { createFrontDoor, frontDoorSettings, type DoorRefusal, type FrontDoorSettings } from './front-door';

/**
 * The front door's rules: the client address (forged X-Forwarded-For ignored unless a
 * trusted proxy wrote it), cross-site refusals, the declared body limit and the security
 * headers — on a real node:http server with the front door in front of a trivial handler
 * that records what reached it.
 */

describe('client address', () => {
  it('is the socket address, whatever X-Forwarded-For says, when no proxy is trusted', () => {
    expect(clientAddressOf('127.0.0.5', '127.0.0.9', null)).toBe('127.0.0.5');
    expect(clientAddressOf('203.0.113.7', '198.51.100.1, 10.0.0.1', null)).toBe('203.0.113.7');
    expect(clientAddressOf('::ffff:127.0.0.1', undefined, null)).toBe('127.0.0.1');
    expect(clientAddressOf(undefined, '1.2.3.4', null)).toBe('unknown');
  });

  it('with trusted proxies, is the rightmost X-Forwarded-For entry that is not a trusted hop', () => {
    const trusted = parseTrustedProxies('10.0.0.0/8, 127.0.0.1');
    // The client forged "6.6.6.6"; the proxy appended the real peer 203.0.113.7.
    expect(clientAddressOf('127.0.0.1', '6.6.6.6, 203.0.113.7', trusted)).toBe('203.0.113.7');
    // Two trusted hops (an ingress behind a load balancer) are skipped.
    expect(clientAddressOf('10.1.0.2', '6.6.6.6, 203.0.113.7, 10.2.0.3', trusted)).toBe('203.0.113.7');
    // Several headers are one list.
    expect(clientAddressOf('10.1.0.2', ['6.6.6.6', '203.0.113.8'], trusted)).toBe('203.0.113.8');
    // A peer that is not trusted is the client, whatever it forwards.
    expect(clientAddressOf('203.0.113.9', '10.0.0.1', trusted)).toBe('203.0.113.9');
    // No header from a trusted peer: the peer itself.
    expect(clientAddressOf('10.1.0.2', undefined, trusted)).toBe('10.1.0.2');
    // Every hop trusted: the leftmost.
    expect(clientAddressOf('10.1.0.2', '10.3.0.1, 10.2.0.1', trusted)).toBe('10.3.0.1');
    // An entry that is not an address is never believed: the trusted hop that wrote it stands.
    expect(clientAddressOf('10.1.0.2', '203.0.113.7, not-an-address, 10.2.0.1', trusted)).toBe('10.2.0.1');
    // Ports and brackets some proxies write are dropped.
    expect(clientAddressOf('10.1.0.2', '203.0.113.7:5555', trusted)).toBe('203.0.113.7');
  });

  it('understands IPv6 and IPv4-mapped addresses in the list, the header and the socket', () => {
    const trusted = parseTrustedProxies('fd00::/8, ::1');
    expect(clientAddressOf('::1', '2001:db8::7, fd00::2', trusted)).toBe('2001:db8::7');
    expect(clientAddressOf('FD00::5', '[2001:DB8::8]:443', trusted)).toBe('2001:db8::8');
    expect(clientAddressOf('2001:db8::9', '1.2.3.4', trusted)).toBe('2001:db8::9');
    // An IPv4 CIDR trusts the same peer seen through a dual-stack socket.
    expect(clientAddressOf('::ffff:10.1.2.3', '203.0.113.7', parseTrustedProxies('10.0.0.0/8'))).toBe('203.0.113.7');
    expect(normalizeAddress('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normalizeAddress('hello')).toBeNull();
  });

  it('refuses a trusted-proxies list it cannot read, naming the entry', () => {
    expect(parseTrustedProxies('')).toBeNull();
    expect(parseTrustedProxies(undefined)).toBeNull();
    for (const bad of ['10.0.0.0/33', 'proxy.internal', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(`127.0.0.1, ${bad}`)).toThrow(expect.objectContaining({ code: 'BAD_USAGE', message: expect.stringContaining(bad) }));
    }
    expect(() => frontDoorSettings({ STRATA_PUBLIC_ORIGIN: 'strata.example.com' })).toThrow(/STRATA_PUBLIC_ORIGIN/);
    expect(() => frontDoorSettings({ STRATA_MAX_BODY_BYTES: '64k' })).toThrow(/STRATA_MAX_BODY_BYTES/);
  });

  it('the app believes the front door header only when the front door runs in this process', () => {
    const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: '127.0.0.9' });
    forgetFrontDoor();
    expect(requestClientAddress(headers)).toBe('unknown');
    markFrontDoorPresent();
    try {
      expect(requestClientAddress(headers)).toBe('127.0.0.9');
      expect(requestClientAddress(new Headers())).toBe('unknown');
    } finally {
      forgetFrontDoor();
    }
  });
});

interface Seen {
  method: string;
  headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let port = 0;
let settings: FrontDoorSettings;
const seen: Seen[] = [];
const refusals: DoorRefusal[] = [];

beforeAll(async () => {
  settings = frontDoorSettings({ STRATA_PUBLIC_ORIGIN: 'https://strata.example.com', STRATA_MAX_BODY_BYTES: '2048' });
  // `settings` is read per request, so a test can trust a proxy for a moment.
  const door = (req: http.IncomingMessage, res: http.ServerResponse) =>
    createFrontDoor(
      settings,
      (inner, response) => {
        seen.push({ method: inner.method!, headers: { ...inner.headers } });
        inner.resume();
        inner.on('end', () => response.end('{"reached":true}'));
      },
      (refusal) => refusals.push(refusal),
    )(req, res);
  server = http.createServer(door);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  seen.length = 0;
  refusals.length = 0;
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request from a chosen loopback address; `body` as a string (with Content-Length) or chunks (chunked). */
function send(options: { method?: string; path?: string; from?: string; headers?: Record<string, string>; body?: string | string[] }): Promise<Answer> {
  const length: Record<string, string> = typeof options.body === 'string' ? { 'content-length': String(Buffer.byteLength(options.body)) } : {};
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'POST',
        path: options.path ?? '/api/users/vera',
        localAddress: options.from ?? '127.0.0.1',
        headers: { host: `127.0.0.1:${port}`, ...length, ...options.headers },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (d) => (body += d));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body }));
      },
    );
    request.on('error', reject);
    if (Array.isArray(options.body)) for (const chunk of options.body) request.write(chunk);
    else if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

describe('the front door on a real server', () => {
  it('hands the app the connection address, replacing a forged X-Forwarded-For and a forged address header', async () => {
    const answer = await send({ method: 'GET', from: '127.0.0.5', headers: { 'x-forwarded-for': '127.0.0.9', [CLIENT_ADDRESS_HEADER]: '127.0.0.9', 'x-forwarded-host': 'evil.example' } });
    expect(answer.status).toBe(200);
    expect(seen[0]!.headers[CLIENT_ADDRESS_HEADER]).toBe('127.0.0.5');
    expect(seen[0]!.headers['x-forwarded-for']).toBe('127.0.0.5');
    // Forwarded headers from a peer that is not a trusted proxy are dropped.
    expect(seen[0]!.headers['x-forwarded-host']).toBeUndefined();
  });

  it('believes X-Forwarded-For from a trusted proxy only', async () => {
    const before = settings;
    settings = { ...settings, trustedProxies: parseTrustedProxies('127.0.0.2') };
    try {
      await send({ method: 'GET', from: '127.0.0.2', headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7', 'x-forwarded-proto': 'https' } });
      await send({ method: 'GET', from: '127.0.0.3', headers: { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' } });
    } finally {
      settings = before;
    }
    expect(seen.map((s) => [s.headers[CLIENT_ADDRESS_HEADER], s.headers['x-forwarded-proto'] ?? null])).toEqual([
      ['203.0.113.7', 'https'],
      ['127.0.0.3', null],
    ]);
  });

  it('refuses a changing request from another origin (403), before the app sees it, and reports the refusal', async () => {
    const answer = await send({ from: '127.0.0.6', headers: { origin: 'https://evil.example', 'content-type': 'text/plain' }, body: '{"role":"admin"}' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'CROSS_SITE', message: expect.stringContaining('https://evil.example') });
    expect(answer.headers.connection).toBe('close');
    expect(seen).toEqual([]);
    expect(refusals).toEqual([
      { status: 403, code: 'CROSS_SITE', message: expect.stringContaining('evil.example'), method: 'POST', path: '/api/users/vera', source: '127.0.0.6' },
    ]);
  });

  it('refuses Sec-Fetch-Site other than same-origin, and Origin: null', async () => {
    const crossSite: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
      { origin: 'http://127.0.0.1:1' },
      { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of crossSite) {
      const answer = await send({ method: 'DELETE', headers });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
    }
    expect(seen).toEqual([]);
    expect(refusals).toHaveLength(5);
  });

  it('lets the console\'s own origin, its public origin, and requests that are not from a browser through', async () => {
    const own: Array<Record<string, string>> = [
      { origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' },
      { origin: 'https://strata.example.com', 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin' },
      {},
    ];
    for (const headers of own) expect((await send({ headers, body: '{}' })).status, JSON.stringify(headers)).toBe(200);
    // Reading is never refused for its origin.
    expect((await send({ method: 'GET', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } })).status).toBe(200);
    expect(seen).toHaveLength(5);
    expect(refusals).toEqual([]);
  });

  it('refuses a declared body over the limit (413) without reading it; a chunked body is counted by the app', async () => {
    const big = 'x'.repeat(2049);
    const refused = await send({ headers: { 'content-type': 'application/json' }, body: big });
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(seen).toEqual([]);
    expect((await send({ headers: { 'content-type': 'application/json' }, body: 'x'.repeat(2048) })).status).toBe(200);
    // Without Content-Length the door cannot know: app/read-json.ts counts (lib/http/request-body.ts).
    expect((await send({ headers: { 'content-type': 'application/json' }, body: [big, big] })).status).toBe(200);
    expect(seen.map((s) => s.headers['transfer-encoding'] ?? 'length')).toEqual(['length', 'chunked']);
  });

  it('puts the security headers on every response, with a fresh nonce that the app finds in the request', async () => {
    const answers = [await send({ method: 'GET' }), await send({ method: 'GET' }), await send({ headers: { origin: 'https://evil.example' } })];
    const policies = answers.map((a) => String(a.headers['content-security-policy']));
    for (const a of answers) {
      expect(a.headers['x-frame-options']).toBe('DENY');
      expect(a.headers['x-content-type-options']).toBe('nosniff');
      expect(a.headers['referrer-policy']).toBe('same-origin');
    }
    for (const policy of policies) {
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'/);
      expect(policy).not.toContain('unsafe-eval');
    }
    expect(new Set(policies).size).toBe(3);
    // Next.js takes the nonce for its scripts from the request's policy: the same one the browser gets.
    expect(seen.map((s) => s.headers['content-security-policy'])).toEqual(policies.slice(0, 2));
  });
});
