import { expect, test, type Page, type Response } from '@playwright/test';
import { databaseState } from './support/database-state';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';
import { storageFor } from './support/users';
import { syntheticDropStatements, syntheticSchemaSql } from '../test/synthetic/schema-sql';

/**
 * A big schema's cluster map laid out on the server too (GET …/schema/layout?view=clusters and
 * ?view=cluster&cluster=…, lib/erd/server-layout.ts): 200 synthetic tables created in `staging`
 * (schema `synthetic_map`, dropped afterwards, so staging is left as found). A reload, or a
 * second visitor, gets both layouts from the server's cache and starts no layout worker at all.
 */
test.describe.configure({ mode: 'serial' });

const SCHEMA = 'synthetic_map';
const TABLES = 200;
const LAYOUT = '/api/environments/staging/schema/layout';
const layoutOf = (view: string) => (r: Response) => r.url().includes(`${LAYOUT}?`) && new URL(r.url()).searchParams.get('view') === view;

interface ApiCluster {
  id: string;
  name: string;
  tables: string[];
}

const sql = () => embeddedSql('strata_staging');
async function dropSynthetic(): Promise<void> {
  const db = sql();
  try {
    for (const statement of syntheticDropStatements(TABLES, SCHEMA)) await db.unsafe(statement);
  } finally {
    await db.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await dropSynthetic();
  const db = sql();
  try {
    await db.unsafe(syntheticSchemaSql({ tables: TABLES, schema: SCHEMA, seed: 15 }));
  } finally {
    await db.end();
  }
});
test.afterAll(async () => {
  await dropSynthetic();
});

/** Counts the Web Workers the page starts: the ERD's layout worker is the only one. */
function countWorkers(page: Page): () => number {
  let started = 0;
  page.on('worker', () => started++);
  return () => started;
}

async function mapDrawn(page: Page): Promise<void> {
  await expect(page.locator('.react-flow__node-cluster').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('layout-progress')).toHaveCount(0, { timeout: 60_000 });
}

async function biggestSyntheticCluster(page: Page): Promise<ApiCluster> {
  const api = (await (await page.request.get('/api/environments/staging/schema/clusters')).json()) as { clusters: ApiCluster[] };
  return api.clusters.filter((c) => c.tables.every((t) => t.startsWith(`${SCHEMA}.`))).sort((a, b) => b.tables.length - a.tables.length)[0]!;
}

test('a reload and a second visitor get the cluster map and an expanded cluster from the server cache, with no layout worker', async ({ browser }) => {
  test.setTimeout(180_000);
  const first = await browser.newContext({ storageState: storageFor('admin') });
  const page = await first.newPage();
  const workers = countWorkers(page);

  const overview = page.waitForResponse(layoutOf('clusters'));
  await page.goto('/environments/staging/erd');
  const firstOverview = await overview;
  expect(firstOverview.status()).toBe(200);
  expect(['cached', 'computed']).toContain(firstOverview.headers()['strata-layout']);
  await mapDrawn(page);
  const served = (await firstOverview.json()) as { positions: Record<string, { x: number; y: number }> };
  const boxes = page.locator('.react-flow__node-cluster');
  expect(Object.keys(served.positions).length).toBe(await page.getByTestId('cluster-summary').innerText().then((t) => Number.parseInt(t, 10)));

  // Expanding a cluster: its inside from the server (laid out there now, the first time).
  const home = await biggestSyntheticCluster(page);
  const box = page.getByTestId(`erd-cluster-${home.id}`);
  const inside = page.waitForResponse(layoutOf('cluster'));
  await box.getByRole('button', { name: `Expand cluster ${home.name} (${home.tables.length} tables)` }).click();
  const firstInside = await inside;
  expect(new URL(firstInside.url()).searchParams.get('cluster')).toBe(home.id);
  expect(firstInside.headers()['strata-layout']).toBe('computed');
  await expect(box).toHaveAttribute('data-expanded', 'true', { timeout: 60_000 });
  await expect(page.locator('.react-flow__node-table').first()).toBeVisible();
  const insideLayout = (await firstInside.json()) as { positions: Record<string, unknown> };
  expect(Object.keys(insideLayout.positions).sort()).toEqual([...home.tables].sort());
  // The page used the server's answers: it never started its own layout worker.
  expect(workers()).toBe(0);

  // A reload (the expanded cluster is in the URL): both layouts cached, still no worker.
  const url = page.url();
  expect(url).toContain('open=');
  const [reOverview, reInside] = await Promise.all([page.waitForResponse(layoutOf('clusters')), page.waitForResponse(layoutOf('cluster')), page.reload()]);
  expect(reOverview.headers()['strata-layout']).toBe('cached');
  expect(reInside.headers()['strata-layout']).toBe('cached');
  await mapDrawn(page);
  await expect(box).toHaveAttribute('data-expanded', 'true', { timeout: 60_000 });
  expect(workers()).toBe(0);
  await shot(page, 'erd-cluster-layout-cached', false);

  // A second visitor, another role, the same link: cached, the same layouts, no worker.
  const second = await browser.newContext({ storageState: storageFor('vera') });
  const other = await second.newPage();
  const otherWorkers = countWorkers(other);
  const [o, i] = await Promise.all([other.waitForResponse(layoutOf('clusters')), other.waitForResponse(layoutOf('cluster')), other.goto(url)]);
  expect([o.headers()['strata-layout'], i.headers()['strata-layout']]).toEqual(['cached', 'cached']);
  expect((await o.json()).positions).toEqual(served.positions);
  expect((await i.json()).positions).toEqual(insideLayout.positions);
  await mapDrawn(other);
  await expect(other.getByTestId(`erd-cluster-${home.id}`)).toHaveAttribute('data-expanded', 'true', { timeout: 60_000 });
  expect(otherWorkers()).toBe(0);
  expect(await boxes.count()).toBeGreaterThan(3);
  await first.close();
  await second.close();
});

test('a page whose map differs from the server’s (a schema hidden) lays out its own overview in the worker', async ({ page }) => {
  test.setTimeout(120_000);
  const workers = countWorkers(page);
  const overview = page.waitForResponse(layoutOf('clusters'));
  // Hiding the demo's `platform` schema leaves the synthetic 200 tables: still a cluster map, another one.
  await page.goto('/environments/staging/erd?hide=platform');
  expect((await overview).status()).toBe(200);
  await mapDrawn(page);
  expect(workers()).toBeGreaterThan(0);
});

test('layout door, cluster views: 400 naming a bad view or cluster, 404 naming an unknown cluster, 401 signed out, viewer allowed, ETag 304, one ELK run for two callers', async ({ browser, page, request }) => {
  test.setTimeout(120_000);
  const before = await databaseState();
  const home = await biggestSyntheticCluster(page);
  const cluster = (id: string) => `${LAYOUT}?view=cluster&cluster=${encodeURIComponent(id)}`;

  for (const [query, named] of [
    ['view=everything', 'view'],
    ['view=cluster', 'cluster'],
    [`view=all&cluster=${encodeURIComponent(home.id)}`, 'cluster'],
    [`view=clusters&cluster=${encodeURIComponent(home.id)}`, 'cluster'],
    ['view=cluster&cluster=', 'cluster'],
    ['view=cluster&cluster=projects', 'cluster'],
    [`view=cluster&cluster=cluster:${'x'.repeat(300)}`, 'cluster'],
    [`view=cluster&cluster=${encodeURIComponent(home.id)}&mode=wide`, 'mode'],
  ] as const) {
    const bad = await request.get(`${LAYOUT}?${query}`);
    expect(bad.status(), query).toBe(400);
    expect((await bad.json()).message, query).toContain(named);
  }

  const unknownId = `cluster:${SCHEMA}.no_such_table`;
  const unknown = await request.get(cluster(unknownId));
  expect(unknown.status()).toBe(404);
  expect(await unknown.json()).toMatchObject({ error: 'unknown_cluster' });
  expect((await (await request.get(cluster(unknownId))).json()).message).toContain(unknownId);
  // A small schema has no cluster map.
  const small = await request.get('/api/environments/local/schema/layout?view=clusters');
  expect(small.status()).toBe(404);
  expect(await small.json()).toMatchObject({ error: 'no_clusters' });
  expect((await request.get('/api/environments/nowhere/schema/layout?view=clusters')).status()).toBe(404);

  const outsider = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  for (const url of [`${LAYOUT}?view=clusters`, cluster(home.id), cluster(unknownId)]) expect((await outsider.request.get(url)).status(), url).toBe(401);
  await outsider.close();

  const viewer = await browser.newContext({ storageState: storageFor('vera') });
  const overview = await viewer.request.get(`${LAYOUT}?view=clusters`);
  expect(overview.status()).toBe(200);
  const etag = overview.headers()['etag']!;
  expect(etag).toMatch(/^"[\w-]{32}-clusters-b0-i1"$/);
  expect((await viewer.request.get(`${LAYOUT}?view=clusters`, { headers: { 'If-None-Match': etag } })).status()).toBe(304);
  expect((await viewer.request.get(cluster(home.id), { headers: { 'If-None-Match': etag } })).status()).toBe(200);

  // Keys-only has not been laid out for this cluster yet: two callers at once, one ELK run.
  const keys = `${cluster(home.id)}&mode=keys`;
  const [a, b] = await Promise.all([viewer.request.get(keys), request.get(keys)]);
  expect([a.status(), b.status()]).toEqual([200, 200]);
  expect([a.headers()['strata-layout'], b.headers()['strata-layout']].sort()).toEqual(['cached', 'computed']);
  expect((await a.json()).positions).toEqual((await b.json()).positions);
  await viewer.close();
  expect(await databaseState()).toEqual(before);
});
