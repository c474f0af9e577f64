import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { DEMO_FLEET, demoTenantDatabase } from '../lib/config/demo-environments';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';
import { storageFor, strataCli } from './support/users';

/**
 * A rollout on the fleet page: the real CLI rolls the demo's `tenants` fleet out to the tag
 * the behind tenants are already at, so every target is skipped at its head and no tenant
 * changes (their histories are compared before and after); the page then shows that
 * rollout's waves, read-only, to an admin and to a viewer.
 */
test.describe.configure({ timeout: 240_000 });

const journal = JSON.parse(fs.readFileSync(path.resolve('drizzle/demo/migrations/meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
const tags = journal.entries.map((e) => e.tag);
/** The behind tenants stop `behindBy` change sets short of the head: this is their last one. */
const behindTag = tags[tags.length - 1 - DEMO_FLEET.behindBy]!;
const api = `/api/fleets/${DEMO_FLEET.name}`;

/** Each tenant's history as a fingerprint: rows, last id and applied tags. */
async function histories(): Promise<string[]> {
  const out: string[] = [];
  for (let n = 1; n <= DEMO_FLEET.count; n++) {
    const sql = embeddedSql(demoTenantDatabase(n));
    try {
      const [row] = await sql`select count(*)::int as n, max(id)::text as last, string_agg(tag || ':' || status, ',' order by id) as tags from strata.change_log`;
      out.push(`${n} ${row!.n} ${row!.last} ${row!.tags}`);
    } finally {
      await sql.end();
    }
  }
  return out;
}

test('a rollout the CLI ran shows its waves on the fleet page, and changes no tenant', async ({ page }) => {
  const before = await histories();
  const run = strataCli(['rollout', '--env', DEMO_FLEET.name, '--to', behindTag, '--waves', '1,10%,100%', '--concurrency', '4', '--json']);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const outcome = JSON.parse(run.stdout) as { rollout: { id: number; state: string; actor: string }; targets: Array<{ name: string; state: string; applied: string[] }> };
  expect(outcome.rollout.state).toBe('succeeded');
  // The CLI records who ran it, e.g. "cli:root (as e2e-setup)".
  const actor = outcome.rollout.actor;
  expect(actor).toContain('e2e-setup');
  expect(outcome.targets).toHaveLength(DEMO_FLEET.count);
  for (const t of outcome.targets) expect(t, t.name).toMatchObject({ state: 'skipped-at-head', applied: [] });
  expect(await histories()).toEqual(before);

  const answer = await (await page.request.get(`${api}?limit=1`)).json();
  expect(answer.rollouts[0]).toMatchObject({ id: outcome.rollout.id, state: 'succeeded', actor, toTag: behindTag, error: null, failedTargets: [], failedCount: 0 });
  // 1 | up to 10% (5) | the rest.
  expect(answer.rollouts[0].waves.map((w: Record<string, number>) => [w.wave, w.total, w['skipped-at-head']])).toEqual([
    [1, 1, 1],
    [2, 4, 4],
    [3, 45, 45],
  ]);

  await page.goto(`/fleets/${DEMO_FLEET.name}`);
  const panel = page.getByTestId('fleet-rollouts');
  await expect(panel.getByRole('heading', { name: 'Rollouts' })).toBeVisible();
  const latest = panel.getByTestId('fleet-rollout-latest');
  await expect(latest).toHaveAttribute('data-rollout', String(outcome.rollout.id));
  await expect(latest).toContainText(`Rollout #${outcome.rollout.id}`);
  await expect(latest).toContainText('succeeded');
  await expect(panel.getByTestId('fleet-rollout-who')).toContainText(`to ${behindTag}, started by ${actor}`);
  await expect(panel.getByTestId('rollout-wave')).toHaveCount(3);
  await expect(panel.getByTestId('rollout-wave-3')).toHaveAttribute('aria-label', 'Wave 3: 45 targets — 45 already at head');
  // The wave bars are reachable by keyboard and say what they show.
  await panel.getByTestId('rollout-wave-1').focus();
  await page.keyboard.press('Tab');
  await expect(panel.getByTestId('rollout-wave-2')).toBeFocused();
  await expect(panel.getByTestId('fleet-rollout-failed')).toHaveCount(0);
  await panel.scrollIntoViewIfNeeded();
  await shot(page, 'fleet-rollouts', false);
});

test.describe('a viewer', () => {
  test.use({ storageState: storageFor('vera') });
  test('sees the rollouts, and the page offers nothing that starts one', async ({ page }) => {
    const answer = await page.request.get(`${api}?limit=1`);
    expect(answer.status()).toBe(200);
    const body = await answer.json();
    expect(body.rollouts.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.rollouts)).not.toContain('postgres://');
    await page.goto(`/fleets/${DEMO_FLEET.name}`);
    const panel = page.getByTestId('fleet-rollouts');
    await expect(panel.getByTestId('fleet-rollout-latest')).toHaveAttribute('data-rollout', String(body.rollouts[0].id));
    await expect(panel.getByRole('button')).toHaveCount(0);
  });
});
