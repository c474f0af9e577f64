import type { Protection } from '../config/environments';
import { StrataError } from '../errors';
import { ROLES, type Principal, type Role } from './types';

/**
 * The one place that decides who may do what, where. Every door (route handler, server
 * action, page) asks `authorize` (or `can`, to show or hide a control) and never decides
 * on its own.
 */

export type Action =
  | 'schema.read'
  | 'history.read'
  | 'audit.read'
  | 'dry-run'
  | 'dry-run.on-target'
  | 'rehearse'
  | 'apply'
  | 'rollback'
  | 'request.create'
  | 'request.approve'
  | 'request.reject'
  | 'request.execute'
  | 'seed'
  | 'reset'
  | 'users.manage'
  | 'backup.restore'
  | 'backup.restore.dry-run'
  | 'changeset.resolve'
  | 'changeset.skip'
  | 'view.save'
  | 'view.manage'
  | 'operation.cancel'
  | 'lock.terminate'
  | 'rollout';

export interface ActionRule {
  /** The lowest role allowed (roles are ordered: viewer < developer < operator < admin). */
  minRole: Role;
  /** A higher lowest role on some protection levels. */
  minRoleOn?: Partial<Record<Protection, Role>>;
  /** The protection levels it is allowed on; absent: any. */
  protection?: Array<Protection>;
  /** What it does, completing "<role> may not …". */
  description: string;
}

export const ACTION_RULES: Record<Action, ActionRule> = {
  'schema.read': { minRole: 'viewer', description: 'read schemas' },
  'history.read': { minRole: 'viewer', description: 'read change history' },
  'audit.read': { minRole: 'operator', description: 'read the audit trail' },
  'dry-run': { minRole: 'developer', description: 'run dry runs' },
  // A dry run in a transaction runs on the environment itself and takes its real locks: never on a
  // protected one, only operators on a guarded one (developers get a shadow there).
  'dry-run.on-target': {
    minRole: 'developer',
    minRoleOn: { guarded: 'operator' },
    protection: ['open', 'guarded'],
    description: 'run dry runs on the environment itself (a shadow dry run is allowed)',
  },
  // A rehearsal only reads the target and writes a scratch copy on the shadow server; on a protected
  // environment it copies (masked) production rows, so operators there.
  rehearse: { minRole: 'developer', minRoleOn: { protected: 'operator' }, description: 'rehearse change sets on a scratch copy' },
  apply: { minRole: 'operator', protection: ['open', 'guarded'], description: 'apply change sets' },
  rollback: { minRole: 'operator', protection: ['open', 'guarded'], description: 'roll back change sets' },
  'request.create': { minRole: 'operator', protection: ['protected'], description: 'request changes' },
  'request.approve': { minRole: 'admin', protection: ['protected'], description: 'approve change requests' },
  'request.reject': { minRole: 'admin', protection: ['protected'], description: 'reject change requests' },
  'request.execute': { minRole: 'operator', protection: ['protected'], description: 'execute approved change requests' },
  seed: { minRole: 'developer', protection: ['open'], description: 'seed databases' },
  reset: { minRole: 'developer', protection: ['open'], description: 'reset databases' },
  'users.manage': { minRole: 'admin', description: 'manage users' },
  'backup.restore': { minRole: 'operator', protection: ['open', 'guarded'], description: 'restore backups' },
  // It writes nothing, but it stages the copies on the environment's server: operators, anywhere
  // (on a protected one it is what a restore request shows its approver).
  'backup.restore.dry-run': { minRole: 'operator', description: 'dry-run backup restores' },
  // Fixing a change set by hand changes what the history says is in place: operators, directly on
  // open and guarded environments; on protected ones only through an approved request (request.*).
  'changeset.resolve': { minRole: 'operator', protection: ['open', 'guarded'], description: 'resolve failed or edited change sets' },
  'changeset.skip': { minRole: 'operator', protection: ['open', 'guarded'], description: 'skip or un-skip optional change sets' },
  // A named ERD view is a subset and a layout kept in the console database: saving one changes no
  // environment, so whoever may read the schema may save (and rename or delete) their own.
  'view.save': { minRole: 'viewer', description: 'save named ERD views' },
  // Someone else's view: only an admin may delete it (nobody edits another person's view).
  'view.manage': { minRole: 'admin', description: "delete other people's named ERD views" },
  // Stopping our own run while it waits for a lock: asked first, by role alone, before the operation
  // is even looked up; then the right that runs that operation's kind there (apply, rollback,
  // request.execute) is asked too (lib/console/lock-wait-control.ts).
  'operation.cancel': { minRole: 'operator', description: 'cancel runs waiting for a lock' },
  // Ending someone else's session on an environment's server, after typing its pid: admins only.
  'lock.terminate': { minRole: 'admin', description: 'terminate sessions blocking a run' },
  // Starting, pausing, resuming or retrying a fleet's rollout from the console: operators. A protected
  // fleet's rollout starts only from an approved request (request.*, lib/console/rollout-requests.ts;
  // its start door refuses); steering one that runs, which changes what two people approved, is for
  // admins there.
  rollout: { minRole: 'operator', minRoleOn: { protected: 'admin' }, description: 'start or steer fleet rollouts' },
};

export interface GuardContext {
  /** The protection level of the environment acted on. Omitted: only the role is checked. */
  protection?: Protection;
  /** The environment's name, for the refusal message. */
  environment?: string;
}

function rank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Why `principal` may not do `action` here, or null when it may. */
function refusal(principal: Principal | null, action: Action, context?: GuardContext): StrataError | null {
  if (!principal) return new StrataError('UNAUTHENTICATED', 'Sign in first');
  const rule = ACTION_RULES[action];
  if (!rule) return new StrataError('FORBIDDEN', `Unknown action "${String(action)}"`);
  const protection = context?.protection;
  const minRole = (protection !== undefined ? rule.minRoleOn?.[protection] : undefined) ?? rule.minRole;
  // An unknown role (a stale session, a hand-edited row) ranks below viewer: it may nothing.
  if (rank(principal.role) < 0 || rank(principal.role) < rank(minRole)) {
    const where = minRole !== rule.minRole ? ` on a ${protection} environment` : '';
    return new StrataError('FORBIDDEN', `${principal.role} may not ${rule.description}${where}; it needs ${minRole}`, {
      action,
      role: principal.role,
      minRole,
    });
  }
  if (protection !== undefined && rule.protection && !rule.protection.includes(protection)) {
    return new StrataError('FORBIDDEN', protectionMessage(action, protection, context?.environment), { action, protection });
  }
  return null;
}

function protectionMessage(action: Action, protection: Protection, environment: string | undefined): string {
  const where = `${environment ?? 'this environment'} is ${protection}`;
  switch (action) {
    case 'apply':
      return `${where}: apply through an approved request`;
    case 'rollback':
      return `${where}: roll back through an approved request`;
    case 'backup.restore':
      return `${where}: a restore there needs two-person approval (request it)`;
    case 'changeset.resolve':
    case 'changeset.skip':
      return `${where}: a change set is ${action === 'changeset.resolve' ? 'resolved' : 'skipped'} there only through an approved request`;
    case 'dry-run.on-target':
      return `${where}: dry runs there use a shadow database and never run on it`;
    case 'seed':
    case 'reset':
      return `${where}: only open environments can be ${action === 'seed' ? 'seeded' : 'reset'}`;
    default:
      // The request.* actions: two-person approval is for protected environments only.
      return `${where}: change requests are only for protected environments; ${protection === 'guarded' ? 'apply after confirming' : 'apply'} directly`;
  }
}

/** Whether `principal` may do `action` (with `context.protection`, on such an environment). */
export function can(principal: Principal | null, action: Action, context?: GuardContext): boolean {
  return refusal(principal, action, context) === null;
}

/**
 * The principal when it may do `action`; otherwise UNAUTHENTICATED (no principal) or
 * FORBIDDEN naming what is missing. Pass the environment's protection for any action on
 * an environment: without it only the role is checked.
 */
export function authorize(principal: Principal | null, action: Action, context?: GuardContext): Principal {
  const refused = refusal(principal, action, context);
  if (refused) throw refused;
  return principal!;
}
