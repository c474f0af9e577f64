import { createHash } from 'node:crypto';
import { z } from 'zod';
import { BACKUP_ID_PATTERN } from '../backup/backup-record';
import type { ChangeRequest, Principal, RequestKind } from '../auth/types';
import { StrataError } from '../errors';
import type { PlanItem } from '../migrate/plan';
import { assertFixApplies, describeFix, fixChangeSet, fixPlan, resolvePayload, skipPayload, type FixResult } from './change-set-fixes';
import { assertBackupExists, runRestore } from './environment-backups';
import type { OperationTarget } from './environment-operations';
import { describeRolloutPayload } from './rollout-payload';

/**
 * The kinds of request two-person approval covers besides an apply or a rollback (`change`,
 * change-requests.ts). Each kind brings its payload's zod schema (checked when the request is
 * filed and again, from the stored JSON, when it runs), a description for the approvals page
 * and the audit trail, the plan its approval covers (compared by the claim, under the
 * target's lock), a check when it is filed, and its executor. The rules around them are the
 * same for every kind: filed with a reason, approved by another admin (approvalRefusal),
 * unexpired, claimed once under the target's lock.
 *
 * Adding a kind: add its name to REQUEST_KINDS (lib/auth/types.ts) and its definition here;
 * a door files it with `requestKind` (change-requests.ts) and the approvals page shows it.
 */
export interface RequestKindDefinition<Payload> {
  payload: z.ZodType<Payload>;
  /** One line: "Resolve 0017_x as retry". */
  describe(payload: Payload): string;
  /** What the approval covers; a claim whose current plan differs fails the request for good. */
  plan(target: OperationTarget, payload: Payload): PlanItem[];
  /** Refuses, when the request is filed, what the target's state cannot take now. */
  check(target: OperationTarget, payload: Payload): Promise<void>;
  /**
   * Runs an approved request. It must call `claim` under the target's lock, once the work is
   * settled and before it changes anything (claimRequest: once, while approved and unexpired).
   */
  execute(target: OperationTarget, payload: Payload, context: KindContext): Promise<unknown>;
}

export interface KindContext {
  principal: Principal;
  /** The requester's reason. */
  reason: string;
  /** "request #N by A, approved by B", for the history row and the audit entry. */
  approval: string;
  /** The session label that holds the target's lock while executing. */
  sessionLabel: string;
  claim: (plan: PlanItem[]) => Promise<void>;
}

const resolveKind: RequestKindDefinition<z.infer<typeof resolvePayload>> = {
  payload: resolvePayload,
  describe: (p) => describeFix({ action: 'resolve', ...p }),
  plan: (target, p) => fixPlan(target, { action: 'resolve', ...p }),
  check: (target, p) => assertFixApplies(target, { action: 'resolve', ...p }),
  execute: (target, p, c) => fixChangeSet(target, { action: 'resolve', ...p }, c.reason, c.principal, { historyReason: c.approval, auditDetail: c.approval, sessionLabel: c.sessionLabel, beforeRun: c.claim }),
};

function skipKind(action: 'skip' | 'unskip'): RequestKindDefinition<z.infer<typeof skipPayload>> {
  return {
    payload: skipPayload,
    describe: (p) => describeFix({ action, ...p }),
    plan: (target, p) => fixPlan(target, { action, ...p }),
    check: (target, p) => assertFixApplies(target, { action, ...p }),
    execute: (target, p, c) => fixChangeSet(target, { action, ...p }, c.reason, c.principal, { historyReason: c.approval, auditDetail: c.approval, sessionLabel: c.sessionLabel, beforeRun: c.claim }),
  };
}

const restorePayload = z.object({ backup: z.string().regex(BACKUP_ID_PATTERN, 'a backup id (strata_backup_…)') }).strict();

/**
 * Restoring a backup on a protected environment. The approval covers the backup by its id;
 * its copies' fingerprints are checked again when it runs, so a copy changed after the
 * approval is never restored from.
 */
const restorePlan = (p: z.infer<typeof restorePayload>): PlanItem[] => [{ tag: p.backup, checksum: createHash('sha256').update(p.backup).digest('hex') }];

const restoreKind: RequestKindDefinition<z.infer<typeof restorePayload>> = {
  payload: restorePayload,
  describe: (p) => `Restore backup ${p.backup}`,
  plan: (_target, p) => restorePlan(p),
  check: (target, p) => assertBackupExists(target, p.backup),
  execute: (target, p, c) =>
    runRestore(target, { backup: p.backup, write: true }, c.principal, undefined, {
      approval: c.approval,
      sessionLabel: c.sessionLabel,
      beforeWrite: () => c.claim(restorePlan(p)),
    }),
};

/**
 * The kinds acting on one environment. Not `change` (its input is direction, to and steps,
 * executed by executeChange), nor `rollout` (a fleet's, rollout-requests.ts).
 */
export type EnvironmentKind = Exclude<RequestKind, 'change' | 'rollout'>;

/** Every environment kind's definition. */
export const KIND_DEFINITIONS: { [K in EnvironmentKind]: RequestKindDefinition<never> } = {
  resolve: resolveKind as RequestKindDefinition<never>,
  skip: skipKind('skip') as RequestKindDefinition<never>,
  unskip: skipKind('unskip') as RequestKindDefinition<never>,
  restore: restoreKind as RequestKindDefinition<never>,
};

/** The kind's definition and its payload, parsed (a stored payload that no longer fits is refused, naming the problem). */
export function kindOf(kind: Exclude<RequestKind, 'change'>, payload: unknown): { definition: RequestKindDefinition<unknown>; payload: unknown } {
  const definition = (KIND_DEFINITIONS as Partial<Record<string, RequestKindDefinition<unknown>>>)[kind];
  if (!definition) throw new StrataError('BAD_USAGE', kind === 'rollout' ? 'A rollout request belongs to a fleet: its doors are the fleet\'s (POST /api/fleets/{name}/rollout-requests/{id}/execute, strata rollout --request N)' : `Unknown request kind "${kind}"`);
  const parsed = definition.payload.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StrataError('BAD_USAGE', `Invalid ${kind} request: ${issue?.path.join('.') || 'payload'}: ${issue?.message}`);
  }
  return { definition, payload: parsed.data };
}

/** What a request does, in one line, whatever its kind (the approvals page, the audit trail). */
export function describeRequest(request: Pick<ChangeRequest, 'kind' | 'payload' | 'direction' | 'to' | 'steps'>): string {
  if (request.kind === 'rollout') return describeRolloutPayload(request.payload);
  if (request.kind !== 'change') {
    try {
      const { definition, payload } = kindOf(request.kind, request.payload);
      return definition.describe(payload);
    } catch {
      return `${request.kind} (unreadable payload)`;
    }
  }
  if (request.direction === 'apply') return request.to ? `Apply up to ${request.to}` : 'Apply everything pending';
  if (request.to) return `Roll back to ${request.to} (kept)`;
  const steps = request.steps ?? 1;
  return `Roll back ${steps} change set${steps === 1 ? '' : 's'}`;
}

export type { FixResult };
