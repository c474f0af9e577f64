import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

/** Where Debian's package puts it; .ci/run installs it when missing. */
export const PGBOUNCER_BINARY = '/usr/sbin/pgbouncer';

export type PoolMode = 'session' | 'transaction' | 'statement';

/** A real PgBouncer in front of the test cluster; `urlFor` turns a direct URL into one through it. */
export interface Bouncer {
  port: number;
  urlFor(directUrl: string): string;
  stop(): Promise<void>;
}

/** Why the PgBouncer tests cannot run here, or null when they can. */
export function pgbouncerMissingReason(): string | null {
  return fs.existsSync(PGBOUNCER_BINARY) ? null : `PgBouncer is not installed (${PGBOUNCER_BINARY}); CI installs it (apt-get install pgbouncer)`;
}

/**
 * Starts PgBouncer on an OS-assigned free port in front of the server of `adminUrl`, in
 * `poolMode`, with the admin user's password in its userlist (it logs in to PostgreSQL with
 * SCRAM). PgBouncer refuses to run as root, so as root it runs as the `postgres` OS user
 * (the one the embedded cluster runs as), from a temp directory that user owns.
 */
export async function startPgbouncer(adminUrl: string, poolMode: PoolMode, options: { poolSize?: number; roundRobin?: boolean } = {}): Promise<Bouncer> {
  const server = new URL(adminUrl);
  const user = decodeURIComponent(server.username);
  const password = decodeURIComponent(server.password);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-pgbouncer-'));
  const owner = process.getuid?.() === 0 ? postgresOsUser() : null;
  fs.writeFileSync(path.join(dir, 'userlist.txt'), `"${user}" "${password.replace(/"/g, '""')}"\n`, { mode: 0o600 });
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=127.0.0.1 port=${server.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${path.join(dir, 'userlist.txt')}`,
      `pool_mode = ${poolMode}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      // 1: idle server connections are handed out oldest first instead of most recently used.
      `server_round_robin = ${options.roundRobin ? 1 : 0}`,
      'max_client_conn = 50',
      // Short waits, so a test that went wrong fails with PgBouncer's error instead of hanging.
      'query_wait_timeout = 20',
      'server_login_retry = 1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  if (owner) {
    for (const file of ['', 'userlist.txt', 'pgbouncer.ini']) fs.chownSync(path.join(dir, file), owner.uid, owner.gid);
  }
  const child = spawn(PGBOUNCER_BINARY, [path.join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  await listening(child, port);
  return {
    port,
    urlFor(directUrl: string) {
      const url = new URL(directUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresOsUser(): { uid: number; gid: number } {
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}


/** Resolves once PgBouncer logs that it listens on `port`; rejects with its output if it exits first. */
function listening(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`listening on 127.0.0.1:${port}`)) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`pgbouncer exited (${code}) before listening:\n${output}`)));
    child.once('error', reject);
  });
}
