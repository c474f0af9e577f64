import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/cli-process';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const home = path.join(root, '.strata', 'test-start');
const port = '3211';

/** `npm start` as a user runs it (minus the build, which `npm test` does first). */
function start() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/start.ts')], {
    cwd: root,
    env: { ...process.env, STRATA_HOME: home, STRATA_EMBEDDED_PORT: '54389', PORT: port, STRATA_SKIP_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so the test can send Ctrl-C to the whole group as a terminal does.
    detached: true,
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => output };
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
    await waitFor(async () => (await health()) !== null, 'the console to answer', 90_000);
    const firstHealth = await health();
    expect(firstHealth!.status).toBe(200);
    const versions = firstHealth!.body.environments.map((e) => [e.name, e.schemaVersion]);
    expect(versions.map((v) => v[0])).toEqual(['local', 'staging', 'production']);
    expect(first.output()).toMatch(/Migrating local to/);

    process.kill(-first.child.pid!, 'SIGINT'); // Ctrl-C: the launcher, Next.js and postgres all get it
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/PostgreSQL stopped/);
    expect(fs.existsSync(path.join(home, 'pgdata', 'postmaster.pid'))).toBe(false);

    const second = start();
    await waitFor(async () => (await health()) !== null, 'the console to answer again', 90_000);
    expect((await health())!.body.environments.map((e) => [e.name, e.schemaVersion])).toEqual(versions);
    expect(second.output()).not.toMatch(/Migrating/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    fs.rmSync(home, { recursive: true, force: true });
  }, 180_000);
});
