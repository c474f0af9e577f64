import { z } from 'zod';
import { ROLES } from '../auth/types';
import { BACKUP_ID_PATTERN } from '../backup/backup-record';
import { USERNAME_PATTERN } from '../auth/users';
import { TABLE_NAME_PATTERN } from '../seed/table-graph';
import { RESOLUTIONS } from '../migrate/ways-out';
import { changeSetTag, operationRequestSchema } from './operation-request';
import { positionsSchema, viewNameSchema, viewStateSchema } from './erd-view-input';
import { FLEET_SORTS } from '../fleet/fleet-query';

/**
 * The request bodies of the console's HTTP API (and of its server actions), in one place:
 * the doors validate with them, and /api/openapi.json is generated from them.
 */

export { operationRequestSchema };

/** `schema.table`, each part an identifier: anything else (quotes, spaces, SQL) is refused with 400. */
export const tableNameSchema = z.string().max(127).regex(TABLE_NAME_PATTERN, 'schema.table, each part letters, digits, _ or $');

/** POST /api/environments/{env}/seed: seed, or truncate and seed, an open environment (or one table of it). */
export const seedRequestSchema = z
  .object({
    reset: z.boolean().describe('truncate every table of the project first (with `table`: that table, CASCADE)'),
    confirm: z.string().max(100).describe("the environment's name, typed back"),
    table: tableNameSchema.optional().describe('only this table and the parents its foreign keys need'),
    alsoEmpties: z
      .array(tableNameSchema)
      .max(1000)
      .optional()
      .describe('with `table` and `reset`: the tables its TRUNCATE … CASCADE also empties, as GET …/seed/preview listed them; a different live list refuses'),
  })
  .strict()
  .refine((r) => !(r.reset && r.table !== undefined) || r.alsoEmpties !== undefined, {
    message: 'resetting one table must name the tables its cascade also empties (`alsoEmpties`, from GET …/seed/preview)',
    path: ['alsoEmpties'],
  })
  .refine((r) => r.alsoEmpties === undefined || (r.reset && r.table !== undefined), { message: '`alsoEmpties` is for resetting one table', path: ['alsoEmpties'] });

/** GET /api/environments/{env}/seed/preview?table=: what seeding or resetting one table would touch. */
export const seedPreviewQuerySchema = z.object({ table: tableNameSchema }).strict();

/** `cluster:` and a table's qualified name (two identifiers of at most 63 bytes), with room to spare. */
export const CLUSTER_ID_MAX = 300;

/**
 * GET /api/environments/{env}/schema/layout: which layout of the ERD (lib/erd/server-layout.ts).
 * Query strings, so flags are "0" or "1"; defaults are the ERD's first view.
 */
export const schemaLayoutQuerySchema = z
  .object({
    view: z
      .enum(['all', 'clusters', 'cluster'])
      .default('all')
      .describe('all: every table shown; clusters: a big schema’s cluster map, one box per cluster; cluster: the inside of the cluster named by `cluster`'),
    cluster: z.string().max(CLUSTER_ID_MAX).startsWith('cluster:', 'a cluster id starts with cluster:').optional().describe('with view=cluster: the cluster’s id (as GET …/schema/clusters lists it)'),
    mode: z.enum(['full', 'keys']).default('full').describe('full: all columns; keys: key columns only'),
    bookkeeping: z.enum(['0', '1']).default('0').describe("1: Strata's and drizzle's bookkeeping schemas too"),
    inferred: z.enum(['0', '1']).default('1').describe('1: inferred relationships laid out as edges too'),
  })
  .strict()
  .refine((q) => (q.view === 'cluster') === (q.cluster !== undefined), { message: 'a cluster is named with view=cluster, and only then', path: ['cluster'] });

/** POST /api/environments/{env}/backups/{id}/restore: a restore's dry run, or the restore. */
export const restoreRequestSchema = z
  .object({
    kind: z.enum(['dry-run', 'run']).describe('dry-run: say what would be written, write nothing'),
    confirm: z.string().max(100).optional().describe("a run: the environment's name, typed back"),
  })
  .strict();

/** POST /api/environments/{env}/rehearsals: run the plan for real on a scratch copy of the environment (lib/rehearse). */
export const rehearsalRequestSchema = z
  .object({
    to: changeSetTag.optional().describe('rehearse the pending change sets up to this one (default: all pending)'),
    sample: z
      .number()
      .gt(0, 'sample is a fraction of each table’s rows: more than 0')
      .max(1, 'sample is a fraction of each table’s rows: at most 1 (all rows)')
      .optional()
      .describe('the fraction of each copied table’s rows, e.g. 0.1 for 10% (default 1: all rows)'),
  })
  .strict();

/** A backup's id in a path: `strata_backup_<utc>_<version>_<random>`. */
export const backupIdSchema = z.string().regex(BACKUP_ID_PATTERN, 'a backup id (strata_backup_…)');

const reason = z.string().trim().min(1, 'say why').max(1000);
const confirm = z.string().max(100).describe("the environment's name, typed back");

/** POST /api/environments/{env}/changesets/{tag}/resolve: settle a failed, interrupted or edited change set (open and guarded environments). */
export const resolveChangeSetSchema = z
  .object({
    as: z.enum(RESOLUTIONS).describe('retry, applied or rolled-back (a failed or interrupted change set); accept-checksum (an edited one)'),
    reason: reason.describe('why, kept in the history'),
    confirm,
  })
  .strict();

/** POST /api/environments/{env}/changesets/{tag}/skip and …/unskip: an optional change set (open and guarded environments). */
export const skipChangeSetSchema = z.object({ reason: reason.describe('why, kept in the history'), confirm }).strict();

/** The kinds of request besides an apply or rollback: fixing one change set on a protected environment. */
export const fixRequestSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('restore'), backup: backupIdSchema, reason: reason.describe('why, for the person who approves it') }).strict(),
  z.object({ kind: z.literal('resolve'), tag: changeSetTag, as: z.enum(RESOLUTIONS), reason: reason.describe('why, for the person who approves it') }).strict(),
  z.object({ kind: z.enum(['skip', 'unskip']), tag: changeSetTag, reason: reason.describe('why, for the person who approves it') }).strict(),
]);

/** POST /api/environments/{env}/requests: ask for an apply or rollback on a protected environment. */
const applyOrRollbackRequestSchema = z
  .object({
    kind: z.literal('change').optional().describe('an apply or a rollback (the default)'),
    direction: z.enum(['apply', 'rollback']),
    to: changeSetTag.optional().describe('apply: up to this change set; rollback: back to (keeping) it'),
    steps: z.number().int().min(1).max(1000).optional().describe('rollback: how many change sets'),
    reason: z.string().trim().min(1, 'say why').max(1000).describe('why, for the person who approves it'),
  })
  .strict();

/** POST /api/environments/{env}/requests: an apply or rollback (no kind, or kind "change"), or a fix of one change set (kind resolve, skip or unskip). */
export const changeRequestSchema = z.union([applyOrRollbackRequestSchema, fixRequestSchema]);

/** Whether a request body asks for one of the kinds besides an apply or rollback (filed by its kind, no dry run). */
export function isKindRequest(input: z.infer<typeof changeRequestSchema>): input is z.infer<typeof fixRequestSchema> {
  return input.kind !== undefined && input.kind !== 'change';
}

/** POST /api/requests/{id}/decision. */
export const decisionSchema = z.object({ approve: z.boolean(), comment: z.string().trim().max(1000).describe('required to reject') }).strict();

/** POST /api/requests/{id}/execute. */
export const executeRequestSchema = z.object({ confirm: z.string().max(100).describe("the environment's name, typed back") }).strict();

/** POST /api/operations/{id}/cancel: no options; a JSON body all the same, as every changing call sends. */
export const cancelOperationSchema = z.object({}).strict();

/** POST /api/fleets/{name}/rollouts: what `strata rollout --env FLEET` takes, and the fleet's name typed back. */
export const rolloutStartSchema = z
  .object({
    to: changeSetTag.optional().describe('stop each target after this change set (default: the head)'),
    waves: z.string().trim().min(1).max(200).optional().describe('cumulative wave sizes, counts or percentages (default 1,10%,100%)'),
    concurrency: z.number().int().min(1).max(64).optional().describe('targets migrated at once, across all workers (default 4)'),
    maxFailures: z.number().int().min(0).max(100_000).optional().describe('failed targets allowed before the rollout stops at the next wave (default 0)'),
    confirm: z.string().max(100).describe("the fleet's name, typed back"),
  })
  .strict();

/** POST /api/fleets/{name}/rollout-requests: a protected fleet's rollout, filed for another admin's approval. */
export const rolloutRequestSchema = z
  .object({
    to: changeSetTag.optional().describe('stop each target after this change set (default: the head)'),
    waves: z.string().trim().min(1).max(200).optional().describe('cumulative wave sizes, counts or percentages (default 1,10%,100%)'),
    concurrency: z.number().int().min(1).max(64).optional().describe('targets migrated at once, across all workers (default 4)'),
    maxFailures: z.number().int().min(0).max(100_000).optional().describe('failed targets allowed before the rollout stops at the next wave (default 0)'),
    reason: z.string().trim().min(1, 'say why: a request needs a reason for the person who approves it').max(2000).describe('why, for the approver'),
  })
  .strict();

/** POST /api/fleets/{name}/rollout-requests/{id}/execute. */
export const executeRolloutRequestSchema = z.object({ confirm: z.string().max(100).describe("the fleet's name, typed back") }).strict();

/** POST /api/fleets/{name}/rollouts/{id}/pause|resume|retry-failed: no options. */
export const rolloutStepSchema = z.object({}).strict();

/** A fleet target's name in a URL (the database name, or host:port/database): only ever compared with the fleet's own target names, never put into SQL. */
export const fleetTargetNameSchema = z.string().min(1).max(320).regex(/^[^\u0000-\u001f\u007f]+$/, 'a target name (no control characters)');

/** PostgreSQL's backend pids are positive int4 values. */
const BACKEND_PID_MAX = 2_147_483_647;

/** POST /api/operations/{id}/terminate-blocker. */
export const terminateBlockerSchema = z
  .object({ pid: z.number().int().min(1).max(BACKEND_PID_MAX).describe("the blocking session's pid, typed by the admin from the run's progress") })
  .strict();

/** POST /api/users. */
export const userCreateSchema = z
  .object({
    username: z
      .string()
      .trim()
      .regex(USERNAME_PATTERN, '2–40 characters: a lower-case letter, then lower-case letters, digits, . _ or -'),
    displayName: z.string().trim().max(100).optional(),
    role: z.enum(ROLES),
  })
  .strict();

/** POST /api/users/{username}: change a role, or disable the account. */
export const userChangeSchema = z.union([z.object({ role: z.enum(ROLES) }).strict(), z.object({ disabled: z.literal(true) }).strict()]);

const viewState = viewStateSchema.describe('the view as an ERD query string (lib/erd/view-state.ts: hide, focus, hops, from, to, open, table, keys, inferred); stored in its canonical form');

/** POST /api/environments/{env}/views: save the current ERD view under a name. */
export const erdViewCreateSchema = z
  .object({
    name: viewNameSchema.describe('1–80 characters, unique on the environment whatever its case'),
    state: viewState,
    positions: positionsSchema.optional(),
  })
  .strict();

/** POST /api/environments/{env}/views/{id}: rename a view, or replace its state or layout (its author only). */
export const erdViewChangeSchema = z
  .object({ name: viewNameSchema.optional(), state: viewState.optional(), positions: positionsSchema.optional() })
  .strict()
  .refine((c) => c.name !== undefined || c.state !== undefined || c.positions !== undefined, { message: 'give a name, a state or positions to change' });

/** GET /api/fleets/{name}: which targets of the fleet, in which order (query strings; the counts always cover the whole fleet). */
export const fleetQuerySchema = z
  .object({
    state: z.enum(['at-head', 'pending', 'failed', 'out-of-order', 'drifted', 'unreachable']).optional().describe('only targets in this state'),
    search: z.string().trim().max(100).optional().describe('only targets whose name contains this text (any case; % and _ are plain characters)'),
    sort: z.enum(FLEET_SORTS).default('state').describe('state (the most urgent first), name, pending (how many change sets) or checked (when read)'),
    order: z.enum(['asc', 'desc']).default('asc'),
    limit: z.coerce.number().int().min(1).max(1000).default(100).describe('targets per page, 1–1000'),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
    refresh: z.enum(['0', '1']).default('0').describe('1: read every target again now (in the background; `refreshing` reports progress)'),
  })
  .strict();

const rolloutTargetCount = z.number().int().min(0);

/**
 * GET /api/fleets/{name} answers `rollouts`: the fleet's latest rollouts, newest first (the
 * answer is checked against this before it leaves, so the page and the OpenAPI document
 * cannot disagree with what is sent).
 */
export const fleetRolloutsSchema = z.array(
  z
    .object({
      id: z.number().int(),
      state: z.enum(['running', 'paused', 'succeeded', 'failed']),
      actor: z.string(),
      toTag: z.string().nullable(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      error: z.string().nullable().describe('why the rollout stopped or failed'),
      waves: z.array(
        z
          .object({
            wave: z.number().int().min(1),
            total: rolloutTargetCount,
            waiting: rolloutTargetCount,
            running: rolloutTargetCount,
            succeeded: rolloutTargetCount,
            failed: rolloutTargetCount,
            'skipped-at-head': rolloutTargetCount,
          })
          .strict(),
      ),
      failedTargets: z.array(z.object({ name: z.string(), wave: z.number().int().min(1), error: z.string().nullable() }).strict()).describe('the first failed targets, by wave and name'),
      failedCount: rolloutTargetCount,
    })
    .strict(),
);
