import fs from 'node:fs';
import http from 'node:http';
import type { BrowserContext } from '@playwright/test';
import { storageFor } from './users';

/**
 * Plain HTTP to the e2e console, from a chosen loopback address. The e2e server listens on
 * 127.0.0.1 (playwright.config.ts), and Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so binding a request to 127.0.0.5 makes it arrive from 127.0.0.5: the console
 * tells it apart from the browser (127.0.0.1) by the connection alone, whatever headers it
 * carries. The Host header is the one the browser uses (`localhost:PORT`), so cookies and
 * Origin comparisons are the browser's.
 */

export const E2E_PORT = Number(process.env.STRATA_E2E_PORT ?? 3100);
export const CONSOLE_HOST = `localhost:${E2E_PORT}`;
export const CONSOLE_ORIGIN = `http://${CONSOLE_HOST}`;

export interface RawRequest {
  method?: string;
  /** Path and query. */
  path: string;
  /** The loopback address the request comes from; default 127.0.0.1. */
  from?: string;
  headers?: Record<string, string>;
  /** A string or bytes go with Content-Length; an array of strings is sent chunked, without one. */
  body?: string | Buffer | string[];
  /** Declare this Content-Length, send only the headers, and take the answer given on them alone. */
  declaredLength?: number;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export function rawRequest(request: RawRequest): Promise<RawAnswer> {
  const headers: Record<string, string> = { host: CONSOLE_HOST, ...request.headers };
  if (typeof request.body === 'string') headers['content-length'] = String(Buffer.byteLength(request.body));
  else if (Buffer.isBuffer(request.body)) headers['content-length'] = String(request.body.length);
  if (request.declaredLength !== undefined) headers['content-length'] = String(request.declaredLength);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port: E2E_PORT, method: request.method ?? 'GET', path: request.path, localAddress: request.from ?? '127.0.0.1', headers, agent: false },
      (response) => {
        const chunks: Uint8Array[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(new Uint8Array(chunk)));
        response.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: response.statusCode!, headers: response.headers, body, text: body.toString('utf8') });
          if (request.declaredLength !== undefined) outgoing.destroy();
        });
      },
    );
    outgoing.on('error', reject);
    if (request.declaredLength !== undefined) return void outgoing.flushHeaders();
    if (Array.isArray(request.body)) for (const chunk of request.body) outgoing.write(chunk);
    else if (request.body !== undefined) outgoing.write(request.body);
    outgoing.end();
  });
}

/** The Cookie header of a person signed in during setup (test-results/.auth/<user>.json). */
export function cookieOf(username: string): string {
  const state = JSON.parse(fs.readFileSync(storageFor(username), 'utf8')) as { cookies: Array<{ name: string; value: string }> };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

function setCookies(headers: http.IncomingHttpHeaders): string[] {
  return (headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
}

/**
 * Signs in with a password through next-auth's own endpoints (a CSRF token from
 * /api/auth/csrf, then the credentials callback), as a script would: `code` is the reason
 * next-auth redirects with on a refusal (`invalid`, `throttled`), null when signed in.
 */
export async function passwordSignIn(input: { from: string; username: string; password: string; headers?: Record<string, string> }): Promise<{ signedIn: boolean; code: string | null }> {
  const csrf = await rawRequest({ path: '/api/auth/csrf', from: input.from });
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const answer = await rawRequest({
    method: 'POST',
    path: '/api/auth/callback/credentials',
    from: input.from,
    headers: { ...input.headers, cookie: setCookies(csrf.headers).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, username: input.username, password: input.password, callbackUrl: `${CONSOLE_ORIGIN}/` }).toString(),
  });
  const location = new URL(String(answer.headers.location ?? '/'), CONSOLE_ORIGIN);
  const signedIn = setCookies(answer.headers).some((c) => /^(__Secure-)?authjs\.session-token=./.test(c));
  return { signedIn, code: location.searchParams.get('code') };
}

/** Response headers a relay must not copy: the relay's own framing and encoding. */
const HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding']);

/**
 * Makes a browser context reach the console from `address`: every request to the console is
 * relayed by the test over plain HTTP bound to that loopback address, and answered with what
 * the console said. (A browser cannot choose its source address; the console must not
 * believe a header that claims one.)
 */
export async function browseFrom(context: BrowserContext, address: string): Promise<void> {
  await context.route(
    (url) => url.host === CONSOLE_HOST,
    async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      const headers = await request.allHeaders();
      delete headers['accept-encoding'];
      const answer = await rawRequest({ method: request.method(), path: url.pathname + url.search, from: address, headers, body: request.postDataBuffer() ?? undefined });
      const relayed: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value === undefined || HOP_HEADERS.has(name)) continue;
        relayed[name] = Array.isArray(value) ? value.join('\n') : value;
      }
      await route.fulfill({ status: answer.status, headers: relayed, body: answer.body });
    },
  );
}
