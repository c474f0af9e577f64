import fs from 'node:fs';
import type { Page } from '@playwright/test';

/** A screenshot to look at, under test-results/screenshots/; full page unless a modal dialog (sized to the viewport) is open. */
export async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage });
}
