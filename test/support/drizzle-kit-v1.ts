import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Runs drizzle-kit 1.0's CLI (the aliased devDependency drizzle-kit-v1) in `projectDir`, which
 * gets a drizzle.config.ts (postgresql, ./migrations, `url` when given). drizzle-kit 1.0 requires
 * `drizzle-orm` 1.0 while this checkout's `drizzle-orm` is 0.45, so it runs from a scratch
 * node_modules linking every package of the checkout except those two, which point at the -v1
 * aliases (node --preserve-symlinks keeps the links) — as test/fixtures/drizzle-v1/generate.sh does.
 */
export function runDrizzleKitV1(projectDir: string, args: string[], options: { url?: string } = {}): { status: number | null; output: string } {
  const modules = path.join(projectDir, 'node_modules');
  if (!fs.existsSync(modules)) {
    fs.mkdirSync(modules);
    for (const name of fs.readdirSync(path.join(root, 'node_modules'))) {
      if (name === 'drizzle-orm' || name === 'drizzle-kit') continue;
      fs.symlinkSync(path.join(root, 'node_modules', name), path.join(modules, name));
    }
    fs.symlinkSync(path.join(root, 'node_modules', 'drizzle-orm-v1'), path.join(modules, 'drizzle-orm'));
    fs.symlinkSync(path.join(root, 'node_modules', 'drizzle-kit-v1'), path.join(modules, 'drizzle-kit'));
  }
  const credentials = options.url ? `, dbCredentials: { url: ${JSON.stringify(options.url)} }` : '';
  fs.writeFileSync(path.join(projectDir, 'drizzle.config.ts'), `export default { dialect: 'postgresql', out: './migrations'${credentials} };\n`);
  const result = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', path.join(modules, 'drizzle-kit', 'bin.cjs'), ...args], {
    cwd: projectDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 60_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** A scratch copy of a project's migration folders (no node_modules), to edit freely. */
export function copyMigrations(fromDir: string, folders: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-dk1-'));
  for (const folder of folders) fs.cpSync(path.join(fromDir, 'migrations', folder), path.join(dir, 'migrations', folder), { recursive: true });
  return dir;
}
