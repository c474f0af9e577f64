import { expect, test, type Browser, type Page } from '@playwright/test';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';

/**
 * Named ERD views in the toolbar's Views menu (components/erd/named-views.tsx), in Chromium:
 * save the current view under a name with the keyboard, see it listed with its author as a
 * shareable link, copy that link, and delete it — only your own, or anyone's as an admin.
 * Names are text, never markup. The doors themselves are attacked in access.spec.ts.
 */
test.describe.configure({ mode: 'serial' });

const VIEWS = '/api/environments/staging/views';

async function pageAs(browser: Browser, username: string): Promise<Page> {
  const context = await browser.newContext({ storageState: storageFor(username) });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  return context.newPage();
}

async function openErd(page: Page): Promise<void> {
  await page.goto('/environments/staging/erd');
  await expect(page.getByTestId('erd-node-platform.users')).toBeVisible({ timeout: 30_000 });
}

test('save the current view with the keyboard, find it listed as a link with its author, copy the link, delete it', async ({ browser }) => {
  const page = await pageAs(browser, 'vera');
  await openErd(page);
  const menu = page.getByTestId('named-views');
  await menu.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Save current view…' }).press('Enter');
  const name = '<b>Vera’s</b> view'; // shown as typed, never as markup
  await page.getByTestId('view-name').fill(name);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('view-saved')).toContainText(`Saved “${name}”.`);
  const row = page.getByTestId('named-view').filter({ hasText: name });
  await expect(row).toContainText('by vera');
  await expect(page.locator('[data-testid="named-views-list"] b')).toHaveCount(0);
  const id = await row.getAttribute('data-view-id');
  await expect(row.getByRole('link', { name })).toHaveAttribute('href', `/environments/staging/erd?view=${id}`);
  await shot(page, 'named-views-saved', false);

  // Stored: the view's state in canonical form, the layout the diagram had.
  const stored = await (await page.request.get(`${VIEWS}/${id}`)).json();
  expect(stored).toMatchObject({ name, createdBy: 'vera', state: '' });
  expect(Object.keys(stored.positions)).toContain('platform.users');
  expect(Object.values(stored.positions).every((p) => Number.isInteger((p as { x: number }).x))).toBe(true);

  await row.getByRole('button', { name: `Copy link to ${name}` }).click();
  await expect(row.getByRole('button', { name: `Copy link to ${name}` })).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(new URL(`/environments/staging/erd?view=${id}`, page.url()).toString());

  // A second save under the same name (another case) is refused in the server's words.
  await page.getByRole('button', { name: 'Save current view…' }).click();
  await page.getByTestId('view-name').fill(name.toUpperCase());
  await page.getByTestId('view-save-submit').click();
  await expect(page.getByTestId('view-save-error')).toHaveText(`staging already has a view named “${name.toUpperCase()}” (names are compared without case); choose another name`);
  await shot(page, 'named-views-duplicate', false);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await row.getByTestId('view-delete').click();
  await row.getByTestId('view-delete-confirm').click();
  await expect(page.getByTestId('named-view').filter({ hasText: name })).toHaveCount(0);
  expect((await page.request.get(`${VIEWS}/${id}`)).status()).toBe(404);
  await page.context().close();
});

test("someone else's view: listed and shared, but only an admin may delete it", async ({ browser }) => {
  const devon = await pageAs(browser, 'devon');
  const created = await devon.request.post(VIEWS, { data: { name: "Devon's focus", state: 'focus=platform.users&hops=2', positions: { 'platform.users': { x: 0, y: 0 } } } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();

  const vera = await pageAs(browser, 'vera');
  // Its link opens the view: the state applied, the link kept while the view is unchanged.
  await vera.goto(`/environments/staging/erd?view=${id}`);
  await expect(vera.getByTestId('focus-summary')).toContainText('platform.users', { timeout: 30_000 });
  await expect(vera.getByRole('button', { name: 'Focus: 2 hops' })).toHaveAttribute('aria-pressed', 'true');
  expect(new URL(vera.url()).search).toBe(`?view=${id}`);
  await vera.getByRole('button', { name: 'Focus: 1 hop' }).click();
  await expect.poll(() => new URL(vera.url()).search).toBe('?focus=platform.users');
  // A view that does not exist is said so.
  await vera.goto('/environments/staging/erd?view=999999');
  await expect(vera.getByTestId('link-problem')).toContainText('The view could not be opened');
  await openErd(vera);
  await vera.getByTestId('named-views').click();
  const row = vera.getByTestId('named-view').filter({ hasText: "Devon's focus" });
  await expect(row).toContainText('by devon');
  await expect(row.getByRole('button', { name: 'Copy link to Devon\'s focus' })).toBeVisible();
  await expect(row.getByTestId('view-delete')).toHaveCount(0);

  const admin = await pageAs(browser, 'admin');
  await openErd(admin);
  await admin.getByTestId('named-views').click();
  const adminRow = admin.getByTestId('named-view').filter({ hasText: "Devon's focus" });
  await adminRow.getByTestId('view-delete').click();
  await shot(admin, 'named-views-admin-delete', false);
  await adminRow.getByTestId('view-delete-confirm').click();
  await expect(admin.getByTestId('named-view').filter({ hasText: "Devon's focus" })).toHaveCount(0);
  expect((await devon.request.get(`${VIEWS}/${id}`)).status()).toBe(404);
  for (const page of [devon, vera, admin]) await page.context().close();
});
