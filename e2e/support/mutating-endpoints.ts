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
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body: unknown;
  /** Roles the guard lets through for this request. */
  allowed: Role[];
}

const plan = ['0015_risk_v1', '0016_risk_v2', '0017_risk_daily_unrealized_pnl', '0018_platform_usage_events_fk_indexes'];

export const MUTATING_ENDPOINTS: MutatingEndpoint[] = [
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
    body: { kind: 'dry-run', direction: 'apply' },
    allowed: ['developer', 'operator', 'admin'],
  },
  {
    file: 'app/api/environments/[env]/requests/route.ts',
    method: 'POST',
    path: '/api/environments/production/requests',
    body: { direction: 'apply', to: '0010_files_project_files_base', reason: 'access test' },
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
];

/** Doors that change something but are authentication itself, so no guard can stand before them. */
export const AUTHENTICATION_DOORS = [
  { file: 'app/api/auth/[...nextauth]/route.ts', why: 'next-auth: sign-in, sign-out and session endpoints' },
  { file: 'app/sign-in/page.tsx', why: 'server actions that sign in (credentials, single sign-on)' },
  { file: 'components/auth/user-bar.tsx', why: 'server action that signs out' },
];
