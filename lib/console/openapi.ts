import { z } from 'zod';
import { CLUSTER_ID_MAX, cancelOperationSchema, changeRequestSchema, decisionSchema, erdViewChangeSchema, erdViewCreateSchema, executeRequestSchema, operationRequestSchema, rehearsalRequestSchema, resolveChangeSetSchema, restoreRequestSchema, executeRolloutRequestSchema, rolloutRequestSchema, rolloutStartSchema, rolloutStepSchema, seedRequestSchema, skipChangeSetSchema, terminateBlockerSchema, userChangeSchema, userCreateSchema } from './api-schemas';
import { TABLE_NAME_PATTERN } from '../seed/table-graph';
import { FLEET_SORTS } from '../fleet/fleet-query';

/**
 * The console's HTTP API as an OpenAPI 3.0 document (served at /api/openapi.json). The
 * request bodies are generated from the very zod schemas the doors validate with, so the
 * document cannot describe a body the server would refuse; a test checks that every route
 * file's methods are listed here and nothing else.
 */

type Method = 'get' | 'post' | 'delete';
type Body = z.ZodType;

interface Endpoint {
  method: Method;
  path: string;
  summary: string;
  /** Who may call it (the guard's rule, in words). */
  who: string;
  body?: Body;
  query?: Array<{ name: string; description: string; schema: Record<string, unknown>; required?: boolean }>;
  /** What a success answers with. */
  answers: { status: number; type: string; description: string };
}

const ndjson = (what: string) =>
  ({
    status: 200,
    type: 'application/x-ndjson',
    description: `${what}: a stream of JSON lines — first {type:"operation",id} (follow it at /api/operations/{id}), then {type:"progress",event}, ending with {type:"result",result} or {type:"error",code,message}.`,
  }) as const;

export const API_ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/api/health', summary: 'Health of every environment (503 when one is unreachable)', who: 'anyone; signed-in callers get counts and reasons', answers: { status: 200, type: 'application/json', description: 'per-environment health' } },
  { method: 'get', path: '/api/openapi.json', summary: 'This document', who: 'anyone', answers: { status: 200, type: 'application/json', description: 'OpenAPI 3.0' } },
  { method: 'get', path: '/api/metrics', summary: 'Prometheus metrics, computed from each environment’s history', who: 'anyone', answers: { status: 200, type: 'text/plain', description: 'Prometheus text format' } },
  { method: 'get', path: '/api/environments/{env}/schema', summary: 'The live schema model of an environment (what the ERD draws)', who: 'any signed-in role', answers: { status: 200, type: 'application/json', description: 'the SchemaModel' } },
  { method: 'get', path: '/api/environments/{env}/schema/clusters', summary: 'The schema’s tables grouped into named clusters with weighted edges (null clusters for a small schema)', who: 'any signed-in role', answers: { status: 200, type: 'application/json', description: 'threshold, tables, clusters (id, name, kind, tables) and edges (source, target, foreignKeys)' } },
  {
    method: 'get',
    path: '/api/environments/{env}/schema/export',
    summary: 'The whole schema as text',
    who: 'any signed-in role',
    query: [{ name: 'format', description: 'mermaid, dbml or markdown', schema: { type: 'string', enum: ['mermaid', 'dbml', 'markdown'] } }],
    answers: { status: 200, type: 'text/plain', description: 'a download (text/vnd.mermaid, text/plain or text/markdown)' },
  },
  {
    method: 'get',
    path: '/api/environments/{env}/schema/layout',
    summary: 'The ERD’s layout of the live schema, computed once per schema fingerprint and cached on the server',
    who: 'any signed-in role',
    query: [
      { name: 'view', description: 'all: every table; clusters: a big schema’s cluster map (one box per cluster, no schema hidden); cluster: the inside of one cluster', schema: { type: 'string', enum: ['all', 'clusters', 'cluster'], default: 'all' } },
      { name: 'cluster', description: 'with view=cluster, and only then: the cluster’s id as GET …/schema/clusters lists it (404 when the live schema has no such cluster)', schema: { type: 'string', pattern: '^cluster:', maxLength: CLUSTER_ID_MAX } },
      { name: 'mode', description: 'full (all columns) or keys (key columns only)', schema: { type: 'string', enum: ['full', 'keys'], default: 'full' } },
      { name: 'bookkeeping', description: '1: bookkeeping schemas too', schema: { type: 'string', enum: ['0', '1'], default: '0' } },
      { name: 'inferred', description: '1: inferred relationships as edges too', schema: { type: 'string', enum: ['0', '1'], default: '1' } },
    ],
    answers: { status: 200, type: 'application/json', description: 'fingerprint, key (what the layout was made from: the graph’s layoutKey; for view=clusters, a hash of the overview’s ELK input), tables, positions (per table id, or per cluster id for view=clusters) and routes (per edge id); ETag fingerprint + parameters (304 on If-None-Match); header Strata-Layout: cached or computed' },
  },
  { method: 'get', path: '/api/environments/{env}/views', summary: 'The environment’s named ERD views, by name: name, author, dates, canonical state (no layouts)', who: 'any signed-in role', answers: { status: 200, type: 'application/json', description: '{ views }' } },
  {
    method: 'post',
    path: '/api/environments/{env}/views',
    summary: 'Save an ERD view (its query string and layout) under a name unique on the environment (409 ALREADY_EXISTS otherwise)',
    who: 'any signed-in role (a view changes no database)',
    body: erdViewCreateSchema,
    answers: { status: 201, type: 'application/json', description: 'the stored view, its state in canonical form (Location: …/views/{id})' },
  },
  { method: 'get', path: '/api/environments/{env}/views/{id}', summary: 'One named ERD view with its layout (404 for an id this environment does not have)', who: 'any signed-in role', answers: { status: 200, type: 'application/json', description: 'the view: id, name, state, positions, createdBy, createdAt, updatedAt' } },
  { method: 'post', path: '/api/environments/{env}/views/{id}', summary: 'Rename a named ERD view, or replace its state or layout', who: 'its author', body: erdViewChangeSchema, answers: { status: 200, type: 'application/json', description: 'the view' } },
  { method: 'delete', path: '/api/environments/{env}/views/{id}', summary: 'Delete a named ERD view', who: 'its author, or an admin', answers: { status: 200, type: 'application/json', description: '{ deleted }' } },
  { method: 'get', path: '/api/environments/{env}/drift', summary: 'Drift: the live schema against the one its applied change sets produce', who: 'any signed-in role', answers: { status: 200, type: 'application/json', description: 'the drift report, with checkedAt' } },
  {
    method: 'post',
    path: '/api/environments/{env}/operations',
    summary: 'Dry run, apply or roll back change sets',
    who: 'dry run: developer+ (on the environment itself: developer+ when open, operator+ when guarded, never protected); run: operator+ on open and guarded environments',
    body: operationRequestSchema,
    answers: ndjson('The recorded operation'),
  },
  {
    method: 'get',
    path: '/api/environments/{env}/operations',
    summary: 'The environment’s operations, newest first (the latest 20)',
    who: 'any signed-in role',
    query: [{ name: 'state', description: 'only those in this state', schema: { type: 'string', enum: ['running', 'succeeded', 'failed', 'interrupted'] } }],
    answers: { status: 200, type: 'application/json', description: '{ operations }' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/rehearsals',
    summary: 'Rehearse the pending change sets on a scratch copy of the environment (all rows or a sample, PII and secrets masked): per statement the wall time, locks and how long they were held, rows, rewrites, WAL and temp files; the target is only read',
    who: 'developer+ (operator+ on protected environments)',
    body: rehearsalRequestSchema,
    answers: ndjson('The recorded rehearsal (its result: the report)'),
  },
  {
    method: 'get',
    path: '/api/environments/{env}/backups',
    summary: 'The environment’s backups, newest first: when, before which change set, tables, rows, size, verified',
    who: 'any signed-in role',
    answers: { status: 200, type: 'application/json', description: 'the backups' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/backups/{backup}/restore',
    summary: 'Put back what a change set destroyed from the backup taken before it (after rolling it back), or dry-run that',
    who: 'dry run: operator+; restore: operator+ on open and guarded environments',
    body: restoreRequestSchema,
    answers: ndjson('The recorded restore'),
  },
  {
    method: 'post',
    path: '/api/environments/{env}/seed',
    summary: 'Seed, or truncate and seed, an open environment — or one table of it and the parents its foreign keys need',
    who: 'developer+, open environments only',
    body: seedRequestSchema,
    answers: ndjson('The recorded seed'),
  },
  {
    method: 'get',
    path: '/api/environments/{env}/seed/preview',
    summary: 'What seeding one table writes (it and its parents) and what resetting it also empties (its TRUNCATE … CASCADE), read live; changes nothing',
    who: 'developer+, open environments only',
    query: [{ name: 'table', description: 'schema.table', schema: { type: 'string', pattern: TABLE_NAME_PATTERN.source }, required: true }],
    answers: { status: 200, type: 'application/json', description: '{ table, seeds, unseededParents, alsoEmpties }' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/requests',
    summary: 'Ask for a change on a protected environment: an apply or rollback (dry-run on a shadow, then stored for approval), or a fix of one change set (kind resolve, skip or unskip)',
    who: 'operator+',
    body: changeRequestSchema,
    answers: { status: 200, type: 'application/x-ndjson', description: 'apply or rollback: progress lines, ending with {type:"result",result:{request}} or an error; a fix (application/json): { request }' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/changesets/{tag}/resolve',
    summary: 'Settle a failed, interrupted or edited change set: retry, mark applied, mark rolled back, or accept the changed file (409 LOCKED while a run holds the target)',
    who: 'operator+ on open and guarded environments (protected: file a request)',
    body: resolveChangeSetSchema,
    answers: { status: 200, type: 'application/json', description: '{ fixed: { action, tag, as, state } }' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/changesets/{tag}/skip',
    summary: 'Skip an optional change set on this environment (refused when it is not optional, not pending, or a later change set uses what it creates)',
    who: 'operator+ on open and guarded environments (protected: file a request)',
    body: skipChangeSetSchema,
    answers: { status: 200, type: 'application/json', description: '{ fixed: { action, tag, as, state } }' },
  },
  {
    method: 'post',
    path: '/api/environments/{env}/changesets/{tag}/unskip',
    summary: 'Make a skipped change set applicable again (pending, or out of order when later ones were applied)',
    who: 'operator+ on open and guarded environments (protected: file a request)',
    body: skipChangeSetSchema,
    answers: { status: 200, type: 'application/json', description: '{ fixed: { action, tag, as, state } }' },
  },
  {
    method: 'get',
    path: '/api/fleets/{name}',
    summary: 'A fleet at a glance: counts per target state, change set × state totals and one page of targets, aggregated on the server from its cache of the targets; stale targets are read again in the background',
    who: 'any signed-in role',
    query: [
      { name: 'state', description: 'only targets in this state', schema: { type: 'string', enum: ['at-head', 'pending', 'failed', 'out-of-order', 'drifted', 'unreachable'] } },
      { name: 'search', description: 'only targets whose name contains this text (any case; % and _ are plain characters)', schema: { type: 'string', maxLength: 100 } },
      { name: 'sort', description: 'state (the most urgent first), name, pending or checked', schema: { type: 'string', enum: [...FLEET_SORTS], default: 'state' } },
      { name: 'order', description: 'asc or desc', schema: { type: 'string', enum: ['asc', 'desc'], default: 'asc' } },
      { name: 'limit', description: 'targets per page', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      { name: 'offset', description: 'targets skipped', schema: { type: 'integer', minimum: 0, default: 0 } },
      { name: 'refresh', description: '1: read every target again now (in the background)', schema: { type: 'string', enum: ['0', '1'], default: '0' } },
    ],
    answers: { status: 200, type: 'application/json', description: 'fleet, changeSets, total, unchecked, counts, matrix, checkedBetween, matched, targets (target, state, applied, pending, lastTag, cells, driftChanges, problem, checkedAt), refreshing ({ done, total } or null), rollouts (the latest 5, newest first: id, state, actor, toTag, createdAt, finishedAt, error, waves (wave, total and a count per target state), failedTargets (name, wave, error), failedCount)' },
  },
  {
    method: 'get',
    path: '/api/fleets/{name}/targets/{target}',
    summary: 'One target of a fleet, read live: its state, each change set’s state, its history (newest first) and its drift against the cached expected schema (404 for a target the fleet does not have)',
    who: 'any signed-in role',
    answers: { status: 200, type: 'application/json', description: 'fleet, overview, changeSets (tag, state, reason), history, drift ({ checkedAt, expected, changes, more } or null)' },
  },
  {
    method: 'get',
    path: '/api/fleets/{name}/targets/{target}/schema',
    summary: 'The live SchemaModel of one fleet target, read-only (its ERD polls this): 400 for a name that is not one, 404 for an unknown fleet or a target the fleet does not have, 503 while the target cannot be reached; an ETag, so that an unchanged schema answers 304',
    who: 'any signed-in role',
    answers: { status: 200, type: 'application/json', description: 'the SchemaModel (as GET /api/environments/{env}/schema)' },
  },
  {
    method: 'post',
    path: '/api/fleets/{name}/rollouts',
    summary: 'Start a rollout of a configured fleet, as `strata rollout --env` does: stored with its first jobs and answered at once; the console’s queue worker runs it (409 LOCKED naming the fleet’s unfinished rollout; 403 PROTECTED on a protected fleet)',
    who: 'operator+ (not on protected fleets: they file a rollout request)',
    body: rolloutStartSchema,
    answers: { status: 200, type: 'application/json', description: '{ rollout: { id, fleet, state }, note }' },
  },
  ...(['pause', 'resume', 'retry-failed'] as const).map((step) => ({
    method: 'post' as const,
    path: `/api/fleets/{name}/rollouts/{id}/${step}`,
    summary: `${step === 'pause' ? 'Pause a running rollout (running targets finish)' : step === 'resume' ? 'Resume a paused rollout' : 'Retry the failed targets of a rollout (a stopped one runs on)'}; 404 for a rollout of another fleet, 409 when its state does not allow it`,
    who: 'operator+ (admin on protected fleets)',
    body: rolloutStepSchema,
    answers: { status: 200, type: 'application/json', description: '{ rollout: { id, fleet, state }, note }' },
  })),
  {
    method: 'post',
    path: '/api/fleets/{name}/rollout-requests',
    summary: 'File a protected fleet’s rollout for two-person approval: its options checked, a dry run on a representative target (the one whose applied change sets most targets share) on a shadow attached; approved with POST /api/requests/{id}/decision',
    who: 'operator+ (protected fleets only)',
    body: rolloutRequestSchema,
    answers: { status: 200, type: 'application/json', description: '{ request (the change request, kind rollout), representative ({ name, like, of, why }) }' },
  },
  {
    method: 'post',
    path: '/api/fleets/{name}/rollout-requests/{id}/execute',
    summary: 'Start the rollout an approved request covers, once: its plan (change sets up to `to`, the target list) must be the approved one (409 PLAN_CHANGED fails it for good; 409 LOCKED leaves it approved)',
    who: 'operator+ (protected fleets only)',
    body: executeRolloutRequestSchema,
    answers: { status: 200, type: 'application/json', description: '{ rollout: { id, fleet, state }, note }' },
  },
  { method: 'post', path: '/api/requests/{id}/decision', summary: 'Approve or reject a change request', who: 'an admin other than the requester', body: decisionSchema, answers: { status: 200, type: 'application/json', description: 'the request' } },
  { method: 'post', path: '/api/requests/{id}/execute', summary: 'Run an approved request, once', who: 'operator+', body: executeRequestSchema, answers: ndjson('The recorded execution') },
  {
    method: 'get',
    path: '/api/operations/{id}',
    summary: 'One operation: what was asked, by whom, its state, progress and outcome',
    who: 'any signed-in role',
    query: [{ name: 'after', description: 'only the progress events after the first N', schema: { type: 'integer', minimum: 0 } }],
    answers: { status: 200, type: 'application/json', description: 'the operation record' },
  },
  {
    method: 'post',
    path: '/api/operations/{id}/cancel',
    summary: 'Cancel an apply, rollback or request execution while it waits for a lock: its waiting statement is cancelled, it is not retried, and it fails "cancelled by <user> while waiting for …" (409 when it is not waiting, has ended, or is already being cancelled)',
    who: 'operator+ who may run that operation on its environment',
    body: cancelOperationSchema,
    answers: { status: 200, type: 'application/json', description: '{ statementCancelled }: true when the waiting statement was cancelled, false when the run was pausing before a retry (it stops before the next one)' },
  },
  {
    method: 'post',
    path: '/api/operations/{id}/terminate-blocker',
    summary: "Terminate the session blocking a waiting operation's lock (pg_terminate_backend), after the server checked on the target that this pid blocks it there (409 otherwise: not a blocker, the operation's own session, another database's, or the operation no longer waiting)",
    who: 'admin',
    body: terminateBlockerSchema,
    answers: { status: 200, type: 'application/json', description: '{ terminated: { pid, applicationName, state, query } } (query with literals masked)' },
  },
  { method: 'post', path: '/api/users', summary: 'Add a user with a generated password (answered once)', who: 'admin', body: userCreateSchema, answers: { status: 201, type: 'application/json', description: '{ user, password }' } },
  { method: 'post', path: '/api/users/{username}', summary: 'Change a user’s role, or disable the account', who: 'admin', body: userChangeSchema, answers: { status: 200, type: 'application/json', description: 'the user' } },
];

const ERROR = {
  type: 'object',
  properties: { code: { type: 'string', description: 'a StrataErrorCode, e.g. FORBIDDEN, BAD_USAGE, NOT_FOUND' }, message: { type: 'string' } },
  required: ['code', 'message'],
};

const pathParameters = (path: string) =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: name === 'id' ? 'integer' : 'string' } }));

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const e of API_ENDPOINTS) {
    paths[e.path] ??= {};
    paths[e.path]![e.method] = {
      summary: e.summary,
      description: `Who: ${e.who}.`,
      parameters: [...pathParameters(e.path), ...(e.query ?? []).map((q) => ({ ...q, in: 'query', required: q.required ?? false }))],
      ...(e.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(e.body, { target: 'openapi-3.0', io: 'input' }) } } } } : {}),
      responses: {
        [e.answers.status]: { description: e.answers.description, content: { [e.answers.type]: {} } },
        default: { description: 'A refusal or failure, named: 400 bad input, 401 not signed in, 403 not allowed, 404 unknown, 409 busy or changed, 503 unreachable', content: { 'application/json': { schema: ERROR } } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Strata console API',
      version,
      description:
        'Every call needs a signed-in session (the console’s cookie) except /api/health and /api/metrics. Changing calls from a browser must be same-origin. What a call changes is audited.',
    },
    paths,
  };
}
