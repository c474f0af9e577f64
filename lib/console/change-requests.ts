import { assertApproved, claimRequest, createRequest, decideRequest, finishRequest, getRequest, listRequests } from '../auth/requests';
import { withConsole } from '../auth/console-db';
import type { ChangeRequest, Principal, RequestKind } from '../auth/types';
import { configuredEnvironment, type Protection, type StrataConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { StrataError } from '../errors';
import { readLockHolder, type LockHolder } from '../migrate/target-lock';
import type { RunResult } from '../migrate/apply';
import { planItems, type PlanItem } from '../migrate/plan';
import type { ProgressEvent } from '../migrate/run-context';
import { audited } from './audited';
import { runDryRun, runPlan, type OperationTarget, type RunExtras } from './environment-operations';
import { attachRehearsal } from './rehearsals';
import { describeRequest, kindOf } from './request-kinds';

/**
 * Two-person approval on protected environments: an operator requests an apply or a
 * rollback (Strata attaches a shadow dry run), a different admin approves or rejects it,
 * and only an approved, unexpired request whose change sets and checksums still match is
 * executed — once, claimed under the target's lock. The console and the CLI execute
 * requests through the same function.
 */

export interface ChangeRequestInput {
  direction: 'apply' | 'rollback';
  to?: string;
  steps?: number;
  reason: string;
}

export async function requestChange(target: OperationTarget, input: ChangeRequestInput, principal: Principal, onProgress?: (event: ProgressEvent) => void): Promise<ChangeRequest> {
  if (!input.reason.trim()) throw new StrataError('BAD_USAGE', 'Say why: a request needs a reason for the person who approves it');
  const dry = await runDryRun(target, { direction: input.direction, to: input.to, steps: input.steps, mode: 'shadow' }, principal, onProgress);
  if (dry.failed) {
    throw new StrataError('STATEMENT_FAILED', `The dry run fails at ${dry.failed.tag}: ${dry.failed.error?.message}. Nothing was requested.`);
  }
  if (dry.changeSets.length === 0) throw new StrataError('INVALID_STATE', 'Nothing to do: the request would run no change set');
  const byTag = new Map(target.project.changeSets.map((c) => [c.tag, c]));
  const plan = planItems(dry.changeSets.map((c) => byTag.get(c.tag)!), input.direction);
  return audited(
    target.config,
    principal,
    { action: 'request', environment: target.environment.name, target: plan.map((p) => p.tag).join(', '), intent: input.reason.trim().slice(0, 500) },
    () =>
      withConsole(target.config, (sql) =>
        createRequest(sql, {
          environment: target.environment.name,
          direction: input.direction,
          to: input.to ?? null,
          steps: input.steps ?? null,
          plan,
          // The summary a reviewer needs, not the two full schema models.
          dryRun: { mode: dry.mode, durationMs: dry.durationMs, diff: dry.diff, risks: dry.risks, backupTables: dry.backupTables, changeSets: dry.changeSets.map((c) => ({ tag: c.tag, status: c.status, rows: c.rows, durationMs: c.durationMs })) },
          requestedBy: principal.username,
          reason: input.reason.trim(),
          ttlHours: target.config.approvals?.requestHours,
        }),
      ),
    (r) => ({ outcome: 'ok', detail: `request #${r.id}: ${input.reason.trim()}`.slice(0, 500) }),
  );
}

/**
 * What the console's door files for an apply or rollback: the request (requestChange), then,
 * for an apply, its rehearsal on a scratch copy started and attached to it (rehearsals.ts) —
 * the approver sees both beside the diff. The answer does not wait for the rehearsal.
 */
export async function fileChangeRequest(target: OperationTarget, input: ChangeRequestInput, principal: Principal, onProgress?: (event: ProgressEvent) => void): Promise<ChangeRequest> {
  return attachRehearsal(target, await requestChange(target, input, principal, onProgress), principal);
}

/**
 * Files a request of any kind but `change` (resolve, skip, unskip…): its payload validated by
 * the kind, refused at once when the target's state cannot take it, with the plan its approval
 * covers. The same approval, expiry and claim-once rules as an apply or rollback follow.
 */
export async function requestKind(
  target: OperationTarget,
  kind: Exclude<RequestKind, 'change'>,
  input: unknown,
  reason: string,
  principal: Principal,
): Promise<ChangeRequest> {
  const why = reason.trim();
  if (!why) throw new StrataError('BAD_USAGE', 'Say why: a request needs a reason for the person who approves it');
  const { definition, payload } = kindOf(kind, input);
  const plan = definition.plan(target, payload);
  const what = definition.describe(payload);
  return audited(
    target.config,
    principal,
    { action: 'request', environment: target.environment.name, target: plan.map((p) => p.tag).join(', '), intent: `${what}: ${why}`.slice(0, 500) },
    async () => {
      await definition.check(target, payload);
      return withConsole(target.config, (sql) =>
        createRequest(sql, { environment: target.environment.name, kind, payload, direction: null, to: null, steps: null, plan, dryRun: null, requestedBy: principal.username, reason: why, ttlHours: target.config.approvals?.requestHours }),
      );
    },
    (r) => ({ outcome: 'ok', detail: `request #${r.id}: ${what}: ${why}`.slice(0, 500) }),
  );
}

/** Where a request acts, for the guard and the approvals page: its environment, or a rollout request's fleet; undefined when no longer configured. */
export function requestPlace(config: StrataConfig, request: Pick<ChangeRequest, 'kind' | 'environment'>): { name: string; protection: Protection } | undefined {
  if (request.kind === 'rollout') return config.fleets?.find((f) => f.name === request.environment);
  return configuredEnvironment(config, request.environment);
}

/** Approves or rejects request #id (of an environment, or a fleet's rollout: only the name and the console are needed). */
export async function decideChange(target: { config: StrataConfig; environment: { name: string } }, id: number, decision: { approve: boolean; comment: string }, principal: Principal): Promise<ChangeRequest> {
  return audited(
    target.config,
    principal,
    { action: decision.approve ? 'approve' : 'reject', environment: target.environment.name, target: `request #${id}` },
    () => withConsole(target.config, (sql) => decideRequest(sql, id, { by: principal.username, approve: decision.approve, comment: decision.comment })),
    (r) => ({ outcome: 'ok', detail: `requested by ${r.requestedBy}${decision.comment ? `: ${decision.comment}` : ''}`.slice(0, 500) }),
  );
}

export async function findRequest(target: Pick<OperationTarget, 'config'>, id: number): Promise<ChangeRequest> {
  const request = await withConsole(target.config, (sql) => getRequest(sql, id));
  if (!request) throw new StrataError('NOT_FOUND', `No request #${id}`);
  return request;
}

/** How the session executing request #id names itself on the target (pg_stat_activity). */
export function executorLabel(actor: string, id: number): string {
  return `${actor} [request #${id}]`;
}

/**
 * Runs an approved request exactly as approved. The target's lock is taken first; under it
 * the plan is made and the request claimed (the claim compares that plan with the approved
 * one, change set by change set and checksum by checksum, and fails the request for good
 * when they differ). A target that is LOCKED leaves the request approved, untouched. The
 * request's outcome is recorded before the run returns.
 */
/** Executes an approved request of any kind: `change` through executeChange, the others through their kind's executor. */
export async function executeRequest(
  target: OperationTarget,
  request: ChangeRequest,
  principal: Principal,
  onProgress?: (event: ProgressEvent) => void,
  cancelRequested?: RunExtras['cancelRequested'],
): Promise<RunResult | unknown> {
  if (request.kind === 'change') return executeChange(target, request, principal, onProgress, cancelRequested);
  const { label, approval } = await beforeExecution(target, request, principal);
  let claimed = false;
  const claim = async (plan: PlanItem[]) => {
    await withConsole(target.config, (sql) => claimRequest(sql, request.id, { by: principal.username, currentPlan: plan, executor: label }));
    claimed = true;
  };
  try {
    const { definition, payload } = kindOf(request.kind, request.payload);
    const result = await definition.execute(target, payload, { principal, reason: request.reason, approval, sessionLabel: label, claim });
    await withConsole(target.config, (sql) => finishRequest(sql, request.id, { status: 'executed', result }));
    return result;
  } catch (error) {
    if (claimed) await withConsole(target.config, (sql) => finishRequest(sql, request.id, { status: 'failed', result: { error: (error as Error).message } })).catch(() => undefined);
    throw error;
  }
}

/** Checks shared by every kind before the target is locked; the executor's session label and the approval line. */
async function beforeExecution(target: OperationTarget, request: ChangeRequest, principal: Principal): Promise<{ label: string; approval: string }> {
  if (request.environment !== target.environment.name) {
    throw new StrataError('BAD_USAGE', `Request #${request.id} is for ${request.environment}, not ${target.environment.name}`);
  }
  // Not approved (yet, or any more): refused before the target is even locked.
  assertApproved(await findRequest(target, request.id));
  return {
    label: executorLabel(principal.username, request.id),
    approval: `request #${request.id} by ${request.requestedBy}, approved by ${request.decidedBy ?? '(not approved)'}`,
  };
}

export async function executeChange(
  target: OperationTarget,
  request: ChangeRequest,
  principal: Principal,
  onProgress?: (event: ProgressEvent) => void,
  cancelRequested?: RunExtras['cancelRequested'],
): Promise<RunResult> {
  if (request.kind !== 'change' || request.direction === null) {
    throw new StrataError('BAD_USAGE', `Request #${request.id} is a ${request.kind} request, not an apply or rollback: ${describeRequest(request)}`);
  }
  const direction = request.direction;
  const { label, approval } = await beforeExecution(target, request, principal);
  let claimed = false;
  const claim = async (plan: PlanItem[]) => {
    await withConsole(target.config, (sql) => claimRequest(sql, request.id, { by: principal.username, currentPlan: plan, executor: label }));
    claimed = true;
  };
  try {
    const result = await runPlan(
      target,
      { direction, to: request.to ?? undefined, steps: request.steps ?? undefined },
      principal,
      onProgress,
      { auditDetail: approval, historyReason: approval, sessionLabel: label, beforeRun: claim, cancelRequested },
    );
    await withConsole(target.config, (sql) =>
      finishRequest(sql, request.id, {
        status: result.failed ? 'failed' : 'executed',
        result: { records: result.records.map((r) => ({ tag: r.tag, status: r.status, durationMs: r.durationMs })), failed: result.failed?.error?.message ?? null, backups: result.backups.map((b) => b.id) },
      }),
    );
    return result;
  } catch (error) {
    if (claimed) await withConsole(target.config, (sql) => finishRequest(sql, request.id, { status: 'failed', result: { error: (error as Error).message } })).catch(() => undefined);
    throw error;
  }
}

/** What the start-up check found for one request that was `executing`. */
export interface StuckRequest {
  id: number;
  environment: string;
  /** failed: its executor is gone, marked failed; running: its executor still holds the lock; unknown: the target could not be reached. */
  outcome: 'failed' | 'running' | 'unknown';
  detail: string;
}

/**
 * At start: a request is `executing` only while its executor holds the target's lock (it is
 * claimed under that lock and finished before the lock is released), and PostgreSQL frees
 * the lock when the executor's session dies. So an executing request whose target lock is
 * free, or held by another session, was left by a process that is gone: it is marked failed
 * with the reason, and the environment's history says how far it got.
 */
export async function recoverStuckRequests(config: StrataConfig): Promise<StuckRequest[]> {
  const executing = await withConsole(config, (sql) => listRequests(sql, { status: 'executing' }));
  const found: StuckRequest[] = [];
  for (const request of executing) {
    const environment = configuredEnvironment(config, request.environment);
    let holder: LockHolder | null;
    try {
      holder = environment ? await readLockHolder(environment.url) : null;
    } catch (error) {
      found.push({ id: request.id, environment: request.environment, outcome: 'unknown', detail: `the target could not be reached: ${failureReason(error).slice(0, 200)}` });
      continue;
    }
    const label = (request.executor ?? '').slice(0, 56);
    if (holder && label && holder.actor === label) {
      found.push({ id: request.id, environment: request.environment, outcome: 'running', detail: `still running (backend pid ${holder.pid})` });
      continue;
    }
    const why = `interrupted: the process executing it (${request.executor ?? request.executedBy ?? 'unknown'}) stopped before recording an outcome; found when a console started at ${new Date().toISOString()}. The environment's history (rows with reason "request #${request.id} …") shows what ran.`;
    await withConsole(config, (sql) => finishRequest(sql, request.id, { status: 'failed', result: { error: why } })).catch(() => undefined);
    found.push({ id: request.id, environment: request.environment, outcome: 'failed', detail: why });
  }
  return found;
}
