import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fingerprintOf } from '../introspect/model-fingerprint';
import type { SchemaModel } from '../introspect/schema-model';
import { layoutKey, type ElkNode } from './elk-graph';
import { elkInput, elkOutput, type Positions, type Routes } from './elk-layout';
import { schemaToGraph, type ErdGraph } from './graph';
import { inferRelationships } from './inferred';

/**
 * The ERD's layouts computed on the server and cached by the schema's fingerprint, so a
 * second visitor or a reload does no layout work: ELK runs once per schema, view and
 * display options, and every later request is a lookup.
 *
 * This is the one module of lib/erd that runs elkjs (on a thread, see runElkInThread; tests
 * may give their own runner); everything else in lib/erd only builds and reads ELK's JSON,
 * which the browser hands to its own worker.
 */

/** Which part of the diagram is laid out. One case for now; `graphFor` switches on `kind`. */
export type LayoutView = { kind: 'all' };

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
  /** The graph's layoutKey (elk-graph.ts): the browser checks it against its own graph. */
  key: string;
  tables: number;
  positions: Positions;
  routes: Routes;
}

export type RunElk = (graph: ElkNode) => Promise<ElkNode>;

/**
 * The diagram's graph for a view, built exactly as the browser builds it
 * (components/erd/erd-workspace.tsx: schemaToGraph, inferred relationships when shown).
 * Classifications are left out: they never change a node's size, so not its layout.
 */
export function graphFor(model: SchemaModel, view: LayoutView, options: LayoutOptions): ErdGraph {
  const graph = schemaToGraph(model, { includeBookkeeping: options.includeBookkeeping, inferred: options.inferred ? inferRelationships(model) : [] });
  switch (view.kind) {
    case 'all':
      return graph;
    default:
      return unknownView(view.kind);
  }
}

function unknownView(kind: never): never {
  throw new Error(`unknown layout view ${String(kind)}`);
}

/** The view and options as a short stable string: part of the cache key and the ETag. */
export function layoutParamsKey(view: LayoutView, options: LayoutOptions): string {
  const flags = `${options.keysOnly ? 'keys' : 'full'}-b${options.includeBookkeeping ? 1 : 0}-i${options.inferred ? 1 : 0}`;
  switch (view.kind) {
    case 'all':
      return `all-${flags}`;
    default:
      return unknownView(view.kind);
  }
}

/** ELK in this process, loaded on first use (elkjs's bundled build needs no worker file). */
export const runElkHere: RunElk = async (graph) => {
  const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
  return new ELK().layout(graph) as Promise<ElkNode>;
};

/**
 * ELK on a thread of its own, ended when it answers: a 2,000-table layout takes seconds of
 * CPU, and on the server's own thread it would hold up every other request meanwhile. The
 * thread loads elkjs from the app's node_modules (the console runs from the app's
 * directory, see lib/cli/start.ts; elkjs is a server-external package, next.config.js).
 * Where elkjs cannot be found that way, ELK runs here instead.
 */
export const runElkInThread: RunElk = (graph) => {
  let elkPath: string;
  try {
    elkPath = createRequire(path.join(process.cwd(), 'package.json')).resolve('elkjs/lib/elk.bundled.js');
  } catch {
    return runElkHere(graph);
  }
  return new Promise<ElkNode>((resolve, reject) => {
    const thread = new Worker(ELK_THREAD, { eval: true, workerData: { elkPath, graph } });
    thread.once('message', (answer: { result?: ElkNode; error?: string }) => {
      void thread.terminate();
      if (answer.error !== undefined) reject(new Error(answer.error));
      else resolve(answer.result!);
    });
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`the layout thread ended (${code})`)));
  });
};

const ELK_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const ELK = require(workerData.elkPath);
new ELK().layout(workerData.graph).then(
  (result) => parentPort.postMessage({ result }),
  (error) => parentPort.postMessage({ error: String((error && error.message) || error) }),
);`;

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
  /** ELK runs done: lets tests and the bench see the work skipped. */
  elkRuns = 0;
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
      const graph = graphFor(model, view, options);
      const graphKey = layoutKey(graph, options.keysOnly, true);
      structure = `${graphKey}|${params}`;
      this.remember(this.byFingerprint, key, structure);
      pending = this.touch(this.byStructure, structure);
      if (!pending) {
        source = 'computed';
        pending = this.run(graph, graphKey, options.keysOnly);
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

  private async run(graph: ErdGraph, key: string, keysOnly: boolean): Promise<Laid> {
    this.elkRuns++;
    const { positions, routes } = elkOutput(await (this.options.runElk ?? runElkInThread)(elkInput(graph, keysOnly)));
    // Whole pixels, as the browser stores them (positions-store.ts): a smaller answer, the same picture.
    const rounded: Positions = {};
    for (const [id, p] of Object.entries(positions)) rounded[id] = { x: Math.round(p.x), y: Math.round(p.y) };
    return { key, tables: graph.nodes.length, positions: rounded, routes };
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
