import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

/** A browser's signed-in state: the session cookie, no localStorage (every visitor starts fresh). */
export type SignedIn = Awaited<ReturnType<BrowserContext['storageState']>>;

/** Debian's Chromium when present (as playwright.config.ts), else Playwright's own. */
export async function launchChromium(): Promise<Browser> {
  const systemChromium = '/usr/bin/chromium';
  return chromium.launch(
    fs.existsSync(systemChromium)
      ? { executablePath: systemChromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
      : {},
  );
}

export interface BenchConsole {
  origin: string;
  adminPassword: string;
  stop: () => Promise<void>;
}

/**
 * The launcher (lib/cli/start.ts) on a STRATA_HOME of its own (`.strata/<home>`) with an
 * external configuration (`env`: environments or fleets, the console database…), the first
 * admin's password chosen here (as the e2e suite does) and the two secrets external mode
 * requires. Its output goes to a log file, quoted when it fails to start.
 */
export async function startBenchConsole(root: string, home: string, env: Record<string, string>): Promise<BenchConsole> {
  const port = process.env.STRATA_BENCH_HTTP_PORT ?? '3300';
  const dir = path.join(root, '.strata', home);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'server.log');
  const log = fs.openSync(logFile, 'w');
  const adminPassword = `bench-${randomBytes(12).toString('base64url')}`;
  const server: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/start.ts')], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      STRATA_HOME: dir,
      STRATA_ADMIN_PASSWORD: adminPassword,
      // External mode asks for both secrets; fresh ones per start (nothing outlives a run).
      AUTH_SECRET: randomBytes(32).toString('base64'),
      STRATA_AUDIT_KEY: randomBytes(32).toString('base64'),
      PORT: port,
      STRATA_SKIP_BUILD: '1',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  };
  const origin = `http://localhost:${port}`;
  try {
    await waitForHttp(`${origin}/sign-in`, server);
  } catch (error) {
    await stop();
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${tail}`);
  }
  return { origin, adminPassword, stop };
}

/** Signs `admin` in once through the real sign-in form (as e2e/auth.setup.ts does) and keeps the session cookie. */
export async function signInAdmin(browser: Browser, origin: string, password: string): Promise<SignedIn> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/sign-in`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in-as').filter({ hasText: 'admin' }).waitFor({ timeout: 60_000 });
    const state = await context.storageState();
    return { cookies: state.cookies, origins: [] };
  } finally {
    await context.close();
  }
}

async function waitForHttp(url: string, server: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the console exited with ${server.exitCode} before answering ${url}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer within 120 s`);
}
