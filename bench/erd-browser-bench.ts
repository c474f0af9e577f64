import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { launchChromium, signInAdmin as signIn, startBenchConsole, type SignedIn } from './bench-console';
import { connect } from '../lib/db/client';
import { median, type startBenchCluster } from './bench-cluster';
import { ensureBuilt } from './start-bench';
import { syntheticSchemaSql } from '../test/synthetic/schema-sql';
import { CORPUS_DIR, corpusDump, corpusDumpPresent, ensurePostgresRole, loadCorpusDump } from '../test/support/corpus-dumps';

type BenchCluster = Awaited<ReturnType<typeof startBenchCluster>>;

export interface ErdBrowserRow {
  /** The environment's name on the bench console (erd300, erd2000, gitlab, musicbrainz). */
  environment: string;
  /** Where its schema came from: "synthetic" or the corpus dump's file. */
  source: string;
  /** Tables the schema holds, partitions apart (the ERD draws a partitioned table once). */
  tables: number;
  partitions: number;
  runs: number;
  /**
   * Navigation start → diagram interactive, in a fresh browser context (no localStorage):
   * the first visitor after the console started (cold), then a second visitor (warm).
   */
  firstVisitColdMs: number;
  firstVisitWarmMs: number;
  /** The warm visitor reloads the page (same context: its localStorage and HTTP cache). */
  repeatVisitMs: number;
  /**
   * What `GET …/schema/layout` answered in its Strata-Layout header on each visit (cached /
   * computed), one per run; "none" where no such request was made (no server-side layout).
   */
  layoutAnswers: { cold: string[]; warm: string[]; repeat: string[] };
  /**
   * What the cold first visit (first run) downloaded from the API up to "interactive", as the
   * browser counts it (PerformanceResourceTiming.transferSize: headers + body as sent), per path.
   */
  firstVisitApiBytes: Record<string, number>;
  /** Median and p95 frame time while dragging the canvas (first run). */
  panMedianFrameMs: number;
  panP95FrameMs: number;
  /**
   * The model (GET …/schema) as the cold first visit downloaded it, on the wire (compressed);
   * null when the page did not fetch it before it was interactive.
   */
  modelWireBytes: number | null;
  /**
   * The schema API's whole answer decompressed (headers + body, as the page's JSON parser
   * gets it), and a poll of the unchanged schema sending its ETag back (headers + body).
   */
  modelDecodedBytes: number;
  unchangedPollBytes: number;
}

/** A schema to measure: the environment it becomes and how its empty database is filled. */
interface ErdSchema {
  environment: string;
  source: string;
  load: (url: string) => Promise<void>;
}

/** "Interactive": a table (today's view) or a cluster (large schemas) is on screen and no layout is in progress. */
const DIAGRAM_NODE = '.react-flow__node-table, .react-flow__node-cluster';
const LAYOUT_PROGRESS = '[data-testid="layout-progress"]';
const WAIT_MS = 180_000;

/**
 * The ERD in real Chromium, signed in like a person, on synthetic schemas and on real ones
 * from the corpus (GitLab, MusicBrainz; read where they lie, skipped with a note when
 * absent). Each schema is its own environment on the bench cluster, served by the ordinary
 * launcher with external configuration. Every run starts that console afresh (new console
 * database, new STRATA_HOME) so that "cold" really is the first visitor after a start,
 * whatever the console caches and wherever it keeps it.
 */
export async function benchErdBrowser(
  cluster: BenchCluster,
  root: string,
  options: {
    sizes?: number[];
    corpus?: string[];
    runs?: number;
    /** A folder for one screenshot per schema of what "interactive" looked like (taken after the timing). */
    screenshotDir?: string;
    onRow?: (row: ErdBrowserRow) => void;
    say?: (line: string) => void;
  } = {},
): Promise<ErdBrowserRow[]> {
  const { sizes = [300, 2000], corpus = ['gitlab', 'musicbrainz'], runs = 3, screenshotDir, onRow, say = console.log } = options;
  ensureBuilt(root);
  const schemas: ErdSchema[] = sizes.map((n) => ({
    environment: `erd${n}`,
    source: 'synthetic',
    load: async (url) => {
      const sql = connect(url, { max: 1 });
      try {
        await sql.unsafe(syntheticSchemaSql({ tables: n }));
      } finally {
        await sql.end();
      }
    },
  }));
  for (const name of corpus) {
    const dump = corpusDump(name);
    if (!corpusDumpPresent(dump)) {
      say(`(erd bench: no ${dump.file} under ${CORPUS_DIR} — set STRATA_CORPUS_DIR; the ${name} row is skipped)`);
      continue;
    }
    schemas.push({
      environment: name,
      source: dump.file,
      load: async (url) => {
        const sql = connect(url, { max: 1 });
        try {
          await loadCorpusDump(sql, dump);
        } finally {
          await sql.end();
        }
      },
    });
  }
  if (schemas.some((s) => s.source !== 'synthetic')) {
    const admin = connect(cluster.adminUrl, { max: 1 });
    try {
      await ensurePostgresRole(admin); // pg_dump files say OWNER TO postgres
    } finally {
      await admin.end();
    }
  }

  const browser = await launchChromium();
  const rows: ErdBrowserRow[] = [];
  try {
    for (const schema of schemas) {
      const url = await cluster.freshDatabase(`bench_erd_${schema.environment}`);
      await schema.load(url);
      const { tables, partitions } = await countTables(url);
      const cold: number[] = [];
      const warm: number[] = [];
      const repeat: number[] = [];
      const layoutAnswers: ErdBrowserRow['layoutAnswers'] = { cold: [], warm: [], repeat: [] };
      let firstVisitApiBytes: Record<string, number> = {};
      let frames: number[] = [];
      let poll = { modelDecodedBytes: 0, unchangedPollBytes: 0 };
      for (let run = 0; run < runs; run++) {
        const served = await startConsole(cluster, root, schema.environment, url);
        try {
          const signedIn = await signIn(browser, served.origin, served.adminPassword);
          const erdUrl = `${served.origin}/environments/${schema.environment}/erd`;

          const first = await freshVisitor(browser, signedIn);
          const c = await timeVisit(first, () => first.goto(erdUrl));
          cold.push(c.ms);
          layoutAnswers.cold.push(c.layout);
          if (run === 0) firstVisitApiBytes = await apiTransfers(first);
          await first.context().close();

          const second = await freshVisitor(browser, signedIn);
          const w = await timeVisit(second, () => second.goto(erdUrl));
          warm.push(w.ms);
          layoutAnswers.warm.push(w.layout);
          const r = await timeVisit(second, () => second.reload());
          repeat.push(r.ms);
          layoutAnswers.repeat.push(r.layout);
          if (run === 0) {
            if (screenshotDir) {
              fs.mkdirSync(screenshotDir, { recursive: true });
              await second.screenshot({ path: path.join(screenshotDir, `${schema.environment}.png`) });
            }
            frames = await panFrames(second);
            poll = await pollBytes(second, `${served.origin}/api/environments/${schema.environment}/schema`);
          }
          await second.context().close();
        } finally {
          await served.stop();
        }
      }
      const sorted = [...frames].sort((a, b) => a - b);
      const row: ErdBrowserRow = {
        environment: schema.environment,
        source: schema.source,
        tables,
        partitions,
        runs,
        firstVisitColdMs: median(cold),
        firstVisitWarmMs: median(warm),
        repeatVisitMs: median(repeat),
        layoutAnswers,
        firstVisitApiBytes,
        modelWireBytes: firstVisitApiBytes[`/api/environments/${schema.environment}/schema`] ?? null,
        panMedianFrameMs: median(frames),
        panP95FrameMs: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
        ...poll,
      };
      rows.push(row);
      onRow?.(row);
    }
    return rows;
  } finally {
    await browser.close();
  }
}

/** Tables as the catalog has them, partitions counted apart (the ERD draws a partitioned table once). */
async function countTables(url: string): Promise<{ tables: number; partitions: number }> {
  const sql = connect(url, { max: 1 });
  try {
    const [row] = await sql.unsafe(`
      select count(*) filter (where not c.relispartition)::int as tables, count(*) filter (where c.relispartition)::int as partitions
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%'`);
    return { tables: Number(row?.tables), partitions: Number(row?.partitions) };
  } finally {
    await sql.end();
  }
}

/** The launcher serving one environment, on a console database of its own. */
async function startConsole(cluster: BenchCluster, root: string, environment: string, url: string) {
  const key = environment.toUpperCase();
  return startBenchConsole(root, 'bench-erd-console', {
    STRATA_ENVIRONMENTS: environment,
    [`STRATA_ENV_${key}_URL`]: url,
    [`STRATA_ENV_${key}_PROTECTION`]: 'open',
    STRATA_CONSOLE_DATABASE_URL: await cluster.freshDatabase('bench_console'),
  });
}


/** A new browser context holding only the session cookie: a first visit. */
async function freshVisitor(browser: Browser, signedIn: SignedIn): Promise<Page> {
  const context = await browser.newContext({ storageState: signedIn, viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

/**
 * Navigation start → interactive: a diagram node (table or cluster) visible and no layout
 * in progress. Also notes the Strata-Layout header of the layout request, when there is one.
 */
async function timeVisit(page: Page, navigate: () => Promise<unknown>): Promise<{ ms: number; layout: string }> {
  let layout = 'none';
  const onResponse = (response: import('@playwright/test').Response) => {
    if (/\/api\/environments\/[^/]+\/schema\/layout(\?|$)/.test(response.url())) layout = response.headers()['strata-layout'] ?? 'no header';
  };
  page.on('response', onResponse);
  try {
    const t0 = Date.now();
    await navigate();
    if (new URL(page.url()).pathname.startsWith('/sign-in')) throw new Error(`the bench is not signed in: ${page.url()}`);
    await page.locator(DIAGRAM_NODE).first().waitFor({ state: 'visible', timeout: WAIT_MS });
    await page.locator(LAYOUT_PROGRESS).first().waitFor({ state: 'detached', timeout: WAIT_MS });
    return { ms: Date.now() - t0, layout };
  } finally {
    page.off('response', onResponse);
  }
}

/** Bytes the page fetched from the console's API so far, per path, as the browser counted them on the wire. */
async function apiTransfers(page: Page): Promise<Record<string, number>> {
  // A string, not a function (see panFrames).
  const entries = (await page.evaluate(`performance.getEntriesByType('resource').map((e) => [e.name, e.transferSize])`)) as Array<[string, number]>;
  const bytes: Record<string, number> = {};
  for (const [name, size] of entries) {
    const url = new URL(name);
    if (url.origin === new URL(page.url()).origin && url.pathname.startsWith('/api/')) bytes[url.pathname] = (bytes[url.pathname] ?? 0) + size;
  }
  return bytes;
}

/** What the live refresh costs: the whole model once, then a poll with its ETag while nothing changed. */
async function pollBytes(page: Page, url: string): Promise<{ modelDecodedBytes: number; unchangedPollBytes: number }> {
  const size = async (r: import('@playwright/test').APIResponse) =>
    (await r.body()).length + Object.entries(r.headers()).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
  const first = await page.request.get(url);
  if (first.status() !== 200) throw new Error(`the schema API answered ${first.status()}, not 200`);
  const again = await page.request.get(url, { headers: { 'If-None-Match': first.headers()['etag'] ?? '' } });
  if (again.status() !== 304) throw new Error(`an unchanged schema's poll answered ${again.status()}, not 304`);
  // APIResponse.body() is already decompressed: what the page parses, not what crossed the wire.
  return { modelDecodedBytes: await size(first), unchangedPollBytes: await size(again) };
}

/** Drags the canvas for ~2 s and records requestAnimationFrame intervals. */
async function panFrames(page: Page): Promise<number[]> {
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

