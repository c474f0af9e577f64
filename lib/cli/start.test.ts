import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCli } from '../../test/support/built-cli';
import { waitFor } from '../../test/support/cli-process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = path.join(root, '.strata', 'test-start');
const port = process.env.STRATA_START_TEST_PORT ?? '3211';
const pgPort = process.env.STRATA_START_TEST_PG_PORT ?? '54389';
const adminPassword = 'start-test-admin-password-1';
const base = `http://localhost:${port}`;

/** Process groups this test started: killed after it, whatever happened, so no console outlives a failure. */
const launched: number[] = [];
afterEach(() => {
  for (const pid of launched.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** `npm start` as a user runs it (minus the build, which `npm test` does first). */
function start() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/start.ts')], {
    cwd: root,
    env: { ...process.env, STRATA_HOME: home, STRATA_EMBEDDED_PORT: pgPort, PORT: port, STRATA_ADMIN_PASSWORD: adminPassword, STRATA_SKIP_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can send Ctrl-C to the whole group as a terminal does.
    detached: true,
  });
  launched.push(child.pid!);
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
}

/** Signs in as the first admin through next-auth's own endpoints: the session's Cookie header. */
async function signIn(): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const cookies = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const answer = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookies.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, username: 'admin', password: adminPassword, callbackUrl: `${base}/` }),
  });
  const session = answer.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => /^(__Secure-)?authjs\.session-token=./.test(c));
  if (!session) throw new Error(`sign-in failed: ${answer.status} ${answer.headers.get('location')}`);
  return session;
}

/** A direct connection to one database of the test's embedded cluster. */
function embedded(database: string) {
  const { password } = JSON.parse(fs.readFileSync(path.join(home, 'credentials.json'), 'utf8')) as { password: string };
  return postgres({ host: 'localhost', port: Number(pgPort), user: 'strata', password, database, max: 1, onnotice: () => {} });
}

async function health(): Promise<{ status: number; body: { environments: Array<{ name: string; schemaVersion: string }> } } | null> {
  try {
    const response = await fetch(`http://localhost:${port}/api/health`);
    return { status: response.status, body: await response.json() };
  } catch {
    return null;
  }
}

describe('npm start', () => {
  it('boots the embedded demo, serves the console, stops PostgreSQL on Ctrl-C, and reuses the data next time', async () => {
    if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) throw new Error('run `next build` first (npm test does)');
    fs.rmSync(home, { recursive: true, force: true });
    const first = start();
    // The first start makes the demo: three environments migrated and the tenants fleet's 50 databases.
    await waitFor(async () => (await health()) !== null, 'the console to answer', 240_000);
    const firstHealth = await health();
    expect(firstHealth!.status).toBe(200);
    const versions = firstHealth!.body.environments.map((e) => [e.name, e.schemaVersion]);
    expect(versions.map((v) => v[0])).toEqual(['local', 'staging', 'production']);
    expect(first.output()).toMatch(/Migrating local to/);
    // The console runs a worker on the job queue (operations and rollout targets, each its own lane), registered while it lives.
    expect(first.output()).toMatch(/Queue worker \d+ running 4 operations and 2 rollout targets at a time/);
    const consoleDb = embedded('strata_console');
    expect((await consoleDb`select count(*)::int as n from console.queue_workers where pid = ${first.child.pid!}`)[0]!.n).toBe(1);
    await consoleDb.end({ timeout: 1 });

    process.kill(-first.child.pid!, 'SIGINT'); // Ctrl-C: the launcher, Next.js and postgres all get it
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/PostgreSQL stopped/);
    expect(fs.existsSync(path.join(home, 'pgdata', 'postmaster.pid'))).toBe(false);

    const second = start();
    await waitFor(async () => (await health()) !== null, 'the console to answer again', 90_000);
    expect((await health())!.body.environments.map((e) => [e.name, e.schemaVersion])).toEqual(versions);
    expect(second.output()).not.toMatch(/Migrating/);

    // A crash mid-operation: a rollback on local waits for a table someone holds, and the
    // whole console (launcher, Next.js, PostgreSQL) is killed. The next start says so.
    const cookie = await signIn();
    const holder = embedded('strata_local');
    const held = await holder.reserve();
    await held`begin`;
    await held`lock table platform.usage_events in access exclusive mode`;
    const tag = '0019_platform_usage_events_total_tokens';
    const checksum = createHash('sha256').update(fs.readFileSync(path.join(root, 'drizzle/demo/rollback', `${tag}.sql`), 'utf8')).digest('hex');
    const run = await fetch(`${base}/api/environments/local/operations`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'run', direction: 'rollback', steps: 1, confirm: 'local', expect: [{ tag, checksum }] }),
    });
    expect(run.status).toBe(200);
    const reader = run.body!.getReader();
    const started = JSON.parse(new TextDecoder().decode((await reader.read()).value).split('\n')[0]!) as { type: string; id: number };
    expect(started.type).toBe('operation');
    // Watched from another session: inside the holder's transaction pg_stat_activity is a snapshot.
    const watch = embedded('strata_local');
    await waitFor(async () => (await watch`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`).length > 0, 'the rollback to wait for the lock');
    process.kill(-second.child.pid!, 'SIGKILL');
    await second.exited;
    await reader.cancel().catch(() => undefined);
    held.release();
    await Promise.all([holder, watch].map((sql) => sql.end({ timeout: 1 }).catch(() => undefined)));

    const third = start();
    await waitFor(async () => (await health()) !== null, 'the console to answer after the crash', 90_000);
    expect(third.output()).toMatch(/interrupted/i);
    const again = await signIn();
    const record = (await (await fetch(`${base}/api/operations/${started.id}`, { headers: { cookie: again } })).json()) as { state: string; error: { code: string; message: string } };
    expect(record).toMatchObject({ state: 'interrupted', error: { code: 'INTERRUPTED' } });
    expect(record.error.message).toMatch(/stopped before it ended; its environment's history shows nothing it changed/);
    // The operation's page shows it to whoever opens it.
    const page = await (await fetch(`${base}/operations/${started.id}`, { headers: { cookie: again } })).text();
    expect(page).toContain('Interrupted');
    expect((await health())!.body.environments.find((e) => e.name === 'local')!.schemaVersion).toBe(tag);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
    fs.rmSync(home, { recursive: true, force: true });
  }, 540_000);

  // The CLI used to print its result and then wait ~20 s for the idle timeout of the console
  // pool it opened for the audit entry (lib/cli/finish.ts ends it). Measured from the last
  // output line to the process's exit, bounded generously: no timing of the work itself.
  it('a change command beside a running console exits as soon as it has printed its result', async () => {
    if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) throw new Error('run `next build` first (npm test does)');
    fs.rmSync(home, { recursive: true, force: true });
    const console_ = start();
    // The first start makes the demo: three environments migrated and the tenants fleet's 50 databases.
    await waitFor(async () => (await health()) !== null, 'the console to answer', 240_000);
    const bin = buildCli(path.join(home, 'bin', 'strata.js'));
    const staging = async () => (await health())!.body.environments.find((e) => e.name === 'staging')!.schemaVersion;
    const before = await staging();

    /** Runs the CLI beside the console: its exit code, output, and the time from its last output to its exit. */
    const run = (argv: string[]) => {
      const child = spawn(process.execPath, argv, { cwd: root, env: { ...process.env, STRATA_HOME: home, STRATA_EMBEDDED_PORT: pgPort }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      let lastOutputAt = performance.now();
      const take = (d: Buffer) => {
        output += d;
        lastOutputAt = performance.now();
      };
      child.stdout!.on('data', take);
      child.stderr!.on('data', take);
      return new Promise<{ code: number | null; output: string; lingeredMs: number }>((resolve) =>
        child.once('exit', (code) => resolve({ code, output, lingeredMs: performance.now() - lastOutputAt })),
      );
    };

    // npm run strata (tsx, the sources) and npx strata (the built executable): both end their pools.
    const rollback = await run(['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), 'rollback', '--env', 'staging', '--steps', '1', '--confirm', 'staging']);
    expect(rollback.output).toMatch(/rolled_back/);
    expect(rollback.code).toBe(0);
    expect(rollback.lingeredMs).toBeLessThan(5_000);
    expect(await staging()).not.toBe(before);

    const apply = await run([bin, 'apply', '--env', 'staging', '--to', before, '--confirm', 'staging']);
    expect(apply.output).toMatch(/applied/);
    expect(apply.code).toBe(0);
    expect(apply.lingeredMs).toBeLessThan(5_000);
    expect(await staging()).toBe(before);

    console_.child.kill('SIGTERM');
    expect(await console_.exited).toBe(0);
    fs.rmSync(home, { recursive: true, force: true });
  }, 540_000);
});
