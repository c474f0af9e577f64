import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/support/cli-runner';
import { loadConfig } from '../../config/environments';

/**
 * `strata init` on an existing Drizzle project: a throwaway one under test/fixtures/.tmp-init-…
 * (inside the checkout, so the written file imports this checkout's define-project and
 * drizzle.config.ts finds drizzle-kit), read and written for real.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');
const shown = (file: string) => path.relative(process.cwd(), file);

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

/** A Drizzle project's folder with its drizzle.config.ts (paths in it relative to the working directory, as drizzle-kit reads them). */
function drizzleProject(options: { dialect?: string; out?: string } = {}): { dir: string; drizzleConfig: string; strataConfig: string } {
  const dir = fs.mkdtempSync(path.join(fixtures, '.tmp-init-'));
  folders.push(dir);
  fs.mkdirSync(path.join(dir, 'db', 'migrations', 'meta'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'db', 'migrations', 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries: [] }));
  const out = options.out ?? `./${shown(path.join(dir, 'db', 'migrations'))}`;
  const drizzleConfig = path.join(dir, 'drizzle.config.ts');
  fs.writeFileSync(
    drizzleConfig,
    `import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  dialect: '${options.dialect ?? 'postgresql'}',\n  schema: './src/db/schema.ts',\n  out: '${out}',\n});\n`,
  );
  return { dir, drizzleConfig, strataConfig: path.join(dir, 'strata.config.ts') };
}

/** tsc's complaints about one file (empty when it type-checks), with the compiler options of tsconfig.json. */
function typeCheck(file: string): string {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const flags = ['--ignoreConfig', '--noEmit', '--strict', '--skipLibCheck', '--target', 'ES2022', '--module', 'esnext', '--moduleResolution', 'bundler', '--types', 'node'];
  try {
    execFileSync(process.execPath, [tsc, ...flags, file], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    return `${(error as { stdout?: string }).stdout ?? ''}${(error as Error).message}`;
  }
}

describe('strata init', () => {
  it('writes strata.config.ts beside drizzle.config.ts: it loads with the project folder drizzle-kit writes to, and type-checks', async () => {
    const project = drizzleProject();
    const written = await cli('init', '--drizzle-config', project.drizzleConfig);
    expect(written, written.stderr).toMatchObject({ code: 0 });
    expect(written.stdout).toContain(`Wrote ${shown(project.strataConfig)} (project folder ${shown(path.join(project.dir, 'db'))})`);
    const text = fs.readFileSync(project.strataConfig, 'utf8');
    expect(text).toContain("import { defineStrataConfig } from '../../../lib/project/define-project';");
    expect(text).toContain('schema ./src/db/schema.ts');
    expect(text).not.toMatch(/postgres:\/\//);

    const config = loadConfig({ STRATA_ROOT: project.dir, DATABASE_URL: 'postgres://u:p@db/app', STRATA_CONSOLE_DATABASE_URL: 'postgres://u:p@db/console' });
    expect(config.configFile).toBe(project.strataConfig);
    expect(config.projectDir).toBe(path.join(project.dir, 'db'));
    expect(config.environments).toEqual([{ name: 'production', url: 'postgres://u:p@db/app', protection: 'protected', backup: { mode: 'destructive', keep: 10, maxAgeDays: 30 } }]);
    expect(config.approvals).toEqual({ requestHours: 24 });

    // The written file type-checks on its own, with the project's compiler options…
    expect(typeCheck(project.strataConfig)).toBe('');
    // …and the check bites: a protection level that does not exist fails it.
    fs.writeFileSync(project.strataConfig, text.replace("protection: 'protected'", "protection: 'yolo'"));
    expect(typeCheck(project.strataConfig)).toMatch(/Type '"yolo"' is not assignable to type '"open" \| "guarded" \| "protected"/);
  }, 120_000);

  it('refuses to overwrite an existing strata.config.ts without --force, and leaves it as it was; --force replaces it', async () => {
    const project = drizzleProject();
    fs.writeFileSync(project.strataConfig, '// mine\n');
    const refused = await cli('init', '--drizzle-config', project.drizzleConfig);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`error [ALREADY_EXISTS]: ${shown(project.strataConfig)} already exists; nothing was written (--force replaces it)\n`);
    expect(fs.readFileSync(project.strataConfig, 'utf8')).toBe('// mine\n');

    const forced = await cli('init', '--drizzle-config', project.drizzleConfig, '--force', '--json');
    expect(forced, forced.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(forced.stdout)).toEqual({ file: shown(project.strataConfig), projectDir: shown(path.join(project.dir, 'db')), schema: './src/db/schema.ts', overwritten: true });
    expect(fs.readFileSync(project.strataConfig, 'utf8')).toContain('defineStrataConfig({');
  });

  it('refuses what it cannot manage, writing nothing: another dialect, an out folder not named migrations, no drizzle.config.ts', async () => {
    const mysql = drizzleProject({ dialect: 'mysql' });
    const refused = await cli('init', '--drizzle-config', mysql.drizzleConfig);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${shown(mysql.drizzleConfig)}: dialect is "mysql"; Strata manages PostgreSQL projects (dialect: 'postgresql'); nothing was written`);
    expect(fs.existsSync(mysql.strataConfig)).toBe(false);

    const flat = drizzleProject({ out: './drizzle' });
    const notMigrations = await cli('init', '--drizzle-config', flat.drizzleConfig);
    expect(notMigrations.code).toBe(2);
    expect(notMigrations.stderr).toContain("but Strata reads drizzle-kit's output from a folder named migrations");
    expect(fs.existsSync(flat.strataConfig)).toBe(false);

    const missing = await cli('init', '--drizzle-config', path.join(mysql.dir, 'nope.config.ts'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/NOT_FOUND\]: No .*nope\.config\.ts: run strata init in a Drizzle project's folder/);
  });
});
