import { randomBytes } from 'node:crypto';

/**
 * The headers every response of the console carries. The Content-Security-Policy allows
 * only scripts carrying this request's nonce (Next.js reads the nonce from the request's own
 * Content-Security-Policy header, which the front door sets, and puts it on every script it
 * renders) and what those scripts load ('strict-dynamic': Next's chunks, the ERD's layout
 * worker). Styles: stylesheets from the console itself or with the nonce; inline style
 * attributes stay allowed because React renders `style={…}` props into the HTML (the ERD's
 * node sizes, progress bars) — a style attribute cannot run code. Images may be data: and
 * blob: URLs (the ERD's PNG/SVG export draws through one). Nothing may frame the console.
 */

/** A fresh nonce per response: 128 random bits, base64 (what a CSP nonce-source accepts). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy for one response. `formActionOrigins`: where a form may also submit or be
 * redirected after submitting — the single sign-on provider, when one is configured.
 */
export function contentSecurityPolicy(nonce: string, formActionOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    `form-action ${["'self'", ...formActionOrigins].join(' ')}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

export function securityHeaders(nonce: string, formActionOrigins: string[] = []): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(nonce, formActionOrigins),
    // For browsers that predate frame-ancestors.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Not no-referrer: a browser then sends `Origin: null` with form posts, which the
    // cross-site rule would refuse.
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
