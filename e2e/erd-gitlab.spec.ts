import { expect, test, type Page } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';
import { CORPUS_DIR, corpusDump, corpusDumpPresent, ensurePostgresRole, loadCorpusDump } from '../test/support/corpus-dumps';

/**
 * GitLab's real schema (1,048 tables, 1,749 foreign keys; shared/corpus, read where it lies)
 * loaded into `staging` as schema `gitlab` beside the demo's own schemas, dropped afterwards.
 * Its ERD must read like a map: clusters with weighted edges first, a cluster expanding in
 * place, find path across the CI island, and a link that reproduces a focused view.
 */
// The dump names its objects unqualified: they go to a schema of their own, `gitlab`, so that
// staging's public schema (part of its expected schema: drift) is never touched; public stays in
// the path for what the demo already installed there (pg_trgm's operator classes).
const GITLAB = { ...corpusDump('gitlab'), prelude: 'CREATE SCHEMA gitlab; SET search_path = gitlab, public' };
const present = corpusDumpPresent(GITLAB);

test.describe('GitLab-sized ERD', () => {
  test.skip(!present, `no corpus at ${CORPUS_DIR}`);
  test.describe.configure({ mode: 'serial' });

  const sql = () => embeddedSql('strata_staging');
  const drop = async () => {
    const db = sql();
    try {
      // A few tables per transaction: one DROP SCHEMA … CASCADE of GitLab's thousands of
      // relations runs out of lock slots ("out of shared memory").
      for (;;) {
        const batch = await db.unsafe<Array<{ name: string }>>(
          `select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname in ('gitlab', 'gitlab_partitions_dynamic', 'gitlab_partitions_static') and c.relkind in ('r', 'p')
           order by c.relispartition desc, c.relname limit 25`,
        );
        if (batch.length === 0) break;
        await db.unsafe(`drop table if exists ${batch.map((r) => r.name).join(', ')} cascade`);
      }
      await db.unsafe('drop schema if exists gitlab, gitlab_partitions_dynamic, gitlab_partitions_static cascade');
    } finally {
      await db.end();
    }
  };

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    await drop();
    const db = sql();
    try {
      await ensurePostgresRole(db);
      await loadCorpusDump(db, GITLAB);
    } finally {
      await db.end();
    }
  });
  test.afterAll(async () => {
    await drop();
  });

  test('the first view is a map of clusters joined by weighted edges; a cluster expands in place', async ({ page }) => {
    test.setTimeout(120_000);
    await page.goto('/environments/staging/erd');
    const clusters = page.locator('.react-flow__node-cluster');
    await expect(clusters.first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 60_000 });
    // GitLab's tables (partitions drawn as their parent) and the demo's, clustered together.
    await expect(page.getByTestId('cluster-summary')).toContainText(/^\d\d clusters · 8\d\d tables$/);
    expect(await clusters.count()).toBeGreaterThan(20);
    // No table is drawn one by one on the first view; the clusters' keys are, as weighted lines.
    await expect(page.locator('.react-flow__node-table')).toHaveCount(0);
    const weights = await page.getByTestId('cluster-edge-label').allInnerTexts();
    expect(weights.length).toBeGreaterThan(10);
    expect(weights.every((w) => Number.parseInt(w, 10) > 1)).toBe(true);
    await shot(page, 'erd-gitlab-overview', false);

    // The cluster holding merge_requests, as the API reports it (lib/erd/clusters.ts).
    const api = (await (await page.request.get('/api/environments/staging/schema/clusters')).json()) as { clusters: Array<{ id: string; name: string; tables: string[] }> };
    const home = api.clusters.find((c) => c.tables.includes('gitlab.merge_requests'))!;
    const box = page.getByTestId(`erd-cluster-${home.id}`);
    await expect(box).toHaveAttribute('data-expanded', 'false');
    const before = await box.boundingBox();
    await box.getByRole('button', { name: `Expand cluster ${home.name} (${home.tables.length} tables)` }).click();
    await expect(box).toHaveAttribute('data-expanded', 'true', { timeout: 60_000 });
    // Its tables are drawn inside it, with their own keys; its lines to the other clusters stay.
    await expect(page.getByTestId('erd-node-gitlab.merge_requests')).toBeVisible();
    expect(await page.locator('.react-flow__node-table').count()).toBe(home.tables.length);
    await expect.poll(() => page.locator('.react-flow__edge-fk').count()).toBeGreaterThan(5);
    expect(await page.locator('.react-flow__edge-cluster').count()).toBeGreaterThan(10);
    await page.waitForTimeout(500);
    await shot(page, 'erd-gitlab-expanded', false);
    expect(new URL(page.url()).searchParams.getAll('open')).toEqual([home.id]);

    // Collapsing gives the map back as it was.
    await box.getByRole('button', { name: /^Collapse cluster/ }).click();
    await expect(box).toHaveAttribute('data-expanded', 'false');
    await expect(page.locator('.react-flow__node-table')).toHaveCount(0);
    expect(before).not.toBeNull();
  });

  test('find path between projects and ci_builds walks real columns (the CI tables have no declared key to projects)', async ({ page }) => {
    test.setTimeout(90_000);
    await page.goto('/environments/staging/erd');
    await expect(page.locator('.react-flow__node-cluster').first()).toBeVisible({ timeout: 60_000 });
    const form = page.getByTestId('find-path');
    await form.getByTestId('path-from').fill('gitlab.projects');
    await form.getByTestId('path-to').fill('gitlab.ci_builds');
    await form.getByRole('button', { name: 'Find path' }).click();
    // ci_builds is a partition of p_ci_builds, drawn as it; GitLab keeps CI in its own database,
    // so the link is p_ci_builds.project_id, an inferred relationship (drawn dotted, amber).
    await expect(form.getByTestId('path-summary')).toContainText('gitlab.projects ← gitlab.p_ci_builds');
    await expect(page.getByTestId('erd-node-gitlab.projects')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('erd-node-gitlab.p_ci_builds')).toBeVisible();
    await expect(page.locator('.react-flow__node-table')).toHaveCount(2);
    await expect(page.locator('.react-flow__edge-fk')).toHaveCount(1);
    await page.waitForTimeout(400);
    await shot(page, 'erd-gitlab-path', false);
    // The link reproduces the path.
    const url = new URL(page.url());
    expect([url.searchParams.get('from'), url.searchParams.get('to')]).toEqual(['gitlab.projects', 'gitlab.ci_builds']);
    // Without inferred relationships there is no path: said so, not drawn.
    await page.getByRole('button', { name: /^Inferred \(\d+\)$/ }).click();
    await expect(form.getByTestId('path-problem')).toHaveText('No foreign-key path between gitlab.projects and gitlab.ci_builds');
  });

  test('a focused view’s URL, opened in a new page, shows the same tables', async ({ page, context }) => {
    test.setTimeout(120_000);
    await page.goto('/environments/staging/erd');
    await expect(page.locator('.react-flow__node-cluster').first()).toBeVisible({ timeout: 60_000 });
    const search = page.getByRole('combobox', { name: 'Search tables and columns' });
    await search.fill('merge_request_diffs');
    await expect(page.getByRole('option').first()).toContainText('gitlab.merge_request_diffs');
    await search.press('Enter');
    // Jumping to a table of a collapsed cluster expands that cluster.
    const node = page.getByTestId('erd-node-gitlab.merge_request_diffs');
    await expect(node).toBeInViewport({ timeout: 60_000 });
    await node.click();
    await page.getByRole('button', { name: 'Focus: 1 hop' }).click();
    await expect(page.getByTestId('focus-summary')).toContainText('gitlab.merge_request_diffs');
    const shown = await tableIds(page);
    expect(shown.length).toBeGreaterThan(3);
    expect(shown).toContain('gitlab.merge_requests');
    const link = page.url();
    expect(new URL(link).searchParams.get('focus')).toBe('gitlab.merge_request_diffs');
    expect(new URL(link).searchParams.get('table')).toBe('gitlab.merge_request_diffs');

    const second = await context.newPage();
    await second.goto(link);
    await expect(second.getByTestId('focus-summary')).toContainText(`${shown.length} tables`, { timeout: 60_000 });
    await expect.poll(() => tableIds(second)).toEqual(shown);
    await expect(second.getByRole('complementary')).toContainText('merge_request_diffs');
    await shot(second, 'erd-gitlab-focus-link', false);
    await second.close();
  });
});

async function tableIds(page: Page): Promise<string[]> {
  await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 60_000 });
  const ids = await page.locator('.react-flow__node-table [data-testid^="erd-node-"], .react-flow__node-table[data-testid^="erd-node-"]').evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-testid')!.slice('erd-node-'.length)),
  );
  return [...new Set(ids)].sort();
}
