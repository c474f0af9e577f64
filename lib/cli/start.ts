import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { loadConfig } from '../config/environments';
import { embeddedDatabasesOf, ensureEmbeddedRunning } from '../embedded/ensure-running';
import { isStrataError, StrataError } from '../errors';
import { engineLogger } from '../observability/logger';
import { withConsole } from '../auth/console-db';
import { ensureFirstAdmin } from '../auth/users';
import { consoleSecrets } from '../config/console-secrets';
import { recoverAtStart, recoveryLines } from '../recovery/at-start';
import { startQueueWorker, type QueueWorker } from '../queue/queue-worker';
import { queueLanes } from '../queue/queue-tasks';

/**
 * `npm start`: the embedded PostgreSQL (unless real servers are configured), the demo
 * environments on first start, a production build when the sources changed, then the
 * console server (app/_server/console-server.ts: Next.js behind the front door), and a worker
 * on the console database's job queue (operations and rollout targets), so a console alone runs them;
 * `strata worker` processes share the same jobs. Ctrl-C stops the console, lets the worker
 * finish its jobs, then stops PostgreSQL, cleanly.
 */
const say = (line: string) => process.stdout.write(`[strata] ${line}\n`);
const root = process.cwd();
const port = process.env.PORT ?? '3000';
/**
 * Jobs this console runs at once: STRATA_WORKER_SLOTS rollout targets (default 2) and
 * STRATA_OPERATION_SLOTS single-environment operations (default 4), each its own lane; 0 for
 * both: none here, leave them to `strata worker`.
 */
const workerSlots = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim() || String(fallback);
  if (!/^\d+$/.test(raw) || Number(raw) > 64) throw new StrataError('BAD_USAGE', `${name} takes a whole number from 0 to 64 (got "${raw}")`);
  return Number(raw);
};

async function main(): Promise<void> {
  const t0 = Date.now();
  const config = loadConfig();
  if (config.mode === 'embedded') say(`Embedded PostgreSQL in ${path.relative(root, config.embedded.dataDir)} on localhost:${config.embedded.port}`);
  else if (embeddedDatabasesOf(config).length > 0) say(`Using ${config.environments.length} configured environments; the embedded PostgreSQL on localhost:${config.embedded.port} serves ${embeddedDatabasesOf(config).join(', ')}`);
  else say(`Using ${config.environments.length} configured environments; nothing embedded is started`);
  const embedded = await ensureEmbeddedRunning(config, engineLogger(), say);
  for (const line of recoveryLines(await recoverAtStart(config, engineLogger()))) say(line);
  await announceFirstAdmin(config);
  const slots = { rollouts: workerSlots('STRATA_WORKER_SLOTS', 2), operations: workerSlots('STRATA_OPERATION_SLOTS', 4) };
  const worker: QueueWorker | null = slots.rollouts + slots.operations > 0 ? await startQueueWorker(config, { lanes: queueLanes(config, slots) }) : null;
  if (worker) say(`Queue worker ${worker.processId} running ${slots.operations} operation${slots.operations === 1 ? '' : 's'} and ${slots.rollouts} rollout target${slots.rollouts === 1 ? '' : 's'} at a time`);
  else say('No queue worker here (STRATA_WORKER_SLOTS and STRATA_OPERATION_SLOTS are 0): operations and rollouts wait for a `strata worker`');

  let stopping = false;
  let server: ChildProcess | null = null;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('Stopping…');
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server!.once('exit', r));
    }
    await worker?.stop();
    await embedded?.stop();
    if (embedded?.startedHere) say('PostgreSQL stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  if (process.env.STRATA_SKIP_BUILD !== '1' && buildIsStale()) {
    say('Building the console (first start, or sources changed)…');
    const build = spawnSync(nextBin(), ['build'], { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    if (build.status !== 0) return stop(1);
  }
  // The console server: Next.js behind the front door (client address, cross-site refusals, body limit, CSP).
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'app', '_server', 'console-server.ts')], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PORT: port, HOST: process.env.HOST ?? 'localhost', NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  server = child;
  child.on('exit', (code) => {
    if (!stopping) void stop(code ?? 1);
  });
  say(`Console starting at http://localhost:${port} (set up in ${((Date.now() - t0) / 1000).toFixed(1)}s)`);
}

/**
 * On a console database without users, creates `admin` with STRATA_ADMIN_PASSWORD or a
 * generated password, printed here once (it is stored only as a scrypt hash).
 */
async function announceFirstAdmin(config: ReturnType<typeof loadConfig>): Promise<void> {
  consoleSecrets(config); // creates the session secret and audit key on first start, before the console reads them
  const admin = await withConsole(config, (sql) => ensureFirstAdmin(sql, process.env.STRATA_ADMIN_PASSWORD || null));
  if (!admin.created) return;
  if (process.env.STRATA_ADMIN_PASSWORD) say(`Created user "${admin.username}" (role admin) with the password from STRATA_ADMIN_PASSWORD`);
  else say(`Created user "${admin.username}" (role admin) with password ${admin.password} — shown only this once; add people with: npx strata user add NAME --role ROLE`);
}

function nextBin(): string {
  return path.join(root, 'node_modules', '.bin', 'next');
}

/** A build is stale when any source the console is built from is newer than it. */
function buildIsStale(): boolean {
  const marker = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(marker)) return true;
  const builtAt = fs.statSync(marker).mtimeMs;
  const newest = (dir: string): number => {
    if (!fs.existsSync(dir)) return 0;
    let max = 0;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) max = Math.max(max, newest(full));
      else if (/\.(tsx?|css|js|mjs|json)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) max = Math.max(max, fs.statSync(full).mtimeMs);
    }
    return max;
  };
  const sources = ['app', 'components', 'lib', 'public'].map((d) => newest(path.join(root, d)));
  const configs = ['next.config.js', 'package.json', 'postcss.config.mjs', 'tsconfig.json'].map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : 0));
  return Math.max(...sources, ...configs) > builtAt;
}

main().catch((error) => {
  process.stderr.write(`[strata] ${isStrataError(error) ? error.message : (error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
