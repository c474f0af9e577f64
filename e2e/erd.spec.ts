import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { storageFor } from './support/users';

/**
 * The live ERD of `local`: find a table, focus on it, read its panel, export the schema, and
 * watch a table created from outside appear without reloading the page.
 */
const tables = (page: Page) => page.locator('.react-flow__node-table');

/** Types into the search box and picks the first hit once it is listed. */
async function jump(page: Page, query: string) {
  const search = page.getByRole('combobox', { name: 'Search tables and columns' });
  await search.fill(query);
  await expect(page.getByRole('option').first()).toContainText(query);
  await search.press('Enter');
}

test.describe.configure({ mode: 'serial' });

test('local ERD: search, focus, panel, export and a live change', async ({ page }) => {
  test.setTimeout(120_000);
  const schemaRead = page.waitForResponse((r) => r.url().endsWith('/api/environments/local/schema') && r.status() === 200);
  await page.goto('/environments/local/erd');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('local');
  await schemaRead;
  await expect(tables(page).first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 30_000 });

  // Search: `/` focuses the box, Enter takes the first hit, the table is ringed and in view.
  await page.keyboard.press('/');
  const search = page.getByRole('combobox', { name: 'Search tables and columns' });
  await expect(search).toBeFocused();
  await page.keyboard.type('ds_uploads');
  await expect(page.getByRole('option').first()).toContainText('dataservice.ds_uploads');
  await page.keyboard.press('Enter');
  const uploads = page.getByTestId('erd-node-dataservice.ds_uploads');
  await expect(uploads).toHaveAttribute('data-highlighted', 'true');
  await expect(uploads).toBeInViewport();

  // A column hit marks its row.
  await search.fill('owner_id');
  await expect(page.getByRole('option').first()).toContainText('owner_id');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-column="owner_id"][data-highlighted="true"]')).toBeVisible();
  await jump(page, 'dataservice.ds_uploads');

  // Focus, one hop: only ds_uploads and what it references.
  await page.getByRole('button', { name: 'Focus: 1 hop' }).click();
  await expect(page.getByTestId('focus-summary')).toContainText('2 tables');
  await expect(tables(page)).toHaveCount(2);
  // Polled: the live re-introspection may re-render the nodes between two reads.
  await expect.poll(async () => (await tables(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort()).toEqual([
    'dataservice.ds_uploads',
    'dataservice.ds_users',
  ]);
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);

  // The panel: every column, the FK to ds_users, estimate and size; Escape closes it.
  await uploads.click();
  const panel = page.getByRole('complementary');
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'ds_uploads' })).toBeVisible();
  for (const column of ['id', 'owner_id', 'filename', 'size_bytes', 'status', 'created_at']) {
    await expect(panel.locator(`[data-testid="panel-column"][data-column="${column}"]`)).toBeVisible();
  }
  await expect(panel.getByTestId('fk-out')).toContainText('owner_id → dataservice.ds_users (id)');
  await expect(panel).toContainText('Rows (estimate)');
  await expect(panel).toContainText(/\d+(\.\d)? (B|kB|MB)/);
  await expect(panel.getByRole('link', { name: 'Open table page →' })).toHaveAttribute('href', '/environments/local/tables/dataservice.ds_uploads');
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await page.getByRole('button', { name: 'Focus off' }).click();
  await expect(page.getByTestId('focus-summary')).toHaveCount(0);

  // Keys only: ds_uploads keeps its key rows (id, owner_id), the rest fold away.
  await jump(page, 'dataservice.ds_uploads');
  await expect(uploads.locator('[data-column]')).toHaveCount(19);
  await page.getByRole('button', { name: 'Keys only' }).click();
  await expect(uploads.locator('[data-column]')).toHaveCount(2);
  await page.getByRole('button', { name: 'Keys only' }).click();
  await expect(uploads.locator('[data-column]')).toHaveCount(19);

  // PNG of the current view.
  await page.getByTestId('export-menu').click();
  const [image] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'PNG image' }).click()]);
  expect(image.suggestedFilename()).toBe('local-erd.png');
  expect(fs.readFileSync((await image.path())!).subarray(1, 4).toString()).toBe('PNG');

  // Mermaid export of the whole schema.
  await page.getByTestId('export-menu').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Mermaid (erDiagram)' }).click()]);
  expect(download.suggestedFilename()).toBe('local-erd.mmd');
  const mermaid = fs.readFileSync((await download.path())!, 'utf8');
  expect(mermaid).toContain('erDiagram');
  expect(mermaid).toContain('ds_uploads');

  // Live: a table created from outside appears without a reload, marked as new.
  await page.evaluate(() => ((window as unknown as { erdMarker: number }).erdMarker = 42));
  const sql = embeddedSql('strata_local');
  try {
    await sql.unsafe('create table public.erd_live_probe (id int primary key, note text)');
    await sql.unsafe('alter table dataservice.ds_events add column erd_probe_note text');
    const bar = page.getByTestId('changes-bar');
    await expect(bar).toContainText('1 new table · 1 changed table', { timeout: 30_000 });
    await bar.getByRole('button', { name: /dataservice\.ds_events/ }).click();
    const events = page.getByTestId('erd-node-dataservice.ds_events');
    await expect(events).toHaveAttribute('data-change', 'changed');
    await expect(events.locator('[data-column="erd_probe_note"]').getByTestId('change-badge')).toHaveText('new');
    await page.keyboard.press('Escape');
    await bar.getByRole('button', { name: /public\.erd_live_probe/ }).click();
    const probe = page.getByTestId('erd-node-public.erd_live_probe');
    await expect(probe).toBeInViewport();
    await expect(probe).toHaveAttribute('data-change', 'new');
    await expect(probe.getByTestId('change-badge').first()).toHaveText('new');
    expect(await page.evaluate(() => (window as unknown as { erdMarker?: number }).erdMarker)).toBe(42);
    fs.mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/erd-local-live.png' });

    await bar.getByRole('button', { name: 'Mark as seen' }).click();
    await expect(bar).toHaveCount(0);
    await expect(probe).not.toHaveAttribute('data-change', 'new');
  } finally {
    await sql.unsafe('drop table if exists public.erd_live_probe');
    await sql.unsafe('alter table dataservice.ds_events drop column if exists erd_probe_note');
    await sql.end();
  }
});

test.describe('on a large screen', () => {
  test.use({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 2 });

  test('the whole-schema view reads well (screenshot)', async ({ page }) => {
    await page.goto('/environments/local/erd');
    await expect(tables(page).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('layout-progress')).toHaveCount(0);
    // Zoomed out to the whole schema, tables are drawn simplified: names only.
    await expect(page.locator('[data-column]')).toHaveCount(0);
    await page.waitForTimeout(400); // the initial fit-to-view animation
    for (let i = 0; i < 4; i++) await page.getByRole('button', { name: 'Zoom In' }).click();
    await expect(page.locator('[data-column]').first()).toBeVisible();
    expect(await tables(page).count()).toBeGreaterThanOrEqual(15);
    await page.waitForTimeout(300);
    fs.mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/erd-local.png' });
  });
});

test('dragged positions are remembered per environment', async ({ page }) => {
  await page.goto('/environments/local/erd');
  await expect(tables(page).first()).toBeVisible({ timeout: 30_000 });
  await jump(page, 'dataservice.ds_users');
  const users = page.getByTestId('erd-node-dataservice.ds_users');
  await expect(users).toBeInViewport();
  await page.waitForTimeout(500); // the centring animation
  const before = await users.boundingBox();
  await users.locator('header').hover();
  await page.mouse.down();
  await page.mouse.move(before!.x + 200, before!.y + 80, { steps: 8 });
  await page.mouse.up();
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('strata:erd:local:positions') ?? '{}'));
  const moved = stored.modes.full.positions['dataservice.ds_users'];
  expect(moved).toBeTruthy();

  await page.reload();
  await expect(page.getByTestId('layout-progress')).toHaveCount(0);
  await expect(tables(page).first()).toBeVisible();
  const again = await page.evaluate(() => JSON.parse(localStorage.getItem('strata:erd:local:positions') ?? '{}'));
  expect(again.modes.full.positions['dataservice.ds_users']).toEqual(moved);
});

test('find path: the shortest foreign-key path between two tables, only its tables and keys drawn', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/environments/local/erd');
  await expect(tables(page).first()).toBeVisible({ timeout: 30_000 });
  const form = page.getByTestId('find-path');
  // Events and uploads both reference users: the path walks one key forward, the other back.
  await form.getByTestId('path-from').fill('dataservice.ds_events');
  await form.getByTestId('path-to').fill('dataservice.ds_uploads');
  await form.getByRole('button', { name: 'Find path' }).click();
  await expect(form.getByTestId('path-summary')).toContainText('dataservice.ds_events → dataservice.ds_users ← dataservice.ds_uploads');
  await expect(tables(page)).toHaveCount(3, { timeout: 30_000 });
  await expect(page.locator('.react-flow__edge')).toHaveCount(2);
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/erd-find-path.png' });
  // Unconnected or unknown tables are said so; Clear brings the whole diagram back.
  await form.getByTestId('path-from').fill('dataservice.ds_ledger_entries');
  await form.getByTestId('path-to').fill('dataservice.ds_users');
  await form.getByRole('button', { name: 'Find path' }).click();
  await expect(form.getByTestId('path-problem')).toHaveText('No foreign-key path between dataservice.ds_ledger_entries and dataservice.ds_users');
  await form.getByTestId('path-to').fill('nowhere.nothing');
  await form.getByRole('button', { name: 'Find path' }).click();
  await expect(form.getByTestId('path-problem')).toHaveText('No table nowhere.nothing in this diagram');
  await form.getByRole('button', { name: 'Clear' }).click();
  await expect.poll(() => tables(page).count(), { timeout: 30_000 }).toBeGreaterThan(3);

  // Inferred relationships (lifegraph's polymorphic entity pairs among them) are drawn, dotted; the switch hides them.
  const inferredSwitch = page.getByRole('button', { name: /^Inferred \(\d+\)$/ });
  await expect(inferredSwitch).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 30_000 }).toBeGreaterThan(0);
  const withInferred = await page.locator('.react-flow__edge').count();
  await page.screenshot({ path: 'test-results/screenshots/erd-inferred.png' });
  await inferredSwitch.click();
  await expect.poll(() => page.locator('.react-flow__edge').count(), { timeout: 30_000 }).toBeLessThan(withInferred);
  await inferredSwitch.click();
  // The panel lists them apart from the real keys, each with its reason.
  await jump(page, 'lifegraph.document_links');
  await page.getByTestId('erd-node-lifegraph.document_links').click();
  const panel = page.getByRole('complementary');
  await expect(panel.getByTestId('fk-out')).toContainText('document_id → lifegraph.documents (id)');
  const inferredList = panel.getByRole('list', { name: 'Inferred relationships' });
  await expect(inferredList.getByTestId('inferred-rel').first()).toContainText('entity_type, entity_id →');
  await expect(inferredList).toContainText('inferred, no foreign key declares it');
  await expect(inferredList).not.toContainText('document_id');
  await inferredList.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/erd-inferred-panel.png' });
  await page.keyboard.press('Escape');
  // Lifegraph's roles.user_id names platform.users: one hop out, the inferred link is drawn, labelled, its reason on hover.
  await jump(page, 'lifegraph.roles');
  await page.getByRole('button', { name: 'Focus: 1 hop' }).click();
  const inferredLabel = page.getByTestId('edge-label').filter({ hasText: 'inferred' });
  await expect(inferredLabel).toHaveAttribute('title', /user_id names platform\.users \(id\)/, { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/erd-inferred-focus.png' });
  await inferredSwitch.click();
  await expect(inferredLabel).toHaveCount(0);
  await inferredSwitch.click();
  await page.getByRole('button', { name: 'Focus off' }).click();
});

test('schema API: JSON without secrets, 404 for an unknown environment; exports; table page', async ({ request, page, browser }) => {
  const { password } = JSON.parse(fs.readFileSync('.strata/e2e/credentials.json', 'utf8')) as { password: string };
  const ok = await request.get('/api/environments/local/schema');
  expect(ok.status()).toBe(200);
  expect(ok.headers()['cache-control']).toContain('no-store');
  const text = await ok.text();
  expect(text).not.toContain('postgres://');
  expect(text).not.toContain(password);
  expect(JSON.parse(text).tables.some((t: { id: string }) => t.id === 'dataservice.ds_uploads')).toBe(true);

  // The live refresh's poll of an unchanged schema: its ETag back, 304, no body, well under 1 KB.
  const etag = ok.headers()['etag']!;
  expect(etag).toMatch(/^"[\w-]{32}"$/);
  const again = await request.get('/api/environments/local/schema', { headers: { 'If-None-Match': etag } });
  expect(again.status()).toBe(304);
  const wire = (await again.body()).length + Object.entries(again.headers()).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  expect(wire).toBeLessThan(1024);
  expect(text.length).toBeGreaterThan(50 * 1024);
  // Another validator (stale, or forged) gets the whole model again, never a stranger's.
  const stale = await request.get('/api/environments/local/schema', { headers: { 'If-None-Match': '"stale"' } });
  expect(stale.status()).toBe(200);
  expect((await stale.json()).tables.length).toBe(JSON.parse(text).tables.length);
  // One environment's ETag sent to another gets that other's whole model, never a 304 or local's.
  const crossed = await request.get('/api/environments/staging/schema', { headers: { 'If-None-Match': etag } });
  expect(crossed.status()).toBe(200);
  expect(crossed.headers()['etag']).not.toBe(etag);
  expect((await crossed.json()).database).not.toBe(JSON.parse(text).database);
  // Signed out, a valid ETag is still refused (401): a 304 would confirm the fingerprint.
  const outsider = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  expect((await outsider.request.get('/api/environments/local/schema', { headers: { 'If-None-Match': etag } })).status()).toBe(401);
  await outsider.close();
  // A viewer may read, so its poll of the unchanged schema is a 304 too.
  const viewer = await browser.newContext({ storageState: storageFor('vera') });
  expect((await viewer.request.get('/api/environments/local/schema', { headers: { 'If-None-Match': etag } })).status()).toBe(304);
  await viewer.close();

  const unknown = await request.get('/api/environments/nowhere/schema');
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: 'unknown_environment' });

  const dbml = await request.get('/api/environments/local/schema/export?format=dbml');
  expect(dbml.status()).toBe(200);
  expect(dbml.headers()['content-disposition']).toBe('attachment; filename="local-schema.dbml"');
  const markdown = await request.get('/api/environments/local/schema/export?format=markdown');
  expect(await markdown.text()).toContain('ds_uploads');
  expect((await request.get('/api/environments/local/schema/export?format=pdf')).status()).toBe(400);

  const response = await page.goto('/environments/local/tables/dataservice.ds_uploads');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('dataservice.ds_uploads');
  await expect(page.locator('td', { hasText: 'owner_id' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'dataservice.ds_users' }).first()).toHaveAttribute('href', '/environments/local/tables/dataservice.ds_users');
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/table-page.png', fullPage: true });

  expect((await page.goto('/environments/nowhere/erd'))?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found in Strata' })).toBeVisible();
  expect((await page.goto('/environments/local/tables/public.no_such_table'))?.status()).toBe(404);

  await page.goto('/');
  await page.getByTestId('env-card-local').getByRole('link', { name: /ERD/ }).click();
  await expect(page).toHaveURL(/\/environments\/local\/erd$/);
});
