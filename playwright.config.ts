import fs from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end journeys against a production build (`next build` first) served by the real
 * launcher: an embedded PostgreSQL under .strata/e2e with the three demo environments,
 * fresh on every run. Debian's Chromium is used when present (CI installs it); otherwise
 * Playwright's own download (`npx playwright install chromium`) on a developer's machine.
 */
// Overridable so that two checkouts on one machine can run their suites side by side.
const PORT = Number(process.env.STRATA_E2E_PORT ?? 3100);
export const E2E_PG_PORT = process.env.STRATA_E2E_PG_PORT ?? '54349';
/** The first admin's password on the e2e server (e2e/support/users.ts signs in with it). */
export const E2E_ADMIN_PASSWORD = 'e2e-admin-password-1';
const baseURL = `http://localhost:${PORT}`;
const systemChromium = '/usr/bin/chromium';

const launchOptions = fs.existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    }
  : {};

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? 'list' : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions,
  },
  projects: [
    // Creates one user per role through the CLI and signs each in once (test-results/.auth/<user>.json).
    { name: 'setup', testMatch: /.*\.setup\.ts/, use: { ...devices['Desktop Chrome'] } },
    {
      name: 'chromium',
      dependencies: ['setup'],
      use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, storageState: 'test-results/.auth/admin.json' },
    },
  ],
  webServer: {
    // The server's output is also kept in a file, so tests can check that no secret reaches a log line.
    command: 'rm -rf .strata/e2e && mkdir -p .strata && npx tsx lib/cli/start.ts 2>&1 | tee .strata/e2e-server.log',
    // Not /api/health: it answers 503 while an environment is unreachable, by design.
    url: `http://127.0.0.1:${PORT}`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      STRATA_HOME: '.strata/e2e',
      STRATA_EMBEDDED_PORT: E2E_PG_PORT,
      PORT: String(PORT),
      // IPv4 loopback: the browser still reaches it as localhost, and plain-HTTP tests can come
      // from other loopback addresses (127.0.0.x) that the console tells apart (e2e/support/raw-http.ts).
      HOST: '127.0.0.1',
      STRATA_SKIP_BUILD: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      STRATA_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      // access.spec.ts attacks every door at once and checks each refusal was audited: more than
      // the default 20 refusals a minute from one caller, which would be counted, not written.
      STRATA_REFUSALS_PER_MINUTE: '1000',
      // resolve.spec.ts makes an apply on staging fail on a lock timeout: with the default 5
      // retries it would wait out its holder for about a minute first (README: Waiting out lock
      // holders). lock-wait.spec.ts waits one out on local, with the default.
      STRATA_ENV_STAGING_LOCK_RETRIES: '0',
    },
  },
});
