import 'server-only';
import { redirect } from 'next/navigation';
import { authorize, type Action } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import type { Protection } from '@/lib/config/environments';
import { describeOperationError } from '@/lib/console/environment-operations';
import { currentPrincipal } from './auth';

/**
 * The doors' side of lib/auth/guard: route handlers and pages call these before anything
 * else. The decision itself is always lib's `authorize`; this only turns it into a 401/403
 * response or a redirect to the sign-in page.
 */

const noStore = { 'Cache-Control': 'no-store' };

/** For route handlers: the signed-in principal, or the 401 response to return. */
export async function routePrincipal(): Promise<Principal | Response> {
  const principal = await currentPrincipal();
  if (!principal) return Response.json({ code: 'UNAUTHENTICATED', message: 'Sign in first.' }, { status: 401, headers: noStore });
  return principal;
}

/** For route handlers: `authorize` as a Response when it refuses. */
export function routeAuthorize(principal: Principal, action: Action, context?: { protection?: Protection }): Response | null {
  try {
    authorize(principal, action, context);
    return null;
  } catch (error) {
    const { status, code, message } = describeOperationError(error);
    return Response.json({ code, message }, { status, headers: noStore });
  }
}

/** For pages: the signed-in principal; the sign-in page otherwise. */
export async function pagePrincipal(): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/sign-in');
  return principal;
}
