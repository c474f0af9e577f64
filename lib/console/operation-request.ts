import { z } from 'zod';
import type { Action } from '../auth/guard';
import type { Principal } from '../auth/types';
import type { Protection } from '../config/environments';
import { defaultDryRunMode } from '../migrate/dry-run-safety';

/**
 * What the browser may ask an environment to do, validated before anything connects.
 * `confirm` must repeat the environment's name for every real run: the request names its
 * target twice (URL and body), so a stale tab or a switched environment cannot act on
 * the wrong database.
 */
/** A change set's tag or version number, as the doors accept it. */
export const changeSetTag = z.string().trim().min(1).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'a change set tag or version');
const tag = changeSetTag;

export const operationRequestSchema = z
  .object({
    kind: z.enum(['dry-run', 'run']),
    direction: z.enum(['apply', 'rollback']),
    to: tag.optional(),
    steps: z.number().int().min(1).max(1000).optional(),
    mode: z.enum(['transaction', 'shadow']).optional(),
    /** apply: also change sets that sit before applied ones (out of order: merged late, or un-skipped). */
    includeOutOfOrder: z.boolean().optional(),
    confirm: z.string().max(100).optional(),
    /**
     * For a real run: the plan its dry run showed — each change set's tag and the checksum of
     * the file that runs, in order; the run refuses (PLAN_CHANGED) unless that is still the plan.
     */
    expect: z.array(z.object({ tag, checksum: z.string().regex(/^[0-9a-f]{64}$|^no-rollback-file$/, 'a sha256 checksum') }).strict()).max(1000).optional(),
  })
  .strict()
  .refine((r) => r.kind !== 'run' || r.expect !== undefined, { message: 'a run must carry the change sets its dry run showed (`expect`)', path: ['expect'] })
  .refine((r) => !(r.to !== undefined && r.steps !== undefined), { message: 'give `to` or `steps`, not both' })
  .refine((r) => r.direction === 'rollback' || r.steps === undefined, { message: '`steps` is for rollbacks' })
  .refine((r) => r.direction === 'apply' || r.includeOutOfOrder === undefined, { message: '`includeOutOfOrder` is for applies' });

export type OperationRequest = z.infer<typeof operationRequestSchema>;

/** One line of the NDJSON stream an operation answers with. */
export type OperationEvent<Result> =
  | { type: 'progress'; event: import('../migrate/run-context').ProgressEvent }
  | { type: 'result'; result: Result }
  | { type: 'error'; code: string; message: string };

/**
 * What the guard must allow for `request` on an environment of `protection`, asked before
 * anything connects: the run's direction, or a dry run — and, for a dry run on the
 * environment's own database (its mode asked for, or the default for this person), the
 * right to take real locks there.
 */
export function operationActions(request: OperationRequest, protection: Protection, principal: Principal): Action[] {
  if (request.kind === 'run') return [request.direction];
  const mode = request.mode ?? defaultDryRunMode(protection, principal);
  return mode === 'transaction' ? ['dry-run', 'dry-run.on-target'] : ['dry-run'];
}
