import { describe, expect, it } from 'vitest';
import { protectionLevels, type Protection } from '../config/environments';
import { isStrataError } from '../errors';
import { ACTION_RULES, authorize, can, type Action } from './guard';
import { ROLES, type Principal, type Role } from './types';

/** The matrix, written out independently of ACTION_RULES: the roles allowed on each protection level. */
const ALL = protectionLevels;
const from = (minRole: Role) => ROLES.slice(ROLES.indexOf(minRole));
const EXPECTED: Record<Action, { roles: Role[]; on: readonly Protection[]; rolesOn?: Partial<Record<Protection, Role[]>> }> = {
  'schema.read': { roles: from('viewer'), on: ALL },
  'history.read': { roles: from('viewer'), on: ALL },
  'audit.read': { roles: from('operator'), on: ALL },
  'dry-run': { roles: from('developer'), on: ALL },
  'dry-run.on-target': { roles: from('developer'), on: ['open', 'guarded'], rolesOn: { guarded: from('operator') } },
  rehearse: { roles: from('developer'), on: ALL, rolesOn: { protected: from('operator') } },
  seed: { roles: from('developer'), on: ['open'] },
  reset: { roles: from('developer'), on: ['open'] },
  apply: { roles: from('operator'), on: ['open', 'guarded'] },
  rollback: { roles: from('operator'), on: ['open', 'guarded'] },
  'request.create': { roles: from('operator'), on: ['protected'] },
  'request.approve': { roles: ['admin'], on: ['protected'] },
  'request.reject': { roles: ['admin'], on: ['protected'] },
  'request.execute': { roles: from('operator'), on: ['protected'] },
  'users.manage': { roles: ['admin'], on: ALL },
  'backup.restore': { roles: from('operator'), on: ['open', 'guarded'] },
  'backup.restore.dry-run': { roles: from('operator'), on: ALL },
  'changeset.resolve': { roles: from('operator'), on: ['open', 'guarded'] },
  'changeset.skip': { roles: from('operator'), on: ['open', 'guarded'] },
  'view.save': { roles: from('viewer'), on: ALL },
  'view.manage': { roles: ['admin'], on: ALL },
  'operation.cancel': { roles: from('operator'), on: ALL },
  'lock.terminate': { roles: ['admin'], on: ALL },
  // A protected fleet's rollout starts only from an approved request; steering it there is for admins.
  rollout: { roles: from('operator'), on: ALL, rolesOn: { protected: ['admin'] } },
};

const principal = (role: Role): Principal => ({ username: `a-${role}`, role, via: 'console' });

describe('guard', () => {
  it('has a rule for every action, and no others', () => {
    expect(Object.keys(ACTION_RULES).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  const cases = (Object.keys(EXPECTED) as Action[]).flatMap((action) =>
    ROLES.flatMap((role) => protectionLevels.map((protection) => ({ action, role, protection }))),
  );
  it.each(cases)('$role $action on $protection', ({ action, role, protection }) => {
    const allowed = (EXPECTED[action].rolesOn?.[protection] ?? EXPECTED[action].roles).includes(role) && EXPECTED[action].on.includes(protection);
    expect(can(principal(role), action, { protection })).toBe(allowed);
    if (allowed) {
      expect(authorize(principal(role), action, { protection })).toEqual(principal(role));
    } else {
      let caught: unknown;
      try {
        authorize(principal(role), action, { protection });
      } catch (error) {
        caught = error;
      }
      expect(isStrataError(caught, 'FORBIDDEN')).toBe(true);
    }
  });

  it('refuses nobody signed in as UNAUTHENTICATED, for every action', () => {
    for (const action of Object.keys(EXPECTED) as Action[]) {
      expect(can(null, action, { protection: 'open' })).toBe(false);
      expect(() => authorize(null, action)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', message: 'Sign in first' }));
    }
  });

  it('explains a refusal: the role it needs, or how to go about a protected environment', () => {
    expect(() => authorize(principal('viewer'), 'apply', { protection: 'open' })).toThrow('viewer may not apply change sets; it needs operator');
    expect(() => authorize(principal('operator'), 'request.approve', { protection: 'protected' })).toThrow('operator may not approve change requests; it needs admin');
    expect(() => authorize(principal('admin'), 'apply', { protection: 'protected', environment: 'production' })).toThrow(
      'production is protected: apply through an approved request',
    );
    expect(() => authorize(principal('admin'), 'rollback', { protection: 'protected', environment: 'production' })).toThrow(/production is protected: roll back through an approved request/);
    expect(() => authorize(principal('admin'), 'seed', { protection: 'guarded', environment: 'staging' })).toThrow(/staging is guarded: only open environments/);
    expect(() => authorize(principal('admin'), 'request.create', { protection: 'open', environment: 'local' })).toThrow(/only for protected environments/);
    expect(() => authorize(principal('developer'), 'dry-run.on-target', { protection: 'guarded' })).toThrow('developer may not run dry runs on the environment itself (a shadow dry run is allowed) on a guarded environment; it needs operator');
    expect(() => authorize(principal('admin'), 'dry-run.on-target', { protection: 'protected', environment: 'production' })).toThrow(/production is protected: dry runs there use a shadow database/);
  });

  it('checks only the role when no protection is given (may this role ever?)', () => {
    expect(can(principal('operator'), 'apply')).toBe(true);
    expect(can(principal('developer'), 'apply')).toBe(false);
    expect(can(principal('admin'), 'request.approve')).toBe(true);
  });

  it('allows nothing to a role it does not know', () => {
    const odd = { username: 'x', role: 'root' as Role, via: 'console' } as const;
    expect(can(odd, 'schema.read', { protection: 'open' })).toBe(false);
  });
});
