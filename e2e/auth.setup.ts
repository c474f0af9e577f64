import fs from 'node:fs';
import { expect, test as setup } from '@playwright/test';
import { storageFor, strataCli, USERS } from './support/users';

/**
 * The first start created `admin` with STRATA_ADMIN_PASSWORD. The others are added with
 * the CLI (`user add … --password-stdin`), then everyone signs in once through the form.
 */
setup('one signed-in browser state per person', async ({ browser }) => {
  // Four CLI processes and five sign-ins (scrypt each) while the home page builds shadows: slow on 2 busy cores.
  setup.setTimeout(120_000);
  fs.mkdirSync('test-results/.auth', { recursive: true });
  // The four CLI processes start side by side: each spends most of its time starting tsx.
  const others = USERS.filter((u) => u.username !== 'admin');
  const added = await Promise.all(others.map((user) => strataCli(['user', 'add', user.username, '--role', user.role, '--password-stdin'], `${user.password}\n`)));
  for (const result of added) expect(result.code, result.stderr).toBe(0);
  for (const user of USERS) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('User name').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('signed-in-as')).toContainText(`${user.username} · ${user.role}`);
    await context.storageState({ path: storageFor(user.username) });
    await context.close();
  }
});
