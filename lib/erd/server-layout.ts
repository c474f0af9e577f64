import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { StrataError } from '../errors';
import { fingerprintOf } from '../introspect/model-fingerprint';
import type { SchemaModel } from '../introspect/schema-model';
import { layoutClusterInside, layoutClusterOverview, overviewKey } from './cluster-layout';
import { clusterOverviewElk, shownClusters, type ClusterView } from './cluster-view';
import { CLUSTER_THRESHOLD, clusterSchema } from './clusters';
import { layoutKey, type ElkNode } from './elk-graph';
import { layoutGraph, type Positions, type Routes, type RunElk } from './elk-layout';
import { schemaToGraph, type ErdGraph } from './graph';
import { inferRelationships } from './inferred';
import { filterGraph } from './neighbourhood';

/**
 * The ERD's layouts computed on the server and cached by the schema's fingerprint, so a
 * second visitor or a reload does no layout work: ELK runs once per schema, view and
 * display options, and every later request is a lookup.
 *
 * This is the one module of lib/erd that runs elkjs (on a thread, see runElkInThread; tests
 * may give their own runner); everything else in lib/erd only builds and reads ELK's JSON,
 * which the browser hands to its own worker.
 */

/**
 * Which part of the diagram is laid out; `layoutJob` switches on `kind`.
 * - `all`: every table (a schema of up to CLUSTER_THRESHOLD tables);
 * - `clusters`: a big schema's cluster map, one box per cluster (no schema hidden);
 * - `cluster`: the inside of one cluster of that map, as it expands (lib/erd/cluster-layout.ts).
 */
export type LayoutView = { kind: 'all' } | { kind: 'clusters' } | { kind: 'cluster'; id: string };

/** The display options that change what ELK sees (node heights, edges, tables shown). */
export interface LayoutOptions {
  /** Keys-only nodes (PK, FK, unique columns), shorter than full ones. */
  keysOnly: boolean;
  /** The `strata` and `drizzle` bookkeeping schemas drawn too. */
  includeBookkeeping: boolean;
  /** Inferred relationships (inferred.ts) drawn, and laid out, as edges. */
  inferred: boolean;
}

/** What the layout route answers; positions and routes as the browser's elkOutput gives them. */
export interface ServerLayout {
  /** The model's fingerprint (lib/introspect/model-fingerprint.ts). */
  fingerprint: string;
  /**
   * What the layout was made from, as the browser can compute it from its own input and check:
   * the graph's layoutKey (elk-graph.ts) for `all` and for a cluster's inside (its tables'
   * subgraph), cluster-layout's overviewKey for `clusters`.
   */
  key: string;
  tables: number;
  positions: Positions;
  routes: Routes;
}

export type { RunElk };

/**
 * The graph of the tables a view lays out, built exactly as the browser builds it
 * (components/erd/erd-workspace.tsx: schemaToGraph, inferred relationships when shown; for
 * the cluster map, clusterSchema and shownClusters with no schema hidden). Classifications are
 * left out: they never change a node's size, so not its layout.
 */
export function graphFor(model: SchemaModel, view: LayoutView, options: LayoutOptions): ErdGraph {
  return layoutJob(model, view, options).graph;
}

/** A big schema's cluster map as the diagram shows it with no schema hidden. */
export interface ClusterMap {
  graph: ErdGraph;
  view: ClusterView;
}

/** The cluster map, or NOT_FOUND when the schema is small enough to be drawn table by table. */
export function clusterMapFor(model: SchemaModel, options: LayoutOptions): ClusterMap {
  const graph = wholeGraph(model, options);
  const clusters = clusterSchema(model, CLUSTER_THRESHOLD, { includeBookkeeping: options.includeBookkeeping });
  if (!clusters || graph.nodes.length <= CLUSTER_THRESHOLD) {
    throw new StrataError('NOT_FOUND', `This schema has ${graph.nodes.length} tables: it is drawn as clusters only above ${CLUSTER_THRESHOLD}.`, { tables: graph.nodes.length });
  }
  return { graph, view: shownClusters(graph, clusters) };
}

function wholeGraph(model: SchemaModel, options: LayoutOptions): ErdGraph {
  return schemaToGraph(model, { includeBookkeeping: options.includeBookkeeping, inferred: options.inferred ? inferRelationships(model) : [] });
}

/** One layout to make: the tables it places, its key, and how ELK makes it. */
export interface LayoutJob {
  graph: ErdGraph;
  key: string;
  compute: (runElk: RunElk) => Promise<{ positions: Positions; routes: Routes }>;
}

/**
 * What a view lays out and how. `clusterMap` lets the cache reuse one clustering for the
 * overview and every cluster expanded after it. An unknown cluster is NOT_FOUND, named.
 */
export function layoutJob(model: SchemaModel, view: LayoutView, options: LayoutOptions, clusterMap: () => ClusterMap = () => clusterMapFor(model, options)): LayoutJob {
  switch (view.kind) {
    case 'all': {
      const graph = wholeGraph(model, options);
      return { graph, key: layoutKey(graph, options.keysOnly, true), compute: (runElk) => layoutGraph(graph, options.keysOnly, runElk) };
    }
    case 'clusters': {
      const map = clusterMap();
      const input = clusterOverviewElk(map.view, map.graph);
      return { graph: map.graph, key: overviewKey(input), compute: (runElk) => layoutClusterOverview(input, runElk) };
    }
    case 'cluster': {
      const map = clusterMap();
      const cluster = map.view.clusters.find((c) => c.id === view.id);
      if (!cluster) throw new StrataError('NOT_FOUND', `No cluster ${JSON.stringify(view.id)} in this schema's cluster map.`, { cluster: view.id });
      const graph = filterGraph(map.graph, new Set(cluster.tables));
      return { graph, key: layoutKey(graph, options.keysOnly, true), compute: (runElk) => layoutClusterInside(graph, options.keysOnly, runElk) };
    }
    default:
      return unknownView(view);
  }
}

function unknownView(view: never): never {
  throw new Error(`unknown layout view ${JSON.stringify(view)}`);
}

/**
 * The view and options as a short stable string: part of the cache key and the ETag. The
 * overview's boxes are the same size in either mode, so `clusters` leaves the mode out; a
 * cluster's id is percent-encoded (ids hold any table name; an ETag holds printable ASCII).
 */
export function layoutParamsKey(view: LayoutView, options: LayoutOptions): string {
  const shown = `b${options.includeBookkeeping ? 1 : 0}-i${options.inferred ? 1 : 0}`;
  const mode = options.keysOnly ? 'keys' : 'full';
  switch (view.kind) {
    case 'all':
      return `all-${mode}-${shown}`;
    case 'clusters':
      return `clusters-${shown}`;
    case 'cluster':
      return `cluster-${mode}-${shown}-${encodeURIComponent(view.id)}`;
    default:
      return unknownView(view);
  }
}

/** ELK in this process, loaded on first use (elkjs's bundled build needs no worker file). */
export const runElkHere: RunElk = async (graph) => {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  return new ELK().layout(graph) as Promise<ElkNode>;
};

/**
 * ELK on a thread of its own: a 2,000-table layout takes seconds of CPU, and on the server's
 * own thread it would hold up every other request meanwhile. One thread is kept for all
 * layouts (jobs run one after another, as they would on the machine's cores anyway): starting
 * a thread and loading elkjs into it costs a few hundred milliseconds, which every cluster
 * expanded for the first time would pay again. The thread keeps the process alive only while
 * it has work, and a new one is started after it fails. It loads elkjs from the app's node_modules (the console
 * runs from the app's directory, see lib/cli/start.ts; elkjs is a server-external package,
 * next.config.js); where elkjs cannot be found that way, ELK runs here instead.
 */
export const runElkInThread: RunElk = (graph) => {
  const thread = elkThread();
  if (!thread) return runElkHere(graph);
  return new Promise<ElkNode>((resolve, reject) => {
    const id = thread.next++;
    thread.pending.set(id, { resolve, reject });
    // Kept alive while it has work, and only then.
    thread.worker.ref();
    thread.worker.postMessage({ id, graph });
  });
};

interface ElkThread {
  worker: Worker;
  next: number;
  pending: Map<number, { resolve: (result: ElkNode) => void; reject: (error: Error) => void }>;
}

let current: ElkThread | null = null;

function elkThread(): ElkThread | null {
  if (current) return current;
  let elkPath: string;
  try {
    elkPath = createRequire(path.join(process.cwd(), 'package.json')).resolve('elkjs/lib/elk.bundled.js');
  } catch {
    return null;
  }
  const thread: ElkThread = { worker: new Worker(ELK_THREAD, { eval: true, workerData: { elkPath } }), next: 1, pending: new Map() };
  thread.worker.unref();
  thread.worker.on('message', (answer: { id: number; result?: ElkNode; error?: string }) => {
    const job = thread.pending.get(answer.id);
    thread.pending.delete(answer.id);
    if (thread.pending.size === 0) thread.worker.unref();
    if (answer.error !== undefined) job?.reject(new Error(answer.error));
    else job?.resolve(answer.result!);
  });
  const fail = (error: Error) => {
    if (current === thread) current = null;
    for (const job of thread.pending.values()) job.reject(error);
    thread.pending.clear();
  };
  thread.worker.on('error', fail);
  thread.worker.on('exit', (code) => fail(new Error(`the layout thread ended (${code})`)));
  current = thread;
  return thread;
}

const ELK_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elkPath);
const elk = new ELK();
parentPort.on('message', ({ id, graph }) => {
  elk.layout(graph).then(
    (result) => parentPort.postMessage({ id, result }),
    (error) => parentPort.postMessage({ id, error: String((error && error.message) || error) }),
  );
});`;

interface Laid {
  key: string;
  tables: number;
  positions: Positions;
  routes: Routes;
}

/**
 * Layouts in memory, bounded (least recently used out first), found by fingerprint + view +
 * options and kept by the graph's layoutKey + view + options: a model whose fingerprint
 * changed without its structure (a fresh row estimate, a grown size, a comment) reuses the
 * layout without running ELK. Two concurrent requests for one layout share one ELK run.
 * Entries of an old fingerprint are never asked for again and fall out.
 */
export class LayoutCache {
  /** Layouts computed (ELK ran for them): lets tests and the bench see the work skipped. */
  elkRuns = 0;
  private lastClusterMap: { key: string; map: ClusterMap } | undefined;
  /** fingerprint|params → the structure key of its graph (graphs are not built again). */
  private readonly byFingerprint = new Map<string, string>();
  /** layoutKey|params → the layout (a promise while ELK runs: concurrent callers share it). */
  private readonly byStructure = new Map<string, Promise<Laid>>();

  constructor(private readonly options: { capacity?: number; runElk?: RunElk } = {}) {}

  /** The layout, and whether it came from the cache (`cached`) or ELK ran for it now (`computed`). */
  async layout(model: SchemaModel, view: LayoutView, options: LayoutOptions): Promise<{ layout: ServerLayout; source: 'cached' | 'computed' }> {
    const fingerprint = fingerprintOf(model);
    const params = layoutParamsKey(view, options);
    const key = `${fingerprint}|${params}`;
    let structure = this.touch(this.byFingerprint, key);
    let pending = structure === undefined ? undefined : this.touch(this.byStructure, structure);
    let source: 'cached' | 'computed' = 'cached';
    if (!pending) {
      const job = layoutJob(model, view, options, () => this.clusterMap(model, fingerprint, options));
      structure = `${job.key}|${params}`;
      this.remember(this.byFingerprint, key, structure);
      pending = this.touch(this.byStructure, structure);
      if (!pending) {
        source = 'computed';
        pending = this.run(job);
        this.remember(this.byStructure, structure, pending);
        const mine = pending;
        const kept = structure;
        // A failed run is not kept: the next request tries again.
        mine.catch(() => {
          if (this.byStructure.get(kept) === mine) this.byStructure.delete(kept);
        });
      }
    }
    const laid = await pending;
    return { layout: { fingerprint, ...laid }, source };
  }

  private async run(job: LayoutJob): Promise<Laid> {
    this.elkRuns++;
    // One layout, one or two ELK runs (a cluster's inside is packed after a layered tower).
    const { positions, routes } = await job.compute(this.options.runElk ?? runElkInThread);
    // Whole pixels, as the browser stores them (positions-store.ts): a smaller answer, the same picture.
    const rounded: Positions = {};
    for (const [id, p] of Object.entries(positions)) rounded[id] = { x: Math.round(p.x), y: Math.round(p.y) };
    return { key: job.key, tables: job.graph.nodes.length, positions: rounded, routes };
  }

  /**
   * The cluster map of the latest fingerprint and display options, kept: expanding clusters
   * one after another asks for one layout each, and clustering GitLab's 1,000 tables (Louvain)
   * should not run again for every one of them.
   */
  private clusterMap(model: SchemaModel, fingerprint: string, options: LayoutOptions): ClusterMap {
    const key = `${fingerprint}|b${options.includeBookkeeping ? 1 : 0}-i${options.inferred ? 1 : 0}`;
    if (this.lastClusterMap?.key !== key) this.lastClusterMap = { key, map: clusterMapFor(model, options) };
    return this.lastClusterMap.map;
  }

  private touch<T>(map: Map<string, T>, key: string): T | undefined {
    const hit = map.get(key);
    if (hit !== undefined) {
      map.delete(key);
      map.set(key, hit);
    }
    return hit;
  }

  private remember<T>(map: Map<string, T>, key: string, value: T): void {
    map.set(key, value);
    const capacity = this.options.capacity ?? 32;
    while (map.size > capacity) map.delete(map.keys().next().value!);
  }
}
