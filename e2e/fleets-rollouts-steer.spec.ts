import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_FLEET, demoTenantDatabase } from '../lib/config/demo-environments';
import { RUNNER_LOCK_KEYS } from '../lib/migrate/target-lock';
import { demoBehindTag as behindTag, demoTenantHistories } from './support/demo-fleet';
import { embeddedSql } from './support/embedded-sql';
import { shot } from './support/screenshot';

/**
 * Pause, Resume and Retry failed, clicked on the fleet page on a real rollout of the demo
 * `tenants` fleet — a no-op one, to the tag the behind tenants are already at, so no tenant
 * changes (their histories are compared before and after; later specs rely on 40 at the head
 * and 10 behind). The test holds the canary's runner lock, so the canary is retried by the
 * queue (not failed) and the rollout stays in wave 1 while it is paused; then a wave-2 tenant
 * refuses connections (ALLOW_CONNECTIONS false, restored in finally), so the resumed rollout
 * stops before wave 3 naming it; after the fix, Retry failed runs it to the end.
 */
test.describe.configure({ timeout: 300_000 });

const api = `/api/fleets/${DEMO_FLEET.name}`;
/** Waves 1,10%,100% of 50 targets in name order: tenant 1 alone, tenants 2–5, the rest. */
const canary = demoTenantDatabase(1);
const broken = demoTenantDatabase(3);

type Latest = { id: number; state: string; error: string | null; failedCount: number; waves: Array<Record<string, number>> };

async function latestRollout(request: APIRequestContext): Promise<Latest> {
  return (await (await request.get(`${api}?limit=1`)).json()).rollouts[0];
}

async function allowConnections(database: string, allow: boolean): Promise<void> {
  const sql = embeddedSql('postgres');
  try {
    await sql.unsafe(`alter database ${database} allow_connections ${allow}`);
  } finally {
    await sql.end();
  }
}

/** Presses a button the way a keyboard user does: focus, Enter. */
async function press(page: Page, testId: string): Promise<void> {
  const button = page.getByTestId('fleet-rollouts').getByTestId(testId);
  await expect(button).toBeEnabled();
  await button.focus();
  await page.keyboard.press('Enter');
}

/** Whatever happened above, the fleet is left with no unfinished rollout (later specs start their own). */
async function leaveNothingUnfinished(request: APIRequestContext, id: number): Promise<void> {
  let latest = await latestRollout(request);
  if (latest?.id !== id) return;
  if (latest.state === 'paused') await request.post(`${api}/rollouts/${id}/resume`, { data: {} });
  if (latest.failedCount > 0) await request.post(`${api}/rollouts/${id}/retry-failed`, { data: {} });
  await expect.poll(async () => ((latest = await latestRollout(request)), latest.state), { timeout: 120_000 }).toMatch(/succeeded|failed/);
}

test('pause, resume and retry failed, clicked on a real rollout of the tenants: the page follows each state, no wave starts while paused, and no tenant changes', async ({ page }) => {
  const before = await demoTenantHistories();
  const holder = embeddedSql(canary);
  let id = 0;
  try {
    // The canary's runner lock, held as another runner would: its job is retried, not failed.
    await holder`select pg_advisory_lock(${RUNNER_LOCK_KEYS.classid}, ${RUNNER_LOCK_KEYS.objid})`;
    const started = await page.request.post(`${api}/rollouts`, { data: { to: behindTag, waves: '1,10%,100%', concurrency: 4, maxFailures: 0, confirm: DEMO_FLEET.name } });
    expect(started.status(), await started.text()).toBe(200);
    id = (await started.json()).rollout.id;

    const consoleDb = embeddedSql('strata_console');
    try {
      // The queue tried the canary, found it locked and put it back for later.
      await expect
        .poll(async () => (await consoleDb`select 1 from graphile_worker._private_jobs where payload->>'target' = ${canary} and (payload->>'rollout')::int = ${id} and last_error like ${'%locked by%'}`).length, { timeout: 60_000 })
        .toBe(1);
    } finally {
      await consoleDb.end();
    }

    await page.goto(`/fleets/${DEMO_FLEET.name}`);
    const panel = page.getByTestId('fleet-rollouts');
    const latest = panel.getByTestId('fleet-rollout-latest');
    await expect(latest).toHaveAttribute('data-rollout', String(id));
    await expect(latest).toHaveAttribute('data-state', 'running');
    await expect(panel.getByTestId('rollout-wave-1')).toHaveAttribute('aria-label', 'Wave 1: 1 target — 1 running');
    // While it runs: Pause, no Resume, nothing to retry, and no second start.
    await expect(panel.getByTestId('start-rollout')).toBeDisabled();
    await expect(panel.getByTestId('resume-rollout')).toHaveCount(0);
    await expect(panel.getByTestId('retry-failed-rollout')).toHaveCount(0);
    await panel.scrollIntoViewIfNeeded();
    await shot(page, 'fleet-rollout-steer-1-running', false);

    await press(page, 'pause-rollout');
    const message = panel.getByTestId('rollout-action-message');
    await expect(message).toHaveText(`Paused rollout #${id}: no new target starts; running ones finish.`);
    await expect(latest).toHaveAttribute('data-state', 'paused');
    await expect(panel.getByTestId('pause-rollout')).toHaveCount(0);
    await expect(panel.getByTestId('resume-rollout')).toHaveText(`Resume #${id}`);
    await expect(panel.getByTestId('start-rollout')).toBeDisabled();
    await expect(panel.getByTestId('fleet-rollout-progress')).toHaveText('paused: 1 running target finishes, no other starts…');
    await shot(page, 'fleet-rollout-steer-2-paused', false);

    // The lock let go: the queue's next try finishes the canary; paused, wave 2 does not start —
    // and the page, still polling while a target runs, shows the canary done.
    await holder`select pg_advisory_unlock(${RUNNER_LOCK_KEYS.classid}, ${RUNNER_LOCK_KEYS.objid})`;
    await expect(panel.getByTestId('rollout-wave-1')).toHaveAttribute('aria-label', 'Wave 1: 1 target — 1 already at head', { timeout: 90_000 });
    await expect(panel.getByTestId('fleet-rollout-progress')).toHaveText('paused: no target starts until it is resumed');
    await expect(panel.getByTestId('rollout-wave-2')).toHaveAttribute('aria-label', 'Wave 2: 4 targets — 4 waiting');
    await expect(panel.getByTestId('rollout-wave-3')).toHaveAttribute('aria-label', 'Wave 3: 45 targets — 45 waiting');
    const paused = await latestRollout(page.request);
    expect(paused).toMatchObject({ id, state: 'paused' });
    expect(paused.waves.map((w) => [w.wave, w.waiting, w.running])).toEqual([
      [1, 0, 0],
      [2, 4, 0],
      [3, 45, 0],
    ]);
    await shot(page, 'fleet-rollout-steer-3-paused-canary-done', false);

    // A wave-2 tenant now refuses connections: the discovery no longer finds it, so its job fails naming it.
    await allowConnections(broken, false);
    await press(page, 'resume-rollout');
    await expect(message).toHaveText(`Resumed rollout #${id}: targets start again.`);
    await expect(latest).toHaveAttribute('data-state', 'failed', { timeout: 120_000 });
    await expect(panel.getByTestId('fleet-rollout-error')).toContainText(`stopped before wave 3: 1 target failed (at most 0 allowed): ${broken}`);
    await expect(panel.getByTestId('fleet-rollout-failed')).toContainText(broken);
    await expect(panel.getByTestId('fleet-rollout-failed')).toContainText(`Target "${broken}" is no longer in fleet "${DEMO_FLEET.name}"`);
    await expect(panel.getByTestId('rollout-wave-3')).toHaveAttribute('aria-label', 'Wave 3: 45 targets — 45 waiting');
    await expect(panel.getByTestId('resume-rollout')).toHaveCount(0);
    await expect(panel.getByTestId('pause-rollout')).toHaveCount(0);
    await expect(panel.getByTestId('retry-failed-rollout')).toHaveText('Retry 1 failed');
    await shot(page, 'fleet-rollout-steer-4-failed', false);

    // Fixed, then retried: the target runs again and the rollout goes on through wave 3.
    await allowConnections(broken, true);
    await press(page, 'retry-failed-rollout');
    await expect(message).toHaveText(`Retrying in rollout #${id}: 1 failed target waits to run again.`);
    await expect(latest).toHaveAttribute('data-state', 'succeeded', { timeout: 120_000 });
    await expect(panel.getByTestId('fleet-rollout-failed')).toHaveCount(0);
    await expect(panel.getByTestId('fleet-rollout-error')).toHaveCount(0);
    await expect(panel.getByTestId('retry-failed-rollout')).toHaveCount(0);
    await expect(panel.getByTestId('start-rollout')).toBeEnabled();
    const done = await latestRollout(page.request);
    expect(done.waves.map((w) => [w.wave, w.total, w['skipped-at-head']])).toEqual([
      [1, 1, 1],
      [2, 4, 4],
      [3, 45, 45],
    ]);
    await shot(page, 'fleet-rollout-steer-5-succeeded', false);
  } finally {
    await holder.end();
    await allowConnections(broken, true);
    if (id) await leaveNothingUnfinished(page.request, id);
  }
  expect(await demoTenantHistories()).toEqual(before);

  // Each click is audited as the admin's, on this rollout: pause, resume, retry-failed, in that order.
  const consoleDb = embeddedSql('strata_console');
  try {
    const rows = await consoleDb`select action, outcome, role from console.audit_log where environment = ${DEMO_FLEET.name} and target = ${`rollout ${id}`} and action like 'rollout-%' and outcome <> 'started' order by id`;
    expect(rows.map((r) => `${r.action} ${r.outcome} ${r.role}`)).toEqual(['rollout-pause ok admin', 'rollout-resume ok admin', 'rollout-retry-failed ok admin']);
  } finally {
    await consoleDb.end();
  }
});
