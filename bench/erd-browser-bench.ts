import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import postgres from 'postgres';
import { chromium } from '@playwright/test';
import { median, type startBenchCluster } from './bench-cluster';
import { ensureBuilt } from './start-bench';
import { syntheticSchemaSql } from '../test/synthetic/schema-sql';

export interface ErdBrowserRow {
  tables: number;
  /** Navigation start → layout finished and table nodes on screen. */
  interactiveMs: number;
  /** Median and p95 frame time while dragging the canvas. */
  panMedianFrameMs: number;
  panP95FrameMs: number;
  /** The schema API's whole answer (the first poll), and a poll of the unchanged schema sending its ETag back (headers + body). */
  modelBytes: number;
  unchangedPollBytes: number;
}

/**
 * The ERD in real Chromium on synthetic schemas: time to a laid-out, interactive diagram,
 * and frame times while panning. The console runs against the bench cluster through the
 * ordinary external configuration (one environment per size).
 */
export async function benchErdBrowser(cluster: Awaited<ReturnType<typeof startBenchCluster>>, root: string, sizes = [300, 2000]): Promise<ErdBrowserRow[]> {
  ensureBuilt(root);
  const env: Record<string, string> = { STRATA_ENVIRONMENTS: sizes.map((n) => `erd${n}`).join(','), STRATA_CONSOLE_DATABASE_URL: await cluster.freshDatabase('bench_console') };
  for (const n of sizes) {
    const url = await cluster.freshDatabase(`bench_erd_${n}`);
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    await sql.unsafe(syntheticSchemaSql({ tables: n }));
    await sql.end();
    env[`STRATA_ENV_ERD${n}_URL`] = url;
    env[`STRATA_ENV_ERD${n}_PROTECTION`] = 'open';
  }
  const port = process.env.STRATA_BENCH_HTTP_PORT ?? '3300';
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'lib/cli/start.ts')], {
    cwd: root,
    env: { ...process.env, ...env, PORT: port, STRATA_SKIP_BUILD: '1', NEXT_TELEMETRY_DISABLED: '1' },
    stdio: 'ignore',
  });
  const systemChromium = '/usr/bin/chromium';
  const browser = await chromium.launch(
    fs.existsSync(systemChromium)
      ? { executablePath: systemChromium, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] }
      : {},
  );
  try {
    await waitForHttp(`http://localhost:${port}/`);
    const rows: ErdBrowserRow[] = [];
    for (const n of sizes) {
      const runs: number[] = [];
      let frames: number[] = [];
      let poll = { modelBytes: 0, unchangedPollBytes: 0 };
      for (let run = 0; run < 3; run++) {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        const t0 = Date.now();
        await page.goto(`http://localhost:${port}/environments/erd${n}/erd`);
        await page.locator('.react-flow__node-table').first().waitFor({ state: 'visible', timeout: 180_000 });
        await page.getByTestId('layout-progress').waitFor({ state: 'detached', timeout: 180_000 });
        runs.push(Date.now() - t0);
        if (run === 0) {
          frames = await panFrames(page);
          poll = await pollBytes(page, `http://localhost:${port}/api/environments/erd${n}/schema`);
        }
        await page.close();
      }
      const sorted = [...frames].sort((a, b) => a - b);
      rows.push({ tables: n, interactiveMs: median(runs), panMedianFrameMs: median(frames), panP95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0, ...poll });
    }
    return rows;
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  }
}

/** What the live refresh costs: the whole model once, then a poll with its ETag while nothing changed. */
async function pollBytes(page: import('@playwright/test').Page, url: string): Promise<{ modelBytes: number; unchangedPollBytes: number }> {
  const wire = async (r: import('@playwright/test').APIResponse) =>
    (await r.body()).length + Object.entries(r.headers()).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  const first = await page.request.get(url);
  const again = await page.request.get(url, { headers: { 'If-None-Match': first.headers()['etag'] ?? '' } });
  if (again.status() !== 304) throw new Error(`an unchanged schema's poll answered ${again.status()}, not 304`);
  return { modelBytes: await wire(first), unchangedPollBytes: await wire(again) };
}

/** Drags the canvas for ~2 s and records requestAnimationFrame intervals. */
async function panFrames(page: import('@playwright/test').Page): Promise<number[]> {
  // A string, not a function: tsx's transform would inject helpers the page does not have.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    let last = performance.now();
    const tick = (now) => {
      window.__frames.push(now - last);
      last = now;
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  const pane = page.locator('.react-flow__pane');
  const box = (await pane.boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  for (let i = 0; i < 120; i++) {
    const angle = (i / 120) * Math.PI * 4;
    await page.mouse.move(cx + Math.cos(angle) * 300, cy + Math.sin(angle) * 200, { steps: 1 });
  }
  await page.mouse.up();
  const frames = (await page.evaluate(`(() => {
    window.__recording = false;
    return window.__frames.slice(1);
  })()`)) as number[];
  return frames;
}

async function waitForHttp(url: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}
