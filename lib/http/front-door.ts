import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { StrataError } from '../errors';
import { maxBodyBytes } from './request-body';
import { CLIENT_ADDRESS_HEADER, clientAddressOf, parseTrustedProxies, peerIsTrusted, type TrustedProxies } from './client-address';
import { newNonce, securityHeaders } from './security-headers';

/**
 * The console's front door: a plain node:http handler in front of Next.js
 * (app/_server/console-server.ts). On every request it
 * - determines the client's address from the connection (lib/http/client-address.ts) and
 *   hands it to the app in its own header; forwarded headers from a peer that is not a
 *   trusted proxy are dropped, so nothing downstream believes them;
 * - refuses (403 CROSS_SITE) a changing request (any method but GET, HEAD, OPTIONS) whose
 *   `Origin` is not the console's own or whose `Sec-Fetch-Site` is not `same-origin`. A
 *   request with neither header does not come from a browser (curl, CI) and cannot carry
 *   someone else's cookie without their say, so it is not cross-site;
 * - refuses (413 PAYLOAD_TOO_LARGE) a declared Content-Length above the limit, before
 *   anything reads the body;
 * - sets the security headers with a fresh CSP nonce on the response, and the same policy
 *   on the request, where Next.js finds the nonce for the scripts it renders.
 * No path is exempt: next-auth's single sign-on callback comes back as a GET (its default
 * response mode), and a cross-site POST to it would lack the SameSite=Lax state cookies anyway.
 */

export interface FrontDoorSettings {
  trustedProxies: TrustedProxies;
  /** Origins that are the console's own besides the Host header's (STRATA_PUBLIC_ORIGIN). */
  publicOrigins: string[];
  maxBodyBytes: number;
  /** Where forms may submit besides the console: the single sign-on provider. */
  formActionOrigins: string[];
}

/** The settings from the environment; BAD_USAGE naming the variable that cannot be read. */
export function frontDoorSettings(env: Record<string, string | undefined> = process.env): FrontDoorSettings {
  return {
    trustedProxies: parseTrustedProxies(env.STRATA_TRUSTED_PROXIES),
    publicOrigins: parseOrigins('STRATA_PUBLIC_ORIGIN', env.STRATA_PUBLIC_ORIGIN),
    maxBodyBytes: maxBodyBytes(env),
    formActionOrigins: env.STRATA_OIDC_ISSUER ? parseOrigins('STRATA_OIDC_ISSUER', env.STRATA_OIDC_ISSUER) : [],
  };
}

function parseOrigins(variable: string, value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => {
      const origin = originOf(v);
      if (!origin) throw new StrataError('BAD_USAGE', `${variable}: "${v.slice(0, 80)}" is not an http(s) URL such as https://strata.example.com`);
      return origin;
    });
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Control characters and length stripped from a client's header before it goes into a message. */
function shown(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 100);
}

/**
 * Why a changing request is cross-site, or null when it is the console's own (or not from
 * a browser at all). `Origin: null` (a sandboxed frame, a cross-origin redirect) is not the
 * console's own.
 */
export function crossSiteReason(method: string | undefined, headers: IncomingHttpHeaders, publicOrigins: string[]): string | null {
  if (SAFE_METHODS.has((method ?? 'GET').toUpperCase())) return null;
  const origin = headers.origin;
  if (typeof origin === 'string' && !isOwnOrigin(origin, headers.host, publicOrigins)) {
    return `Origin ${shown(origin)} is not this console's`;
  }
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin') return `Sec-Fetch-Site is ${shown(site)}, not same-origin`;
  return null;
}

function isOwnOrigin(origin: string, host: string | undefined, publicOrigins: string[]): boolean {
  const own = originOf(origin);
  if (!own) return false;
  if (publicOrigins.includes(own)) return true;
  if (!host) return false;
  try {
    return new URL(own).host === new URL(`http://${host}`).host;
  } catch {
    return false;
  }
}

/** True when the request declares a body larger than `limit`. */
export function declaresTooLarge(headers: IncomingHttpHeaders, limit: number): boolean {
  const declared = Number(headers['content-length'] ?? 0);
  return Number.isFinite(declared) && declared > limit;
}

export interface DoorRefusal {
  status: 403 | 413;
  code: 'CROSS_SITE' | 'PAYLOAD_TOO_LARGE';
  message: string;
  method: string;
  /** The path without its query string. */
  path: string;
  /** The client's address, as the front door determined it. */
  source: string;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** Headers that only a trusted proxy may set; from anyone else they are dropped. */
const FORWARDED_HEADERS = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded', 'x-real-ip'];

/**
 * Wraps `next` (the app's handler) in the front door. `onRefusal` hears every refusal after
 * it was answered (the console server audits and logs it); it must not throw.
 */
export function createFrontDoor(settings: FrontDoorSettings, next: NodeHandler, onRefusal: (refusal: DoorRefusal) => void = () => {}): NodeHandler {
  return (req, res) => {
    const source = clientAddressOf(req.socket.remoteAddress, req.headers['x-forwarded-for'], settings.trustedProxies);
    if (!peerIsTrusted(req.socket.remoteAddress, settings.trustedProxies)) for (const name of FORWARDED_HEADERS) delete req.headers[name];
    // Whatever the client sent under these names is replaced: downstream sees only the door's answer.
    req.headers[CLIENT_ADDRESS_HEADER] = source;
    req.headers['x-forwarded-for'] = source;

    const headers = securityHeaders(newNonce(), settings.formActionOrigins);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    req.headers['content-security-policy'] = headers['Content-Security-Policy'];
    delete req.headers['content-security-policy-report-only'];

    const method = req.method ?? 'GET';
    const crossSite = crossSiteReason(method, req.headers, settings.publicOrigins);
    const refusal: Omit<DoorRefusal, 'method' | 'path' | 'source'> | null = crossSite
      ? { status: 403, code: 'CROSS_SITE', message: `Cross-site request refused: ${crossSite}. Nothing was changed.` }
      : declaresTooLarge(req.headers, settings.maxBodyBytes)
        ? { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `The request body is larger than ${settings.maxBodyBytes} bytes. Nothing was changed.` }
        : null;
    if (!refusal) return next(req, res);

    res.statusCode = refusal.status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    // The body is never read: close the connection rather than parse it as the next request.
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) res.setHeader('Connection', 'close');
    res.end(JSON.stringify({ code: refusal.code, message: refusal.message }));
    onRefusal({ ...refusal, method, path: shown((req.url ?? '/').split('?')[0]!), source });
  };
}
