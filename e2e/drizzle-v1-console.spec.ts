import fs from 'node:fs';
import path from 'node:path';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { embeddedPassword, embeddedUrl } from '../lib/config/embedded-settings';
import { copyMigrations, runDrizzleKitV1 } from '../test/support/drizzle-kit-v1';
import { waitFor } from '../test/support/cli-process';
import { assertBuilt, launchConsole, secondConsole, stopLaunched } from './support/second-console';
import { shot } from './support/screenshot';

/**
 * A Drizzle 1.0 project (test/fixtures/drizzle-v1, one folder per migration) in the browser,
 * configured the way a team would: `strata init` writes strata.config.ts beside its
 * drizzle.config.ts, with environments whose URLs come from variables the file names. A second
 * console, started by the real launcher with its own STRATA_HOME, ports and embedded
 * PostgreSQL, serves it; the main e2e server and its demo environments are never touched.
 */
test.describe.configure({ mode: 'serial' });

// The main e2e server's ports plus one: each checkout's second console stays within its own range.
const place = secondConsole('e2e-drizzle-v1', 1);
const { root, base, work, settings } = place;
const projectFolder = path.join(work, 'project');
const ADMIN_PASSWORD = 'v1-console-admin-password-1';
const FIXTURE = path.join(root, 'test', 'fixtures', 'drizzle-v1');
const FOLDERS = ['20261206195512_authors', '20261206195514_books', '20261206195516_author_bio'];

/** What the launcher's environment holds: the variables strata.config.ts names, never the file itself. */
const urls = () => ({
  DEV_DATABASE_URL: embeddedUrl(settings, 'v1_dev'),
  DATABASE_URL: embeddedUrl(settings, 'v1_production'),
  STRATA_CONSOLE_DATABASE_URL: embeddedUrl(settings, 'v1_console'),
});

test.use({ baseURL: base, storageState: { cookies: [], origins: [] } });

/** Every launcher this spec started (the refused one too, should it not refuse): afterAll ends each process group. */
const launched: ChildProcess[] = [];

/** `npm start` as a user runs it, from the checkout, reading the project's strata.config.ts (STRATA_ROOT). */
function launch(folder: string, extra: Record<string, string> = {}) {
  const started = launchConsole(place, { STRATA_ROOT: folder, STRATA_ADMIN_PASSWORD: ADMIN_PASSWORD, ...urls(), ...extra });
  launched.push(started.child);
  return started;
}

/** A Drizzle 1.0 project as drizzle-kit 1.0 left it, plus the strata.config.ts `strata init` writes for it. */
function writeProject(folder: string, environments: string): string {
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(path.join(folder, 'drizzle'), { recursive: true });
  fs.cpSync(path.join(FIXTURE, 'migrations'), path.join(folder, 'drizzle', 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'drizzle.config.ts'), "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle/migrations' };\n");
  // The real `strata init`, run in the project's folder as a user would.
  const init = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/main.ts'), 'init'], { cwd: folder, encoding: 'utf8' });
  expect(init.status, init.stderr).toBe(0);
  const file = path.join(folder, 'strata.config.ts');
  const written = fs.readFileSync(file, 'utf8');
  expect(written).toContain('defineStrataConfig');
  expect(written).toContain("projectDir: './drizzle'");
  // The team adds a development database in front of production, as the README's example does.
  const line = "    production: { urlEnv: 'DATABASE_URL', protection: 'protected' },\n";
  expect(written).toContain(line);
  fs.writeFileSync(file, written.replace(line, environments));
  return file;
}

async function health(): Promise<{ environments: Array<{ name: string; protection: string; schemaVersion: string | null; pending: number }> } | null> {
  try {
    const response = await fetch(`${base}/api/health`);
    return (await response.json()) as never;
  } catch {
    return null;
  }
}

/** A superuser session on the second console's embedded server. */
const embeddedSql = place.sql;

/** drizzle-kit 1.0's own `migrate` on the dev database (search_path=public: the role is called strata; README, Drizzle 1.0 projects). */
function drizzleKitMigrate(folders: string[]): { status: number | null; output: string } {
  const url = `${urls().DEV_DATABASE_URL}?options=${encodeURIComponent('-c search_path=public')}`;
  const scratch = copyMigrations(FIXTURE, folders);
  try {
    return runDrizzleKitV1(scratch, ['migrate'], { url });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  assertBuilt(place);
  fs.rmSync(work, { recursive: true, force: true });
  embeddedPassword(settings); // the superuser's password, in the new STRATA_HOME, before the variables naming it are set
  writeProject(
    projectFolder,
    [
      "    dev: { urlEnv: 'DEV_DATABASE_URL', protection: 'guarded' },",
      "    production: { urlEnv: 'DATABASE_URL', protection: 'protected' },",
      '',
    ].join('\n'),
  );
  const started = launch(projectFolder);
  await waitFor(async () => (await health()) !== null || started.child.exitCode !== null, 'the second console to answer', 120_000);
  expect(started.child.exitCode, started.output()).toBeNull();
  expect(started.output()).toContain('the embedded PostgreSQL on localhost');
});

test.afterAll(async () => {
  // The refused launcher first (if it ran at all), then the console: its PostgreSQL last.
  for (const child of launched.splice(0).reverse()) await stopLaunched(child);
  expect(fs.existsSync(path.join(settings.dataDir, 'postmaster.pid'))).toBe(false);
});

async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText('admin · admin');
}

test('the home page lists the environments strata.config.ts declares, with their protection, and no demo', async ({ page }) => {
  await signIn(page);
  await page.goto('/');
  const cards = page.locator('[data-testid^="env-card-"]');
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toHaveAttribute('data-testid', 'env-card-dev');
  await expect(cards.nth(1)).toHaveAttribute('data-testid', 'env-card-production');
  await expect(page.getByTestId('env-card-dev').getByTestId('protection')).toContainText('guarded');
  await expect(page.getByTestId('env-card-production').getByTestId('protection')).toContainText('protected');
  for (const env of ['dev', 'production']) {
    await expect(page.getByTestId(`env-card-${env}`).getByTestId('reachability')).toHaveText('Reachable');
    await expect(page.getByTestId(`env-card-${env}`).getByTestId('count-pending')).toHaveText('3');
  }
  expect(await page.content()).not.toContain('postgres://');
  await shot(page, 'drizzle-v1-home');
  // The launcher made the file's databases on its embedded server, and none of the demo's (the
  // console's drift check adds its own short-lived shadow databases beside them).
  const sql = embeddedSql('postgres');
  try {
    const databases = (await sql`select datname from pg_database where not datistemplate and datname <> 'postgres' and datname not like 'strata\_shadow\_%' order by 1`).map((r) => String(r.datname));
    expect(databases).toEqual(['v1_console', 'v1_dev', 'v1_production']);
  } finally {
    await sql.end();
  }
});

test('the 1.0 folders on the environment page: dry run, apply and rollback (rollback.sql) from the browser, in history', async ({ page }) => {
  test.setTimeout(120_000);
  // The team ran drizzle-kit 1.0's own migrate for the first folder before Strata came along.
  const first = drizzleKitMigrate(FOLDERS.slice(0, 1));
  expect(first.status, first.output).toBe(0);

  await signIn(page);
  await page.goto('/environments/dev');
  await expect(page.getByTestId('environment-name')).toHaveText('dev');
  const pending = page.getByTestId('attention-item');
  await expect(pending).toHaveCount(2);
  await expect(pending.nth(0)).toHaveAttribute('data-tag', FOLDERS[1]!);
  await expect(pending.nth(1)).toHaveAttribute('data-tag', FOLDERS[2]!);
  await expect(pending.nth(0).getByRole('link', { name: FOLDERS[1] })).toBeVisible();
  await shot(page, 'drizzle-v1-environment');

  // Dry run: the dialog shows the folders' statements; Cancel changes nothing.
  const apply = page.getByRole('button', { name: 'Apply 2 pending' });
  await apply.click();
  const dialog = page.getByTestId('operation-dialog');
  const view = dialog.getByTestId('dry-run-view');
  await expect(view).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await view.getByTestId('tab-statements').click();
  await expect(view).toContainText(`migrations/${FOLDERS[1]}/migration.sql`);
  await expect(view.getByTestId('dry-run-statement').filter({ hasText: 'CREATE TABLE "books"' })).toHaveCount(1);
  await expect(view.getByTestId('dry-run-statement').filter({ hasText: 'ADD COLUMN "bio"' })).toHaveCount(1);
  await shot(page, 'drizzle-v1-dry-run', false);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  expect((await health())!.environments.find((e) => e.name === 'dev')).toMatchObject({ schemaVersion: FOLDERS[0], pending: 2 });

  // Apply both.
  await apply.click();
  await expect(dialog.getByTestId('dry-run-view')).toBeVisible({ timeout: 30_000 });
  await dialog.getByTestId('confirm-operation').click();
  await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
  await expect(dialog.getByTestId('progress-changeset')).toHaveCount(2);
  await dialog.getByTestId('close-operation').click();
  expect((await health())!.environments.find((e) => e.name === 'dev')).toMatchObject({ schemaVersion: FOLDERS[2], pending: 0 });

  // drizzle's own table as drizzle-orm 1.0 reads it: a row per folder, by name, with applied_at;
  // its created_at is the folder's timestamp. drizzle-kit 1.0's migrate then has nothing to do.
  const dev = embeddedSql('v1_dev');
  try {
    const rows = await dev`select name, created_at::text as created_at, applied_at is not null as stamped from drizzle.__drizzle_migrations order by created_at`;
    expect(rows.map((r) => r.name)).toEqual(FOLDERS);
    expect(rows.every((r) => r.stamped)).toBe(true);
    expect(rows.map((r) => Number(r.created_at))).toEqual(FOLDERS.map((f) => Date.UTC(+f.slice(0, 4), +f.slice(4, 6) - 1, +f.slice(6, 8), +f.slice(8, 10), +f.slice(10, 12), +f.slice(12, 14))));
    const again = drizzleKitMigrate(FOLDERS);
    expect(again.status, again.output).toBe(0);
    expect(await dev`select count(*)::int as n from drizzle.__drizzle_migrations`).toEqual([{ n: 3 }]);

    // Roll back the last folder: its rollback.sql drops the column.
    await page.reload();
    await page.getByRole('button', { name: `Roll back last change set (${FOLDERS[2]})` }).click();
    await expect(dialog.getByTestId('target-banner')).toContainText('Roll back');
    const back = dialog.getByTestId('dry-run-view');
    await expect(back).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
    await back.getByTestId('tab-statements').click();
    await expect(back).toContainText(`migrations/${FOLDERS[2]}/rollback.sql`);
    await expect(back.getByTestId('dry-run-statement').filter({ hasText: 'DROP COLUMN "bio"' })).toHaveCount(1);
    await shot(page, 'drizzle-v1-rollback-dry-run', false);
    await dialog.getByTestId('confirm-operation').click();
    await expect(dialog.getByTestId('run-outcome')).toHaveAttribute('data-failed', 'false', { timeout: 30_000 });
    await dialog.getByTestId('close-operation').click();
    const columns = await dev`select column_name from information_schema.columns where table_schema = 'public' and table_name = 'authors' order by ordinal_position`;
    expect(columns.map((r) => r.column_name)).toEqual(['id', 'name']);
    // drizzle forgets it too: its next migrate would apply the folder again.
    expect((await dev`select name from drizzle.__drizzle_migrations order by created_at`).map((r) => r.name)).toEqual(FOLDERS.slice(0, 2));
  } finally {
    await dev.end();
  }

  // History, newest first: the rollback, the two applies, the folder drizzle applied (adopted).
  const rows = page.getByTestId('history-row');
  await expect(rows.first()).toHaveAttribute('data-status', 'rolled_back');
  await expect(rows.first()).toContainText(FOLDERS[2]!);
  await expect(rows.filter({ hasText: FOLDERS[1]! }).first()).toHaveAttribute('data-status', 'applied');
  await expect(rows.filter({ hasText: FOLDERS[0]! }).first()).toBeVisible();
  // The operations behind them, dry runs included, by the second console's own admin.
  const operations = page.getByTestId('operation-row');
  await expect(operations.filter({ hasText: 'Roll back' })).toHaveCount(1);
  await expect(operations.filter({ hasText: 'Apply' })).toHaveCount(1);
  await expect(operations.filter({ hasText: 'Dry run' }).first()).toBeVisible();
  await shot(page, 'drizzle-v1-environment-after');
  expect((await health())!.environments.find((e) => e.name === 'dev')).toMatchObject({ schemaVersion: FOLDERS[1], pending: 1 });
});

test('a misspelt key in strata.config.ts: the launcher refuses to start, naming the key, before anything connects', async () => {
  const folder = path.join(work, 'broken');
  // Beside the running embedded server: a valid file would have the launcher create v1_broken there.
  writeProject(folder, "    dev: { urlEnv: 'DEV_DATABASE_URL', protecton: 'guarded' },\n");
  const refused = launch(folder, { DEV_DATABASE_URL: embeddedUrl(settings, 'v1_broken'), PORT: String(place.port + 1) });
  const code = await refused.exited;
  expect(code).toBe(1);
  expect(refused.output()).toMatch(/strata\.config\.ts: environments\.dev: unknown key "protecton"/);
  expect(refused.output()).not.toContain('Embedded PostgreSQL');
  expect(refused.output()).not.toContain('Console starting');
  const sql = embeddedSql('postgres');
  try {
    expect(await sql`select datname from pg_database where datname = 'v1_broken'`).toEqual([]);
  } finally {
    await sql.end();
  }
});
