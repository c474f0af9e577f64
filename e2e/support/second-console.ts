import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawn, type ChildProcess } from 'node:child_process';
import postgres from 'postgres';
import { embeddedSettings, embeddedUrl } from '../../lib/config/embedded-settings';

/**
 * A second console for a spec that must not touch the main e2e server's demo: started by the
 * real launcher (`npm start`'s lib/cli/start.ts) with its own STRATA_HOME, port and embedded
 * PostgreSQL. Each spec takes its own `offset` over the main server's ports, so two
 * checkouts on one machine (each with its own STRATA_E2E_PORT) never meet.
 */
export function secondConsole(name: string, offset: number) {
  const root = process.cwd();
  const port = Number(process.env.STRATA_E2E_PORT ?? 3100) + offset;
  const pgPort = Number(process.env.STRATA_E2E_PG_PORT ?? 54349) + offset;
  const work = path.join(root, '.strata', name);
  const home = path.join(work, 'home');
  const settings = embeddedSettings({ STRATA_HOME: home, STRATA_EMBEDDED_PORT: String(pgPort) }, root);
  return {
    root,
    port,
    pgPort,
    base: `http://localhost:${port}`,
    work,
    home,
    settings,
    url: (database: string) => embeddedUrl(settings, database),
    /** A superuser session on this console's embedded server. */
    sql: (database: string) => postgres(embeddedUrl(settings, database), { max: 1, onnotice: () => {} }),
  };
}

export type SecondConsole = ReturnType<typeof secondConsole>;

/** Refuses to go on without a production build: the launcher is told not to build one (STRATA_SKIP_BUILD). */
export function assertBuilt(place: SecondConsole): void {
  if (!fs.existsSync(path.join(place.root, '.next', 'BUILD_ID'))) throw new Error('run `npx next build` first');
}

/**
 * Starts the launcher for `place` with `env` over its defaults (fresh AUTH_SECRET and audit
 * key, as a console of real servers keeps in its deployment's secrets, not under STRATA_HOME).
 * It runs in its own process group, so that stopLaunched ends the launcher, Next.js and
 * PostgreSQL together; `logFile` keeps its output for the reference an error page shows.
 */
export function launchConsole(place: SecondConsole, env: Record<string, string>, options: { logFile?: string } = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(place.root, 'lib/cli/start.ts')], {
    cwd: place.root,
    env: {
      ...process.env,
      STRATA_HOME: place.home,
      STRATA_EMBEDDED_PORT: String(place.pgPort),
      PORT: String(place.port),
      STRATA_SKIP_BUILD: '1',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: randomBytes(32).toString('base64'),
      STRATA_AUDIT_KEY: randomBytes(32).toString('base64'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const log = options.logFile ? fs.createWriteStream(options.logFile) : null;
  const keep = (d: Buffer) => {
    text += d;
    log?.write(d);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => text };
}

/** Ends a launcher's process group: Ctrl-C's path first (the console stops, then PostgreSQL), then whatever did not stop. */
export async function stopLaunched(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  }
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
