import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn, spawnSync } from 'node:child_process';

export interface StartBenchResult {
  firstStartMs: number;
  secondStartMs: number;
}

/**
 * Times `npm start` to the first served page on an installed, built clone: once on a
 * fresh .strata/ (initdb, databases, demo migrations) and once more on the same data.
 */
export async function benchStart(root: string): Promise<StartBenchResult> {
  ensureBuilt(root);
  const home = path.join(root, '.strata', 'bench-start');
  fs.rmSync(home, { recursive: true, force: true });
  const firstStartMs = await timeOneStart(root, home);
  const secondStartMs = await timeOneStart(root, home);
  return { firstStartMs, secondStartMs };
}

/** Benchmarks measure a built console; build once if there is none. */
export function ensureBuilt(root: string): void {
  if (fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
  const build = spawnSync(path.join(root, 'node_modules/.bin/next'), ['build'], { cwd: root, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) throw new Error('next build failed');
}

async function timeOneStart(root: string, home: string): Promise<number> {
  const port = process.env.STRATA_BENCH_HTTP_PORT ?? '3300';
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/start.ts')], {
    cwd: root,
    env: { ...process.env, STRATA_HOME: home, STRATA_EMBEDDED_PORT: '54379', PORT: port, STRATA_SKIP_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  try {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
      try {
        const response = await fetch(`http://localhost:${port}/`);
        if (response.ok) return performance.now() - t0;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('npm start did not serve a page within 120 s');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  }
}
