import 'server-only';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { authorize, type Action, type GuardContext } from '@/lib/auth/guard';
import type { Principal } from '@/lib/auth/types';
import { loadConfig } from '@/lib/config/environments';
import { alreadyAudited, isDenial } from '@/lib/console/audited';
import { describeOperationError } from '@/lib/console/describe-error';
import { auditRefusal } from '@/lib/console/refusals';
import type { Refused } from '@/lib/console/start-answer';
import { requestClientAddress } from '@/lib/http/client-address';
import { currentPrincipal } from './auth';

/**
 * The doors' side of lib/auth/guard: route handlers, server actions and pages call these
 * before anything else. The decision itself is always lib's `authorize`; this turns it into
 * a refusal (401/403, or a redirect to the sign-in page) — and every refusal a door answers
 * (not signed in, not allowed, not confirmed) goes to the audit trail, with who asked,
 * what, and from which address.
 */

const noStore = { 'Cache-Control': 'no-store' };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type { Refused };

export function refusedResponse(refused: Refused): Response {
  return Response.json({ code: refused.code, message: refused.message }, { status: refused.status, headers: noStore });
}

/** Who is at a door, and what they asked for (for the audit entry of a refusal). */
interface Caller {
  /** `POST /api/users/vera`, or `action startOperation` for a server action. */
  what: string;
  /** The client's address, as the front door determined it. */
  source: string;
}

/** One signed-in caller at a door: their principal, and refusals that are audited. */
export class Door {
  constructor(
    private readonly caller: Caller,
    readonly principal: Principal,
  ) {}

  /** `authorize` as a refusal (audited) when it refuses; null when allowed. */
  async check(action: Action, context?: GuardContext): Promise<Refused | null> {
    try {
      authorize(this.principal, action, context);
      return null;
    } catch (error) {
      return this.refusal(error, context?.environment);
    }
  }

  /** For route handlers: `check` as a JSON Response. */
  async authorize(action: Action, context?: GuardContext): Promise<Response | null> {
    const refused = await this.check(action, context);
    return refused ? refusedResponse(refused) : null;
  }

  /** Any error as a refusal; refusals proper (FORBIDDEN, unconfirmed, protected…) are audited once. */
  async refusal(error: unknown, environment?: string): Promise<Refused> {
    const { status, code, message } = describeOperationError(error);
    if (isDenial(error) && !alreadyAudited(error)) {
      await auditRefusal(loadConfig(), {
        actor: this.principal.username,
        role: this.principal.role,
        action: this.caller.what,
        environment: environment ?? null,
        detail: `${code}: ${message}`,
        source: this.caller.source,
      });
    }
    return { ok: false, status, code, message };
  }

  /** For route handlers: `refusal` as a JSON Response. */
  async refuse(error: unknown, environment?: string): Promise<Response> {
    return refusedResponse(await this.refusal(error, environment));
  }
}

async function enter(caller: Caller, changing: boolean): Promise<Door | Refused> {
  const principal = await currentPrincipal();
  if (principal) return new Door(caller, principal);
  if (changing) {
    await auditRefusal(loadConfig(), { actor: '(anonymous)', role: '-', action: caller.what, detail: 'UNAUTHENTICATED: not signed in', source: caller.source });
  }
  return { ok: false, status: 401, code: 'UNAUTHENTICATED', message: 'Sign in first.' };
}

/**
 * For route handlers: the signed-in caller's Door, or the 401 to return. A changing request
 * (anything but GET/HEAD/OPTIONS) made without a session is audited as refused.
 */
export async function enterDoor(request: Request): Promise<Door | Response> {
  const caller = { what: `${request.method} ${new URL(request.url).pathname}`, source: requestClientAddress(request.headers) };
  const door = await enter(caller, !SAFE_METHODS.has(request.method));
  return door instanceof Door ? door : refusedResponse(door);
}

/** For server actions (each one changes something): the signed-in caller's Door, or the refusal to answer. */
export async function enterActionDoor(action: string): Promise<Door | Refused> {
  return enter({ what: `action ${action}`, source: requestClientAddress(await headers()) }, true);
}

/** For pages: the signed-in principal; the sign-in page otherwise. */
export async function pagePrincipal(): Promise<Principal> {
  const principal = await currentPrincipal();
  if (!principal) redirect('/sign-in');
  return principal;
}
