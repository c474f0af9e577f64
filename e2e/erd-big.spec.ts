import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { embeddedSql } from './support/embedded-sql';
import { syntheticDropStatements, syntheticSchemaSql } from '../test/synthetic/schema-sql';

/**
 * 2,000 tables (GitLab-sized): created for real in `staging` under schema `synthetic`,
 * dropped afterwards. The page must open on the cluster map, stay responsive, and still find
 * a table by search — expanding its cluster to show it.
 */
test('a 2,000-table schema opens as a cluster map, stays responsive and searchable', async ({ page }) => {
  test.setTimeout(240_000);
  const sql = embeddedSql('strata_staging');
  const drop = async () => {
    for (const statement of syntheticDropStatements(2000)) await sql.unsafe(statement);
  };
  try {
    await drop();
    await sql.unsafe(syntheticSchemaSql({ tables: 2000 }));
    const wide = Array.from({ length: 299 }, (_, i) => `c${String(i + 1).padStart(3, '0')} text`).join(', ');
    await sql.unsafe(`create table synthetic.wide_table (id bigint primary key, ${wide})`);

    // Clusters (lib/erd/clusters.ts) over the API: every shown table in exactly one cluster,
    // each named after one of its own tables, edges weighted — and the payload small.
    const clustersResponse = await page.request.get('/api/environments/staging/schema/clusters');
    expect(clustersResponse.status()).toBe(200);
    const clusterBody = await clustersResponse.text();
    const clustered = JSON.parse(clusterBody) as {
      tables: number;
      clusters: Array<{ id: string; name: string; tables: string[] }>;
      edges: Array<{ source: string; target: string; foreignKeys: number }>;
    };
    const members = clustered.clusters.flatMap((c) => c.tables);
    expect(members.length).toBe(clustered.tables);
    expect(new Set(members).size).toBe(members.length);
    expect(members).toContain('synthetic.wide_table');
    for (const cluster of clustered.clusters) expect(cluster.tables).toContain(cluster.name);
    const ids = new Set(clustered.clusters.map((c) => c.id));
    for (const edge of clustered.edges) {
      expect(ids.has(edge.source) && ids.has(edge.target) && edge.source !== edge.target).toBe(true);
      expect(edge.foreignKeys).toBeGreaterThan(0);
    }
    console.log(`clusters at ${clustered.tables} tables: ${clustered.clusters.length} clusters, ${clustered.edges.length} edges, ${clusterBody.length} bytes`);
    expect((await page.request.get('/api/environments/nope/schema/clusters')).status()).toBe(404);

    await page.goto('/environments/staging/erd');
    // Over 150 tables the first view is the cluster map, not 2,000 boxes; the page answers meanwhile.
    await page.getByRole('combobox', { name: 'Search tables and columns' }).fill('t1999');
    await expect(page.getByRole('option').first()).toContainText('synthetic.t1999_');
    await page.getByRole('combobox', { name: 'Search tables and columns' }).fill('');
    await expect(page.locator('.react-flow__node-cluster').first()).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 120_000 });
    await expect(page.getByTestId('cluster-summary')).toContainText(`${clustered.clusters.length} clusters`);
    await expect(page.locator('.react-flow__node-table')).toHaveCount(0);
    await page.waitForTimeout(500);

    fs.mkdirSync('test-results/screenshots', { recursive: true });
    await page.screenshot({ path: 'test-results/screenshots/erd-2000.png' });

    // Search jumps into a table's cluster: the cluster expands, the table is centred and ringed.
    const search = page.getByRole('combobox', { name: 'Search tables and columns' });
    await search.fill('t1234');
    await expect(page.getByRole('option').first()).toContainText('synthetic.t1234_');
    await search.press('Enter');
    const node = page.locator('[data-testid^="erd-node-synthetic.t1234_"]');
    await expect(node).toBeInViewport({ timeout: 60_000 });
    await expect(node).toHaveAttribute('data-highlighted', 'true');
    const home = clustered.clusters.find((c) => c.tables.some((t) => t.startsWith('synthetic.t1234_')))!;
    await expect(page.getByTestId(`erd-cluster-${home.id}`)).toHaveAttribute('data-expanded', 'true');
    expect(await page.locator('.react-flow__node-table').count()).toBeLessThanOrEqual(home.tables.length);
    await node.click();
    await expect(page.getByRole('complementary')).toContainText('t1234_');
    await page.waitForTimeout(500);
    await page.screenshot({ path: 'test-results/screenshots/erd-2000-zoomed.png' });
    await page.keyboard.press('Escape');

    // 300 columns: the node shows the first rows and "+N more", the panel all of them.
    await search.fill('wide_table');
    await expect(page.getByRole('option').first()).toContainText('synthetic.wide_table');
    await search.press('Enter');
    const wideNode = page.getByTestId('erd-node-synthetic.wide_table');
    await expect(wideNode).toBeInViewport({ timeout: 60_000 });
    await expect(wideNode).toContainText('+271 more columns');
    await wideNode.locator('header').click();
    await expect(page.getByRole('complementary').getByTestId('panel-column')).toHaveCount(300);
    await expect(page.getByRole('complementary').locator('[data-column="c299"]')).toBeAttached();
    await page.screenshot({ path: 'test-results/screenshots/erd-300-columns.png' });
  } finally {
    await drop();
    await sql.end();
  }
});
