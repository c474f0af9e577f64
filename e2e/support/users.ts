import { spawn } from 'node:child_process';
import type { Role } from '../../lib/auth/types';

/** The people of the e2e journeys, one per role (plus a second admin for two-person approval). */
export const USERS: Array<{ username: string; role: Role; password: string }> = [
  { username: 'admin', role: 'admin', password: 'e2e-admin-password-1' },
  { username: 'ada', role: 'admin', password: 'e2e-ada-password-22' },
  { username: 'olivia', role: 'operator', password: 'e2e-olivia-password-3' },
  { username: 'devon', role: 'developer', password: 'e2e-devon-password-44' },
  { username: 'vera', role: 'viewer', password: 'e2e-vera-password-555' },
];

export const storageFor = (username: string) => `test-results/.auth/${username}.json`;

/** Runs the real CLI against the e2e server's embedded PostgreSQL (asynchronously, so several can start at once). */
export function strataCli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn('npx', ['tsx', 'lib/cli/main.ts', ...args], {
    env: { ...process.env, STRATA_HOME: '.strata/e2e', STRATA_EMBEDDED_PORT: process.env.STRATA_E2E_PG_PORT ?? '54349', STRATA_ACTOR: 'e2e-setup' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.end(input ?? '');
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
