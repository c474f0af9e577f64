import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { launchChromium, signInAdmin as signIn, startBenchConsole } from './bench-console';
import { readProject } from '../lib/changesets/project';
import { embeddedSettings, embeddedUrl } from '../lib/config/embedded-settings';
import { connect } from '../lib/db/client';
import { withDatabase } from '../lib/db/connection-url';
import { quoteIdent } from '../lib/db/identifiers';
import { startCluster } from '../lib/embedded/cluster';
import { applyChangeSets } from '../lib/migrate/apply';
import { createLogger } from '../lib/observability/logger';
import { median } from './bench-cluster';
import { ensureBuilt } from './start-bench';
import { writeFixtureProject } from '../test/support/fixture-project';


/**
 * The fleet page's first render at 1,000 targets, in real Chromium, signed in like a
 * person. The 1,000 targets are real databases on a cluster of the bench's own, made once
 * from two templates (a small four-change-set project: most at the head, every tenth one
 * behind, every fiftieth with a table added by hand) and kept between runs under
 * .strata/bench-fleet: making them costs minutes, reading them is what is measured.
 *
 * Measured: reading all 1,000 targets into the console's cache (status and drift, one
 * connection each, 8 at a time — what the first visitor's refresh does in the background),
 * then navigation start → the first target rows and the state bar on screen, for a fresh
 * visitor (median of `runs`), with the cache warm; how many rows the DOM holds
 * (virtualisation), and the bytes of the page's first API answer.
 */
export interface FleetPageFigures {
  targets: number;
  changeSets: number;
  /** Making the 1,000 databases (0 when they were kept from an earlier run). */
  setupMs: number;
  /** Reading every target once (refresh=1 until done): the cache filled from cold. */
  readAllMs: number;
  runs: number;
  firstRenderMs: number;
  firstRenderRunsMs: number[];
  /** Target rows in the DOM after the first render (out of 1,000). */
  rowsInDom: number;
  /** From the first render, scrolling the list to its end (End key) until the last target's row is on screen. */
  scrollToEndMs: number;
  firstApiBytes: number;
  counts: Record<string, number>;
}

export const FLEET_SIZE = 1000;
const FLEET = 'bench';
const WAIT_MS = 600_000;

export async function benchFleetPage(root: string, options: { runs?: number; screenshot?: string; say?: (line: string) => void } = {}): Promise<FleetPageFigures> {
  const { runs = 3, screenshot, say = console.log } = options;
  ensureBuilt(root);
  const settings = embeddedSettings({ STRATA_HOME: '.strata/bench-fleet', STRATA_EMBEDDED_PORT: process.env.STRATA_BENCH_PG_PORT ?? '54369' }, root);
  const cluster = await startCluster(settings);
  const adminUrl = embeddedUrl(settings, 'postgres');
  try {
    const projectDir = fixtureProject(path.join(settings.home, 'project'));
    const t0 = Date.now();
    const { urls, made } = await tenantDatabases(adminUrl, projectDir, say);
    const setupMs = made ? Date.now() - t0 : 0;
    const urlsFile = path.join(settings.home, 'fleet-urls.txt');
    fs.writeFileSync(urlsFile, urls.join('\n') + '\n');

    const served = await startConsole(adminUrl, root, projectDir, urlsFile);
    const browser = await launchChromium();
    try {
      const signedIn = await signIn(browser, served.origin, served.adminPassword);
      const api = await browser.newContext({ storageState: signedIn });
      const apiUrl = `${served.origin}/api/fleets/${FLEET}`;
      const r0 = Date.now();
      await api.request.get(`${apiUrl}?refresh=1&limit=1`);
      for (;;) {
        const body = await (await api.request.get(`${apiUrl}?limit=1`)).json();
        if (!body.refreshing && body.unchecked === 0) break;
        if (Date.now() - r0 > WAIT_MS) throw new Error(`reading ${FLEET_SIZE} targets took more than ${WAIT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const readAllMs = Date.now() - r0;
      const summary = await (await api.request.get(`${apiUrl}?limit=1`)).json();
      // The list's last row in its default order (by state, the most urgent first).
      const lastName = String((await (await api.request.get(`${apiUrl}?limit=1&offset=${FLEET_SIZE - 1}`)).json()).targets[0].target);
      await api.close();

      const renders: number[] = [];
      let rowsInDom = 0;
      let scrollToEndMs = 0;
      let firstApiBytes = 0;
      for (let run = 0; run < runs; run++) {
        const context = await browser.newContext({ storageState: signedIn, viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        const t = Date.now();
        await page.goto(`${served.origin}/fleets/${FLEET}`);
        await page.getByTestId('fleet-target').first().waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.getByTestId('fleet-state-bar').waitFor({ state: 'visible' });
        renders.push(Date.now() - t);
        if (run === 0) {
          rowsInDom = await page.getByTestId('fleet-target').count();
          const entries = (await page.evaluate(`performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/fleets/')).map((e) => e.transferSize)`)) as number[];
          firstApiBytes = entries[0] ?? 0;
          const firstName = await page.getByTestId('fleet-target').first().getAttribute('data-target');
          const s = Date.now();
          await page.getByTestId('fleet-targets').focus();
          // End loads the pages beyond the first as it goes: press it until the last target is shown.
          for (;;) {
            await page.keyboard.press('End');
            if (await page.locator(`[data-testid="fleet-target"][data-target="${lastName}"]`).isVisible()) break;
            if (Date.now() - s > WAIT_MS) throw new Error('scrolling to the end never showed the last target');
            await new Promise((r) => setTimeout(r, 20));
          }
          scrollToEndMs = Date.now() - s;
          if (screenshot) {
            await page.keyboard.press('Home');
            // Back at the top: the first row on screen again (rows scrolled out of view still count as "visible").
            await page.waitForFunction((name) => {
              const row = document.querySelector(`[data-testid="fleet-target"][data-target="${name}"]`);
              const list = document.querySelector('[data-testid="fleet-targets"]');
              if (!row || !list) return false;
              const r = row.getBoundingClientRect();
              const l = list.getBoundingClientRect();
              return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
            }, firstName);
            fs.mkdirSync(path.dirname(screenshot), { recursive: true });
            await page.screenshot({ path: screenshot });
            // One target opened (read live), and the home page's card.
            await page.getByTestId('fleet-targets').focus();
            await page.keyboard.press('Enter');
            await page.getByTestId('detail-history').waitFor({ state: 'visible', timeout: WAIT_MS });
            await page.screenshot({ path: screenshot.replace(/\.png$/, '-detail.png') });
            await page.goto(served.origin);
            await page.getByTestId(`fleet-card-${FLEET}`).waitFor({ state: 'visible' });
            await page.screenshot({ path: screenshot.replace(/\.png$/, '-home.png'), fullPage: true });
          }
        }
        await context.close();
      }
      return {
        targets: FLEET_SIZE,
        changeSets: readProject(projectDir).changeSets.length,
        setupMs,
        readAllMs,
        runs,
        firstRenderMs: median(renders),
        firstRenderRunsMs: renders,
        rowsInDom,
        scrollToEndMs,
        firstApiBytes,
        counts: summary.counts,
      };
    } finally {
      await browser.close();
      await served.stop();
    }
  } finally {
    await cluster.stop();
  }
}

/** Four small change sets: what every tenant database carries. */
function fixtureProject(dir: string): string {
  if (fs.existsSync(path.join(dir, 'migrations'))) return dir;
  const made = writeFixtureProject([
    { name: 'accounts', up: 'create table public.accounts (id bigint generated always as identity primary key, name text not null);', down: 'drop table public.accounts;' },
    { name: 'projects', up: 'create table public.projects (id bigint primary key, account_id bigint not null references public.accounts (id), title text);', down: 'drop table public.projects;' },
    { name: 'projects_index', up: 'create index projects_account on public.projects (account_id);', down: 'drop index public.projects_account;' },
    { name: 'accounts_plan', up: "alter table public.accounts add column plan text not null default 'free';", down: 'alter table public.accounts drop column plan;' },
  ]);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.cpSync(made, dir, { recursive: true });
  fs.rmSync(made, { recursive: true, force: true });
  return dir;
}

/**
 * tenant_0001 … tenant_1000 from two templates (at the head; one change set behind), every
 * fiftieth given a table by hand (drift). Made once: a run finding all of them keeps them.
 */
async function tenantDatabases(adminUrl: string, projectDir: string, say: (line: string) => void): Promise<{ urls: string[]; made: boolean }> {
  const names = Array.from({ length: FLEET_SIZE }, (_, i) => `tenant_${String(i + 1).padStart(4, '0')}`);
  const admin = connect(adminUrl, { max: 1 });
  try {
    const existing = new Set((await admin`select datname from pg_database where datname like 'tenant\\_%'`).map((r) => String(r.datname)));
    if (names.every((n) => existing.has(n))) return { urls: names.map((n) => withDatabase(adminUrl, n)), made: false };
    say(`(fleet-page bench: making ${FLEET_SIZE} tenant databases once, kept under .strata/bench-fleet)`);
    const project = readProject(projectDir);
    const logger = createLogger({ write: () => true } as never);
    const ctx = (url: string) => ({ url, environment: null, actor: 'bench', logger });
    for (const [template, to] of [['fleet_tpl_head', undefined], ['fleet_tpl_behind', project.changeSets.at(-2)!.tag]] as const) {
      await admin.unsafe(`drop database if exists ${quoteIdent(template)}`);
      await admin.unsafe(`create database ${quoteIdent(template)}`);
      await applyChangeSets(ctx(withDatabase(adminUrl, template)), project, to ? { to } : {});
    }
    for (const [i, name] of names.entries()) {
      if (existing.has(name)) continue;
      const template = (i + 1) % 10 === 0 ? 'fleet_tpl_behind' : 'fleet_tpl_head';
      // file_copy: a tiny database copied as files, without writing its pages to the WAL.
      await admin.unsafe(`create database ${quoteIdent(name)} template ${quoteIdent(template)} strategy file_copy`);
      if ((i + 1) % 50 === 0) {
        const sql = connect(withDatabase(adminUrl, name), { max: 1 });
        await sql`create table public.added_by_hand (id int)`.finally(() => sql.end());
      }
    }
    return { urls: names.map((n) => withDatabase(adminUrl, n)), made: true };
  } finally {
    await admin.end();
  }
}

/** The launcher serving the fleet (external configuration, a fresh console database), its cache kept for a day so the measured renders read it warm. */
async function startConsole(adminUrl: string, root: string, projectDir: string, urlsFile: string) {
  const consoleDb = `bench_console_${randomBytes(4).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin.unsafe(`create database ${quoteIdent(consoleDb)}`).finally(() => admin.end());
  const key = `STRATA_ENV_${FLEET.toUpperCase()}`;
  return startBenchConsole(root, 'bench-fleet-console', {
    STRATA_ENVIRONMENTS: FLEET,
    [`${key}_URLS_FILE`]: urlsFile,
    [`${key}_PROTECTION`]: 'open',
    STRATA_PROJECT_DIR: projectDir,
    STRATA_CONSOLE_DATABASE_URL: withDatabase(adminUrl, consoleDb),
    STRATA_SHADOW_DATABASE_URL: adminUrl,
    STRATA_FLEET_CACHE_SECONDS: '86400',
  });
}
