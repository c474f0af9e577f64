import type postgres from 'postgres';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import { planDifference, type PlanItem } from '../migrate/plan';
import { CONSOLE_LOCK_CLASS, CONSOLE_LOCKS } from './console-db';
import { REQUEST_KINDS, type ChangeRequest, type RequestKind, type RequestStatus, type User } from './types';
import { getUser } from './users';

/**
 * Two-person approval: a change to a protected environment is requested with
 * its plan (change sets and checksums) and the shadow dry run attached, decided by someone
 * else, and executed at most once, only while approved and unexpired and only if the plan
 * is still exactly the approved one. Who may request, decide or execute is the guard's
 * business; that the requester never decides their own request is enforced here.
 */


const STATUSES: RequestStatus[] = ['pending', 'approved', 'rejected', 'executing', 'executed', 'failed', 'expired'];
const MAX_TTL_HOURS = 24 * 30;

function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(value as string).toISOString();
}

function toRequest(r: postgres.Row): ChangeRequest {
  return {
    id: Number(r.id),
    environment: r.environment,
    kind: r.kind ?? 'change',
    payload: r.payload ?? null,
    direction: r.direction ?? null,
    to: r.to_tag ?? null,
    steps: r.steps === null || r.steps === undefined ? null : Number(r.steps),
    plan: r.plan,
    dryRun: r.dry_run ?? null,
    rehearsalOperation: r.rehearsal_operation === null || r.rehearsal_operation === undefined ? null : Number(r.rehearsal_operation),
    requestedBy: r.requested_by,
    requestedAt: iso(r.requested_at)!,
    reason: r.reason,
    status: r.status,
    decidedBy: r.decided_by ?? null,
    decidedAt: iso(r.decided_at),
    decisionComment: r.decision_comment ?? null,
    expiresAt: iso(r.expires_at)!,
    executedBy: r.executed_by ?? null,
    executedAt: iso(r.executed_at),
    executor: r.executor ?? null,
    result: r.result ?? null,
  };
}

/** A jsonb parameter (SQL NULL for null or undefined); JSON round-tripped so Dates and undefined behave. */
function json(sql: Sql, value: unknown): postgres.Parameter | null {
  if (value === undefined || value === null) return null;
  return sql.json(JSON.parse(JSON.stringify(value)) as postgres.JSONValue);
}

function normalizePlan(plan: unknown, what: string): PlanItem[] {
  if (!Array.isArray(plan)) throw new StrataError('BAD_USAGE', `${what} must be a list of change sets`);
  return plan.map((item, i) => {
    const { tag, checksum } = (item ?? {}) as Partial<PlanItem>;
    if (typeof tag !== 'string' || !tag || typeof checksum !== 'string' || !checksum) {
      throw new StrataError('BAD_USAGE', `${what}: item ${i + 1} needs a tag and a checksum`);
    }
    return { tag, checksum };
  });
}

/** Stores pending and approved requests past their expiry as expired. */
async function expireStale(sql: Sql, id?: number): Promise<void> {
  await sql`
    update console.change_requests set status = 'expired'
    where status in ('pending', 'approved') and expires_at <= now()
      ${id !== undefined ? sql`and id = ${id}` : sql``}`;
}

export async function createRequest(
  sql: Sql,
  input: {
    environment: string;
    /** Default `change`. Any other kind has no direction, `to` or `steps`: its input is `payload`, validated by its kind before it gets here. */
    kind?: RequestKind;
    payload?: unknown;
    direction: 'apply' | 'rollback' | null;
    to: string | null;
    steps: number | null;
    plan: PlanItem[];
    dryRun: unknown;
    requestedBy: string;
    reason: string;
    ttlHours?: number;
  },
): Promise<ChangeRequest> {
  const plan = normalizePlan(input.plan, 'The plan');
  if (plan.length === 0) throw new StrataError('BAD_USAGE', 'Nothing to request: the plan runs no change set');
  if (!input.environment?.trim()) throw new StrataError('BAD_USAGE', 'A request needs an environment');
  const kind = input.kind ?? 'change';
  if (!REQUEST_KINDS.includes(kind)) throw new StrataError('BAD_USAGE', `Unknown request kind "${kind}"`);
  if (kind === 'change' && input.direction !== 'apply' && input.direction !== 'rollback') throw new StrataError('BAD_USAGE', 'A request applies or rolls back');
  if (kind !== 'change' && (input.direction !== null || input.to !== null || input.steps !== null || input.payload == null)) {
    throw new StrataError('BAD_USAGE', `A ${kind} request carries its input as a payload, not a direction`);
  }
  if (input.steps !== null && (!Number.isInteger(input.steps) || input.steps < 1)) throw new StrataError('BAD_USAGE', 'steps must be a positive whole number');
  if (!input.requestedBy?.trim()) throw new StrataError('BAD_USAGE', 'A request needs a requester');
  const reason = (input.reason ?? '').trim();
  if (!reason) throw new StrataError('BAD_USAGE', 'Say why: a request needs a reason for the person who approves it');
  const ttl = input.ttlHours ?? 24;
  if (!(ttl > 0 && ttl <= MAX_TTL_HOURS)) throw new StrataError('BAD_USAGE', `A request lives between 0 and ${MAX_TTL_HOURS} hours (got ${ttl})`);
  const [row] = await sql`
    insert into console.change_requests (environment, kind, payload, direction, to_tag, steps, plan, dry_run, requested_by, reason, expires_at)
    values (${input.environment}, ${kind}, ${json(sql, kind === 'change' ? null : input.payload)}::jsonb, ${input.direction}, ${input.to}, ${input.steps}, ${json(sql, plan)}::jsonb, ${json(sql, input.dryRun)}::jsonb,
            ${input.requestedBy.trim()}, ${reason}, now() + make_interval(secs => ${ttl * 3600}))
    returning *`;
  return toRequest(row!);
}

/** Attaches the rehearsal started for request `id` (an operation's id); the request's other fields are left alone. */
export async function setRequestRehearsal(sql: Sql, id: number, operation: number): Promise<ChangeRequest> {
  const [row] = await sql`update console.change_requests set rehearsal_operation = ${operation} where id = ${id} returning *`;
  if (!row) throw new StrataError('NOT_FOUND', `No request #${id}`);
  return toRequest(row);
}

/** Newest first; pending and approved requests past their expiry are stored and reported as expired. */
export async function listRequests(sql: Sql, filters: { environment?: string; status?: RequestStatus } = {}): Promise<ChangeRequest[]> {
  if (filters.status !== undefined && !STATUSES.includes(filters.status)) throw new StrataError('BAD_USAGE', `Unknown request status "${filters.status}"`);
  await expireStale(sql);
  const rows = await sql`
    select * from console.change_requests
    where true
      ${filters.environment !== undefined ? sql`and environment = ${filters.environment}` : sql``}
      ${filters.status !== undefined ? sql`and status = ${filters.status}` : sql``}
    order by id desc`;
  return rows.map(toRequest);
}

export async function getRequest(sql: Sql, id: number): Promise<ChangeRequest | null> {
  if (!Number.isSafeInteger(id) || id < 1) return null;
  await expireStale(sql, id);
  const [row] = await sql`select * from console.change_requests where id = ${id}`;
  return row ? toRequest(row) : null;
}

function sameActor(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Throws unless the request is approved (and unexpired, as read): a cheap check before taking a target's lock; the claim decides. */
export function assertApproved(request: ChangeRequest): void {
  if (request.status !== 'approved' || Date.parse(request.expiresAt) <= Date.now()) throw notRunnable(request.status === 'approved' ? { ...request, status: 'expired' } : request);
}

/** Why a request in this status cannot be decided or run. */
function notRunnable(request: ChangeRequest): StrataError {
  const n = `Request #${request.id}`;
  const message = {
    pending: `${n} is not approved yet`,
    approved: `${n} is approved`,
    rejected: `${n} was rejected by ${request.decidedBy ?? 'a reviewer'}`,
    executing: `${n} is already executing (started by ${request.executedBy ?? 'someone'})`,
    executed: `${n} was already executed`,
    failed: `${n} failed and cannot run again: make a new request`,
    expired: `${n} expired at ${request.expiresAt}: make a new request`,
  }[request.status];
  return new StrataError('INVALID_STATE', message, { id: request.id, status: request.status });
}

/**
 * Why `approver` may not approve `request`, or null when the approval counts. Two people
 * must really be two: not the requester, not an account the requester created or last gave
 * its role to, and not an account created or promoted after the request was filed (an
 * admin who files a request and then mints a second admin to approve it gets nowhere).
 */
export function approvalRefusal(request: Pick<ChangeRequest, 'id' | 'requestedBy' | 'requestedAt'>, approver: User | null): string | null {
  if (!approver) return 'Your account no longer exists';
  if (approver.disabled) return 'Your account is disabled';
  if (approver.role !== 'admin') return `Only admins approve requests (you are ${approver.role})`;
  const requester = request.requestedBy;
  if (sameActor(requester, approver.username)) return 'You cannot approve your own request';
  if (approver.createdBy && sameActor(approver.createdBy, requester)) {
    return `Your account was created by ${requester}, who filed request #${request.id}: an approval must come from someone the requester did not make`;
  }
  if (approver.roleChangedBy && sameActor(approver.roleChangedBy, requester)) {
    return `${requester}, who filed request #${request.id}, gave your account its role: an approval must come from someone the requester did not promote`;
  }
  // Not before the request counts as after it: the same instant cannot prove the order.
  const filed = Date.parse(request.requestedAt);
  if (Date.parse(approver.createdAt) >= filed) return `Your account was created after request #${request.id} was filed (${request.requestedAt})`;
  if (Date.parse(approver.roleChangedAt) >= filed) return `Your account became ${approver.role} after request #${request.id} was filed (${request.requestedAt})`;
  return null;
}

/**
 * Approves or rejects a pending, unexpired request. An approval counts only under
 * `approvalRefusal`'s rules, checked with the users lock held so that a role change cannot
 * slip in between; a rejection needs a reason and may come from any other admin.
 */
export async function decideRequest(sql: Sql, id: number, input: { by: string; approve: boolean; comment: string }): Promise<ChangeRequest> {
  const request = await getRequest(sql, id);
  if (!request) throw new StrataError('NOT_FOUND', `No request #${id}`);
  if (!input.by?.trim()) throw new StrataError('BAD_USAGE', 'A decision needs a decider');
  if (sameActor(request.requestedBy, input.by)) {
    throw new StrataError('FORBIDDEN', `You cannot ${input.approve ? 'approve' : 'reject'} your own request`, { id });
  }
  const comment = (input.comment ?? '').trim();
  if (!input.approve && !comment) throw new StrataError('BAD_USAGE', 'Say why: a rejection needs a comment');
  if (request.status !== 'pending') {
    if (request.status === 'approved' || request.status === 'rejected') {
      throw new StrataError('INVALID_STATE', `Request #${id} was already ${request.status} by ${request.decidedBy}`, { id, status: request.status });
    }
    throw notRunnable(request);
  }
  const row = await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.users})`;
    if (input.approve) {
      const refused = approvalRefusal(request, await getUser(tx as unknown as Sql, input.by.trim().toLowerCase()));
      if (refused) throw new StrataError('FORBIDDEN', refused, { id, rule: 'two-person' });
    }
    const [updated] = await tx`
      update console.change_requests
      set status = ${input.approve ? 'approved' : 'rejected'}, decided_by = ${input.by.trim()}, decided_at = now(), decision_comment = ${comment || null}
      where id = ${id} and status = 'pending' and expires_at > now()
      returning *`;
    return updated;
  });
  if (row) return toRequest(row);
  // Decided or expired between the read and the update.
  const now = await getRequest(sql, id);
  throw now ? notRunnable(now) : new StrataError('NOT_FOUND', `No request #${id}`);
}

/**
 * Takes an approved, unexpired request for execution, atomically and once: the winner
 * gets it as 'executing', everyone else INVALID_STATE. When `currentPlan` is not the
 * approved plan the request is marked 'failed' (it can never run) and PLAN_CHANGED thrown.
 * Callers claim while holding the target's lock, with the plan made under it, so that a
 * request is never executing unless its executor (`executor`, the session's label) holds it.
 */
export async function claimRequest(sql: Sql, id: number, input: { by: string; currentPlan: PlanItem[]; executor?: string }): Promise<ChangeRequest> {
  const current = normalizePlan(input.currentPlan, 'The current plan');
  const request = await getRequest(sql, id);
  if (!request) throw new StrataError('NOT_FOUND', `No request #${id}`);
  if (request.status !== 'approved') throw notRunnable(request);
  // The plan is written once, at creation: comparing outside the update is safe.
  const difference = planDifference(request.plan, current);
  const message = difference ? `Request #${id} no longer matches the project or the target: ${difference}. It cannot run; make a new request.` : null;
  const [row] = await sql`
    update console.change_requests
    set status = ${difference ? 'failed' : 'executing'}, executed_by = ${input.by}, executed_at = now(), executor = ${input.executor ?? null},
        result = ${difference ? json(sql, { error: { code: 'PLAN_CHANGED', message }, currentPlan: current }) : null}::jsonb
    where id = ${id} and status = 'approved' and expires_at > now()
    returning *`;
  if (!row) {
    const now = await getRequest(sql, id);
    throw now ? notRunnable(now) : new StrataError('NOT_FOUND', `No request #${id}`);
  }
  if (difference) throw new StrataError('PLAN_CHANGED', message!, { id, difference });
  return toRequest(row);
}

/** Records how an executing request ended. */
export async function finishRequest(sql: Sql, id: number, input: { status: 'executed' | 'failed'; result: unknown }): Promise<ChangeRequest> {
  if (input.status !== 'executed' && input.status !== 'failed') throw new StrataError('BAD_USAGE', 'A request finishes as executed or failed');
  const [row] = await sql`
    update console.change_requests set status = ${input.status}, result = ${json(sql, input.result)}::jsonb
    where id = ${id} and status = 'executing'
    returning *`;
  if (row) return toRequest(row);
  const now = await getRequest(sql, id);
  if (!now) throw new StrataError('NOT_FOUND', `No request #${id}`);
  throw new StrataError('INVALID_STATE', `Request #${id} is ${now.status}, not executing`, { id, status: now.status });
}
