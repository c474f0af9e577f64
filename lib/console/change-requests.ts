import type { ChangeSet } from '../changesets/project';
import { claimRequest, createRequest, decideRequest, finishRequest, getRequest } from '../auth/requests';
import { withConsole } from '../auth/console-db';
import type { ChangeRequest, Principal } from '../auth/types';
import { StrataError } from '../errors';
import type { RunResult } from '../migrate/apply';
import { planApply, planRollback } from '../migrate/plan';
import { readTargetStatus } from '../migrate/read-status';
import type { ProgressEvent } from '../migrate/run-context';
import { assertNoBlockers } from '../migrate/target-session';
import { audited } from './audited';
import { runDryRun, runPlan, type OperationTarget } from './environment-operations';

/**
 * Two-person approval on protected environments: an operator requests an apply or a
 * rollback (Strata attaches a shadow dry run), a different admin approves or rejects it,
 * and only an approved, unexpired request whose change sets and checksums still match is
 * executed — once. The engine checks the plan again under the target's lock.
 */

export interface ChangeRequestInput {
  direction: 'apply' | 'rollback';
  to?: string;
  steps?: number;
  reason: string;
}

type PlanItem = { tag: string; checksum: string };

/** The file that will run for each change set, and its checksum now. */
function planItems(changeSets: ChangeSet[], direction: 'apply' | 'rollback'): PlanItem[] {
  return changeSets.map((c) => ({ tag: c.tag, checksum: direction === 'apply' ? c.forward.checksum : (c.rollback?.checksum ?? 'no-rollback-file') }));
}

/** What the request would run if executed now, read from the target without the lock. */
export async function currentPlan(target: OperationTarget, request: Pick<ChangeRequest, 'direction' | 'to' | 'steps'>): Promise<PlanItem[]> {
  const status = await readTargetStatus(target.environment.url, target.project);
  assertNoBlockers(status);
  const changeSets =
    request.direction === 'apply'
      ? planApply(target.project, status, { to: request.to ?? undefined }).changeSets
      : planRollback(target.project, status, request.to ? { to: request.to } : { steps: request.steps ?? 1 });
  return planItems(changeSets, request.direction);
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
    { action: 'request', environment: target.environment.name, target: plan.map((p) => p.tag).join(', ') },
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
        }),
      ),
    (r) => ({ outcome: 'ok', detail: `request #${r.id}: ${input.reason.trim()}`.slice(0, 500) }),
  );
}

export async function decideChange(target: OperationTarget, id: number, decision: { approve: boolean; comment: string }, principal: Principal): Promise<ChangeRequest> {
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

/** Claims the approved request (once), runs exactly its plan, and records the outcome on it. */
export async function executeChange(target: OperationTarget, request: ChangeRequest, principal: Principal, onProgress?: (event: ProgressEvent) => void): Promise<RunResult> {
  const now = await currentPlan(target, request);
  const claimed = await withConsole(target.config, (sql) => claimRequest(sql, request.id, { by: principal.username, currentPlan: now }));
  let result: RunResult;
  try {
    result = await runPlan(
      { ...target },
      { direction: claimed.direction, to: claimed.to ?? undefined, steps: claimed.steps ?? undefined, expect: claimed.plan.map((p) => p.tag) },
      principal,
      onProgress,
      `request #${claimed.id} by ${claimed.requestedBy}, approved by ${claimed.decidedBy}`,
      `request #${claimed.id} by ${claimed.requestedBy}, approved by ${claimed.decidedBy}`,
    );
  } catch (error) {
    await withConsole(target.config, (sql) => finishRequest(sql, claimed.id, { status: 'failed', result: { error: (error as Error).message } }));
    throw error;
  }
  await withConsole(target.config, (sql) =>
    finishRequest(sql, claimed.id, {
      status: result.failed ? 'failed' : 'executed',
      result: { records: result.records.map((r) => ({ tag: r.tag, status: r.status, durationMs: r.durationMs })), failed: result.failed?.error?.message ?? null, backup: result.backup?.schema ?? null },
    }),
  );
  return result;
}
