import type { Role } from '../../lib/auth/types';

/**
 * Every door that can change something, with a request that would change something if the
 * guard let it through. access.spec.ts calls each one signed out and as every role that
 * may not use it, and checks the refusal AND that the databases did not change; it also
 * lists app/api/** route files and server actions and fails if one is missing here.
 */
export interface MutatingEndpoint {
  /** The route file (relative to the repository) and the exported method. */
  file: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body: unknown;
  /** Roles the guard lets through for this request. */
  allowed: Role[];
}

/** A reviewed plan as the console sends it: tags and checksums (any well-formed checksum: the guard refuses first). */
const plan = ['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes', '0019_platform_usage_events_total_tokens'].map((tag) => ({ tag, checksum: '0'.repeat(64) }));

/** A well-formed backup id that names no backup: the guard refuses before it is looked up. */
const BACKUP = 'strata_backup_20260101t000000_0015_abcd';
/** Staging's last applied change set, and the demo's optional one (pending on staging). */
const STAGING_LAST = '0014_files_workspace_scope_backfill';
const OPTIONAL = '0017_risk_daily_unrealized_pnl';

export const MUTATING_ENDPOINTS: MutatingEndpoint[] = [
  {
    file: 'app/api/environments/[env]/backups/[backup]/restore/route.ts',
    method: 'POST',
    path: `/api/environments/staging/backups/${BACKUP}/restore`,
    body: { kind: 'run', confirm: 'staging' },
    allowed: ['operator', 'admin'],
  },
  {
    // Never directly on a protected environment, whoever asks.
    file: 'app/api/environments/[env]/backups/[backup]/restore/route.ts',
    method: 'POST',
    path: `/api/environments/production/backups/${BACKUP}/restore`,
    body: { kind: 'run', confirm: 'production' },
    allowed: [],
  },
  {
    // Its dry run writes nothing, but stages copies on the server: operators, anywhere.
    file: 'app/api/environments/[env]/backups/[backup]/restore/route.ts',
    method: 'POST',
    path: `/api/environments/production/backups/${BACKUP}/restore`,
    body: { kind: 'dry-run' },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/backups/route.ts',
    method: 'GET',
    path: '/api/environments/production/backups',
    body: undefined,
    allowed: ['viewer', 'developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/operations/route.ts',
    method: 'POST',
    path: '/api/environments/staging/operations',
    body: { kind: 'run', direction: 'apply', confirm: 'staging', expect: plan },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/operations/route.ts',
    method: 'POST',
    path: '/api/environments/staging/operations',
    body: { kind: 'run', direction: 'rollback', steps: 1, confirm: 'staging', expect: [{ tag: '0014_files_workspace_scope_backfill', checksum: '0'.repeat(64) }] },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/operations/route.ts',
    method: 'POST',
    path: '/api/environments/staging/operations',
    body: { kind: 'dry-run', direction: 'apply' },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    // A dry run on the guarded environment itself takes real locks: operators only (developers get a shadow).
    file: 'app/api/environments/[env]/operations/route.ts',
    method: 'POST',
    path: '/api/environments/staging/operations',
    body: { kind: 'dry-run', direction: 'apply', mode: 'transaction' },
    allowed: ['operator', 'admin'],
  },
  {
    // A rehearsal only reads the target (the plan runs on a scratch copy): developers and up on guarded staging…
    file: 'app/api/environments/[env]/rehearsals/route.ts',
    method: 'POST',
    path: '/api/environments/staging/rehearsals',
    body: { sample: 0.1 },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    // …operators and up on protected production, whose (masked) rows it copies.
    file: 'app/api/environments/[env]/rehearsals/route.ts',
    method: 'POST',
    path: '/api/environments/production/rehearsals',
    body: { sample: 0.01 },
    allowed: ['operator', 'admin'],
  },
  {
    // Looking: it used to hold the migration lock while it replayed; every role may look, nobody signed out.
    file: 'app/api/environments/[env]/drift/route.ts',
    method: 'GET',
    path: '/api/environments/production/drift',
    body: undefined,
    allowed: ['viewer', 'developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/requests/route.ts',
    method: 'POST',
    path: '/api/environments/production/requests',
    body: { direction: 'apply', to: '0010_files_project_files_base', reason: 'access test' },
    allowed: ['operator', 'admin'],
  },
  {
    // A fix on a protected environment is a request too.
    file: 'app/api/environments/[env]/requests/route.ts',
    method: 'POST',
    path: '/api/environments/production/requests',
    body: { kind: 'skip', tag: '0017_risk_daily_unrealized_pnl', reason: 'access test' },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/changesets/[tag]/resolve/route.ts',
    method: 'POST',
    path: `/api/environments/staging/changesets/${STAGING_LAST}/resolve`,
    body: { as: 'retry', reason: 'access test', confirm: 'staging' },
    allowed: ['operator', 'admin'],
  },
  {
    // Protected: nobody fixes a change set directly, whatever their role (a request is the way).
    file: 'app/api/environments/[env]/changesets/[tag]/resolve/route.ts',
    method: 'POST',
    path: '/api/environments/production/changesets/0010_files_project_files_base/resolve',
    body: { as: 'accept-checksum', reason: 'access test', confirm: 'production' },
    allowed: [],
  },
  {
    file: 'app/api/environments/[env]/changesets/[tag]/skip/route.ts',
    method: 'POST',
    path: `/api/environments/staging/changesets/${OPTIONAL}/skip`,
    body: { reason: 'access test', confirm: 'staging' },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/changesets/[tag]/unskip/route.ts',
    method: 'POST',
    path: `/api/environments/staging/changesets/${OPTIONAL}/unskip`,
    body: { reason: 'access test', confirm: 'staging' },
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/requests/[id]/decision/route.ts',
    method: 'POST',
    path: '/api/requests/1/decision',
    body: { approve: true, comment: 'access test' },
    allowed: ['admin'],
  },
  {
    file: 'app/api/requests/[id]/decision/route.ts',
    method: 'POST',
    path: '/api/requests/1/decision',
    body: { approve: false, comment: 'access test' },
    allowed: ['admin'],
  },
  {
    file: 'app/api/requests/[id]/execute/route.ts',
    method: 'POST',
    path: '/api/requests/1/execute',
    body: { confirm: 'production' },
    allowed: ['operator', 'admin'],
  },
  {
    // Staging is guarded: nobody may reset it, whatever their role.
    file: 'app/api/environments/[env]/seed/route.ts',
    method: 'POST',
    path: '/api/environments/staging/seed',
    body: { reset: true, confirm: 'staging' },
    allowed: [],
  },
  {
    file: 'app/api/environments/[env]/seed/route.ts',
    method: 'POST',
    path: '/api/environments/local/seed',
    body: { reset: true, confirm: 'local' },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/seed/route.ts',
    method: 'POST',
    path: '/api/environments/local/seed',
    body: { reset: false, confirm: 'local' },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    // One table. A guarded environment's one table, and startSeedAction with a table, are attacked in
    // access.spec's own test of this door: the signed-out test's refusals all come from one caller, and
    // past REFUSALS_PER_MINUTE (20) they are counted, not listed — this list is at 20 changing doors.
    file: 'app/api/environments/[env]/seed/route.ts',
    method: 'POST',
    path: '/api/environments/local/seed',
    body: { reset: true, confirm: 'local', table: 'platform.users', alsoEmpties: ['platform.api_keys', 'platform.usage_events'] },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    // Looking before a one-table reset: whoever may seed there, so a refusal is the seed's own (audited).
    file: 'app/api/environments/[env]/seed/preview/route.ts',
    method: 'GET',
    path: '/api/environments/staging/seed/preview?table=platform.users',
    body: undefined,
    allowed: [],
  },
  {
    file: 'app/api/environments/[env]/seed/preview/route.ts',
    method: 'GET',
    path: '/api/environments/local/seed/preview?table=platform.users',
    body: undefined,
    allowed: ['developer', 'operator', 'admin'],
  },
  // Named ERD views change no environment: every signed-in role passes the guard (view.save); whose
  // view it is is decided per view, and attacked in access.spec's own test of these doors.
  {
    file: 'app/api/environments/[env]/views/route.ts',
    method: 'POST',
    path: '/api/environments/staging/views',
    body: { name: 'access test', state: 'keys=1', positions: { 'platform.users': { x: 0, y: 0 } } },
    allowed: ['viewer', 'developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/views/[id]/route.ts',
    method: 'POST',
    path: '/api/environments/staging/views/1',
    body: { name: 'renamed by access test' },
    allowed: ['viewer', 'developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/views/[id]/route.ts',
    method: 'DELETE',
    path: '/api/environments/staging/views/1',
    body: undefined,
    allowed: ['viewer', 'developer', 'operator', 'admin'],
  },
  {
    // A no-op rollout (every tenant is at or past it) would start for an operator: the role is refused first.
    file: 'app/api/fleets/[name]/rollouts/route.ts',
    method: 'POST',
    path: '/api/fleets/tenants/rollouts',
    body: { to: '0016_risk_v2', confirm: 'tenants' },
    allowed: ['operator', 'admin'],
  },
  ...(['pause', 'resume', 'retry-failed'] as const).map((step) => ({
    file: `app/api/fleets/[name]/rollouts/[id]/${step}/route.ts`,
    method: 'POST' as const,
    path: `/api/fleets/tenants/rollouts/1/${step}`,
    body: {},
    allowed: ['operator', 'admin'] as Role[],
  })),
  {
    // A rollout request is for protected fleets: on the demo's guarded tenants, every role is refused (operators and admins by the fleet's protection).
    file: 'app/api/fleets/[name]/rollout-requests/route.ts',
    method: 'POST',
    path: '/api/fleets/tenants/rollout-requests',
    body: { to: '0016_risk_v2', reason: 'access test' },
    allowed: [],
  },
  {
    file: 'app/api/fleets/[name]/rollout-requests/[id]/execute/route.ts',
    method: 'POST',
    path: '/api/fleets/tenants/rollout-requests/1/execute',
    body: { confirm: 'tenants' },
    allowed: [],
  },
  {
    // Role first, before the operation is looked up: operator+ (then the right that runs it there).
    file: 'app/api/operations/[id]/cancel/route.ts',
    method: 'POST',
    path: '/api/operations/1/cancel',
    body: {},
    allowed: ['operator', 'admin'],
  },
  {
    file: 'app/api/operations/[id]/terminate-blocker/route.ts',
    method: 'POST',
    path: '/api/operations/1/terminate-blocker',
    body: { pid: 4121 },
    allowed: ['admin'],
  },
  {
    file: 'app/api/users/route.ts',
    method: 'POST',
    path: '/api/users',
    body: { username: 'mallory', role: 'admin' },
    allowed: ['admin'],
  },
  {
    file: 'app/api/users/[username]/route.ts',
    method: 'POST',
    path: '/api/users/vera',
    body: { role: 'admin' },
    allowed: ['admin'],
  },
  {
    file: 'app/api/users/[username]/route.ts',
    method: 'POST',
    path: '/api/users/vera',
    body: { disabled: true },
    allowed: ['admin'],
  },
];

/** The doors that take a body and change something (the drift and seed-preview doors are GETs: they only look). */
export const CHANGING_ENDPOINTS = MUTATING_ENDPOINTS.filter((e) => e.method !== 'GET');

/**
 * The server actions the pages start operations with (app/operation-actions.ts): the same
 * doors as the route handlers above (app/operation-doors.ts), reached another way, so each
 * is attacked too. A refusal is the action's answer ({ ok: false, code }), not a status.
 */
export interface ServerActionDoor {
  file: string;
  name: string;
  /** The page a browser would post it from (any page serves any action). */
  page: string;
  args: unknown[];
  allowed: Role[];
}

const ACTIONS = 'app/operation-actions.ts';
const FIXES = 'app/change-set-actions.ts';
const LOCKS = 'app/lock-wait-actions.ts';
const ROLLOUTS = 'app/rollout-actions.ts';
export const SERVER_ACTION_DOORS: ServerActionDoor[] = [
  { file: ACTIONS, name: 'startOperationAction', page: '/environments/staging', args: ['staging', { kind: 'run', direction: 'apply', confirm: 'staging', expect: plan }], allowed: ['operator', 'admin'] },
  { file: ACTIONS, name: 'startOperationAction', page: '/environments/staging', args: ['staging', { kind: 'dry-run', direction: 'apply', mode: 'transaction' }], allowed: ['operator', 'admin'] },
  { file: ACTIONS, name: 'startRehearsalAction', page: '/environments/staging', args: ['staging', { sample: 0.1 }], allowed: ['developer', 'operator', 'admin'] },
  { file: ACTIONS, name: 'startRehearsalAction', page: '/environments/production', args: ['production', { sample: 0.01 }], allowed: ['operator', 'admin'] },
  { file: ACTIONS, name: 'startSeedAction', page: '/environments/staging', args: ['staging', { reset: true, confirm: 'staging' }], allowed: [] },
  { file: ACTIONS, name: 'startSeedAction', page: '/environments/local', args: ['local', { reset: true, confirm: 'local' }], allowed: ['developer', 'operator', 'admin'] },
  { file: ACTIONS, name: 'restoreBackupAction', page: '/environments/staging', args: ['staging', BACKUP, { kind: 'run', confirm: 'staging' }], allowed: ['operator', 'admin'] },
  { file: ACTIONS, name: 'restoreBackupAction', page: '/environments/production', args: ['production', BACKUP, { kind: 'run', confirm: 'production' }], allowed: [] },
  { file: ACTIONS, name: 'executeRequestAction', page: '/approvals', args: [1, { confirm: 'production' }], allowed: ['operator', 'admin'] },
  { file: FIXES, name: 'resolveChangeSetAction', page: '/environments/staging', args: ['staging', STAGING_LAST, { as: 'retry', reason: 'access test', confirm: 'staging' }], allowed: ['operator', 'admin'] },
  { file: FIXES, name: 'resolveChangeSetAction', page: '/environments/production', args: ['production', '0010_files_project_files_base', { as: 'accept-checksum', reason: 'access test', confirm: 'production' }], allowed: [] },
  { file: FIXES, name: 'skipChangeSetAction', page: '/environments/staging', args: ['staging', OPTIONAL, { reason: 'access test', confirm: 'staging' }], allowed: ['operator', 'admin'] },
  { file: FIXES, name: 'unskipChangeSetAction', page: '/environments/staging', args: ['staging', OPTIONAL, { reason: 'access test', confirm: 'staging' }], allowed: ['operator', 'admin'] },
  { file: LOCKS, name: 'cancelOperationAction', page: '/environments/local', args: [1], allowed: ['operator', 'admin'] },
  { file: LOCKS, name: 'terminateBlockerAction', page: '/environments/local', args: [1, { pid: 4121 }], allowed: ['admin'] },
  { file: ROLLOUTS, name: 'startRolloutAction', page: '/fleets/tenants', args: ['tenants', { to: '0016_risk_v2', confirm: 'tenants' }], allowed: ['operator', 'admin'] },
  { file: ROLLOUTS, name: 'pauseRolloutAction', page: '/fleets/tenants', args: ['tenants', 1], allowed: ['operator', 'admin'] },
  { file: ROLLOUTS, name: 'resumeRolloutAction', page: '/fleets/tenants', args: ['tenants', 1], allowed: ['operator', 'admin'] },
  { file: ROLLOUTS, name: 'retryFailedRolloutAction', page: '/fleets/tenants', args: ['tenants', 1], allowed: ['operator', 'admin'] },
  { file: ROLLOUTS, name: 'requestRolloutAction', page: '/fleets/tenants', args: ['tenants', { to: '0016_risk_v2', reason: 'access test' }], allowed: [] },
  { file: ROLLOUTS, name: 'executeRolloutRequestAction', page: '/approvals', args: ['tenants', 1, { confirm: 'tenants' }], allowed: [] },
  { file: FIXES, name: 'requestFixAction', page: '/environments/production', args: ['production', { kind: 'skip', tag: OPTIONAL, reason: 'access test' }], allowed: ['operator', 'admin'] },
];

/** Doors that change something but are authentication itself, so no guard can stand before them. */
export const AUTHENTICATION_DOORS = [
  { file: 'app/api/auth/[...nextauth]/route.ts', why: 'next-auth: sign-in, sign-out and session endpoints' },
  { file: 'app/sign-in/page.tsx', why: 'server actions that sign in (credentials, single sign-on)' },
  { file: 'components/auth/user-bar.tsx', why: 'server action that signs out' },
];
