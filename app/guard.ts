import 'server-only';
import { redirect } from 'next/navigation';
import { authorize, type Action, type GuardContext } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import { loadConfig } from '@/lib/config/environments';
import { alreadyAudited, isDenial } from '@/lib/console/audited';
import { describeOperationError } from '@/lib/console/describe-error';
import { auditRefusal } from '@/lib/console/refusals';
import { requestClientAddress } from '@/lib/http/client-address';
import { currentPrincipal } from './auth';

/**
 * The doors' side of lib/auth/guard: route handlers and pages call these before anything
 * else. The decision itself is always lib's `authorize`; this turns it into a 401/403
 * response or a redirect to the sign-in page — and every refusal a route handler answers
 * (not signed in, not allowed, not confirmed) goes to the audit trail, with who asked,
 * what, and from which address.
 */

const noStore = { 'Cache-Control': 'no-store' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);


function what(request: Request): string {
  return `${request.method} ${new URL(request.url).pathname}`;
}

/** One request at a route handler, signed in: its principal, and refusals that are audited. */
export class Door {
  constructor(
    readonly request: Request,
    readonly principal: Principal,
  ) {}

  /** `authorize` as a 403 Response (audited) when it refuses; null when allowed. */
  async authorize(action: Action, context?: GuardContext): Promise<Response | null> {
    try {
      authorize(this.principal, action, context);
      return null;
    } catch (error) {
      return this.refuse(error, context?.environment);
    }
  }

  /** Any error as its JSON Response; refusals (FORBIDDEN, unconfirmed, protected…) are audited once. */
  async refuse(error: unknown, environment?: string): Promise<Response> {
    const { status, code, message } = describeOperationError(error);
    if (isDenial(error) && !alreadyAudited(error)) {
      await auditRefusal(loadConfig(), {
        actor: this.principal.username,
        role: this.principal.role,
        action: what(this.request),
        environment: environment ?? null,
        detail: `${code}: ${message}`,
        source: requestClientAddress(this.request.headers),
      });
    }
    return Response.json({ code, message }, { status, headers: noStore });
  }
}

/**
 * For route handlers: the signed-in caller's Door, or the 401 to return. A changing request
 * (anything but GET/HEAD/OPTIONS) made without a session is audited as refused.
 */
export async function enterDoor(request: Request): Promise<Door | Response> {
  const principal = await currentPrincipal();
  if (principal) return new Door(request, principal);
  if (!SAFE_METHODS.has(request.method)) {
    await auditRefusal(loadConfig(), { actor: '(anonymous)', role: '-', action: what(request), detail: 'UNAUTHENTICATED: not signed in', source: requestClientAddress(request.headers) });
  }
  return Response.json({ code: 'UNAUTHENTICATED', message: 'Sign in first.' }, { status: 401, headers: noStore });
}

/** For pages: the signed-in principal; the sign-in page otherwise. */
export async function pagePrincipal(): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/sign-in');
  return principal;
}
