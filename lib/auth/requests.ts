import type postgres from 'postgres';
import type { Sql } from '../db/client';
import { StrataError } from '../errors';
import type { ChangeRequest, RequestStatus } from './types';

/**
 * Two-person approval (NFR-015): a change to a protected environment is requested with
 * its plan (change sets and checksums) and the shadow dry run attached, decided by someone
 * else, and executed at most once, only while approved and unexpired and only if the plan
 * is still exactly the approved one. Who may request, decide or execute is the guard's
 * business; that the requester never decides their own request is enforced here.
 */

export type PlanItem = { tag: string; checksum: string };

const STATUSES: RequestStatus[] = ['pending', 'approved', 'rejected', 'executing', 'executed', 'failed', 'expired'];
const MAX_TTL_HOURS = 24 * 30;

function iso(value: unknown): string | null {
  return value === null || value === undefined ? null : new Date(value as string).toISOString();
}

function toRequest(r: postgres.Row): ChangeRequest {
  return {
    id: Number(r.id),
    environment: r.environment,
    direction: r.direction,
    to: r.to_tag ?? null,
    steps: r.steps === null || r.steps === undefined ? null : Number(r.steps),
    plan: r.plan,
    dryRun: r.dry_run ?? null,
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
    direction: 'apply' | 'rollback';
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
  if (input.direction !== 'apply' && input.direction !== 'rollback') throw new StrataError('BAD_USAGE', 'A request applies or rolls back');
  if (input.steps !== null && (!Number.isInteger(input.steps) || input.steps < 1)) throw new StrataError('BAD_USAGE', 'steps must be a positive whole number');
  if (!input.requestedBy?.trim()) throw new StrataError('BAD_USAGE', 'A request needs a requester');
  const reason = (input.reason ?? '').trim();
  if (!reason) throw new StrataError('BAD_USAGE', 'Say why: a request needs a reason for the person who approves it');
  const ttl = input.ttlHours ?? 24;
  if (!(ttl > 0 && ttl <= MAX_TTL_HOURS)) throw new StrataError('BAD_USAGE', `A request lives between 0 and ${MAX_TTL_HOURS} hours (got ${ttl})`);
  const [row] = await sql`
    insert into console.change_requests (environment, direction, to_tag, steps, plan, dry_run, requested_by, reason, expires_at)
    values (${input.environment}, ${input.direction}, ${input.to}, ${input.steps}, ${json(sql, plan)}::jsonb, ${json(sql, input.dryRun)}::jsonb,
            ${input.requestedBy.trim()}, ${reason}, now() + make_interval(secs => ${ttl * 3600}))
    returning *`;
  return toRequest(row!);
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

/** Approves or rejects a pending, unexpired request; never by its requester; a rejection says why. */
export async function decideRequest(sql: Sql, id: number, input: { by: string; approve: boolean; comment: string }): Promise<ChangeRequest> {
  const request = await getRequest(sql, id);
  if (!request) throw new StrataError('NOT_FOUND', `No request #${id}`);
  if (!input.by?.trim()) throw new StrataError('BAD_USAGE', 'A decision needs a decider');
  if (sameActor(request.requestedBy, input.by)) {
    throw new StrataError('FORBIDDEN', 'You cannot approve your own request', { id });
  }
  const comment = (input.comment ?? '').trim();
  if (!input.approve && !comment) throw new StrataError('BAD_USAGE', 'Say why: a rejection needs a comment');
  if (request.status !== 'pending') {
    if (request.status === 'approved' || request.status === 'rejected') {
      throw new StrataError('INVALID_STATE', `Request #${id} was already ${request.status} by ${request.decidedBy}`, { id, status: request.status });
    }
    throw notRunnable(request);
  }
  const [row] = await sql`
    update console.change_requests
    set status = ${input.approve ? 'approved' : 'rejected'}, decided_by = ${input.by.trim()}, decided_at = now(), decision_comment = ${comment || null}
    where id = ${id} and status = 'pending' and expires_at > now()
    returning *`;
  if (row) return toRequest(row);
  // Decided or expired between the read and the update.
  const now = await getRequest(sql, id);
  throw now ? notRunnable(now) : new StrataError('NOT_FOUND', `No request #${id}`);
}

/** How the current plan differs from the approved one, or null when it is the same. */
export function planDifference(approved: PlanItem[], current: PlanItem[]): string | null {
  const differences: string[] = [];
  const now = new Map(current.map((p) => [p.tag, p.checksum]));
  const then = new Map(approved.map((p) => [p.tag, p.checksum]));
  for (const p of approved) {
    if (!now.has(p.tag)) differences.push(`${p.tag} is no longer in the plan`);
    else if (now.get(p.tag) !== p.checksum) differences.push(`${p.tag} changed (checksum ${p.checksum.slice(0, 12)} → ${now.get(p.tag)!.slice(0, 12)})`);
  }
  for (const p of current) if (!then.has(p.tag)) differences.push(`${p.tag} was added to the plan`);
  if (differences.length === 0 && approved.map((p) => p.tag).join('\n') !== current.map((p) => p.tag).join('\n')) {
    differences.push('the change sets would run in another order');
  }
  return differences.length ? differences.join('; ') : null;
}

/**
 * Takes an approved, unexpired request for execution, atomically and once: the winner
 * gets it as 'executing', everyone else INVALID_STATE. When `currentPlan` is not the
 * approved plan the request is marked 'failed' (it can never run) and PLAN_CHANGED thrown.
 */
export async function claimRequest(sql: Sql, id: number, input: { by: string; currentPlan: PlanItem[] }): Promise<ChangeRequest> {
  const current = normalizePlan(input.currentPlan, 'The current plan');
  const request = await getRequest(sql, id);
  if (!request) throw new StrataError('NOT_FOUND', `No request #${id}`);
  if (request.status !== 'approved') throw notRunnable(request);
  // The plan is written once, at creation: comparing outside the update is safe.
  const difference = planDifference(request.plan, current);
  const message = difference ? `Request #${id} no longer matches the project or the target: ${difference}. It cannot run; make a new request.` : null;
  const [row] = await sql`
    update console.change_requests
    set status = ${difference ? 'failed' : 'executing'}, executed_by = ${input.by}, executed_at = now(),
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
