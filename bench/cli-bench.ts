import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { embeddedSettings } from '../lib/config/embedded-settings';
import { startCluster } from '../lib/embedded/cluster';
import { median } from './bench-cluster';

export interface CliBenchResult {
  runs: number;
  /** `node -e 0`: what any Node process costs here. */
  nodeMs: number;
  help: { binMs: number; npxMs: number; npmRunMs: number; tsxMs: number };
  /** `status` on the embedded demo, with PostgreSQL already running (beside `npm start`) and started by the command itself. */
  status: { running: { binMs: number; tsxMs: number }; startedByCommand: { binMs: number; tsxMs: number } };
}

/**
 * Whole-process start-up of the CLI, the way each is typed: the built executable
 * (dist/cli/strata.js, rebuilt first from the current sources), `npx strata`, `npm run
 * strata` and `npx tsx lib/cli/main.ts` (what `npm run strata` ran before the executable
 * existed) — then `status` on a demo of its own (STRATA_BENCH_PG_PORT).
 */
export async function benchCli(root: string, runs = 7): Promise<CliBenchResult> {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-cli.mjs')], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build-cli.mjs failed');
  const bin = path.join(root, 'dist/cli/strata.js');
  const tsxMain = ['tsx', path.join(root, 'lib/cli/main.ts')];
  const home = path.join(root, '.strata', 'bench-cli');
  const env = { ...process.env, STRATA_HOME: home, STRATA_EMBEDDED_PORT: process.env.STRATA_BENCH_PG_PORT ?? '54369' };

  const time = (command: string, args: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      samples.push(performance.now() - t0);
      if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
    }
    return median(samples);
  };

  const nodeMs = time(process.execPath, ['-e', '0']);
  const help = {
    binMs: time(process.execPath, [bin, '--help']),
    npxMs: time('npx', ['--no-install', 'strata', '--help']),
    npmRunMs: time('npm', ['run', '--silent', 'strata', '--', '--help']),
    tsxMs: time('npx', [...tsxMain, '--help']),
  };

  fs.rmSync(home, { recursive: true, force: true });
  // The first status initialises the demo (initdb, databases, migrations): not timed.
  time(process.execPath, [bin, 'status']);
  const startedByCommand = { binMs: time(process.execPath, [bin, 'status']), tsxMs: time('npx', [...tsxMain, 'status']) };
  const cluster = await startCluster(embeddedSettings({ STRATA_HOME: home, STRATA_EMBEDDED_PORT: env.STRATA_EMBEDDED_PORT }, root));
  let running: { binMs: number; tsxMs: number };
  try {
    running = { binMs: time(process.execPath, [bin, 'status']), tsxMs: time('npx', [...tsxMain, 'status']) };
  } finally {
    await cluster.stop();
  }
  fs.rmSync(home, { recursive: true, force: true });
  return { runs, nodeMs, help, status: { running, startedByCommand } };
}
