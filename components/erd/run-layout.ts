import type { ElkNode } from 'elkjs/lib/elk-api';
import { layoutGraph, type Positions, type Routes, type RunElk } from '@/lib/erd/elk-layout';
import type { ErdGraph } from '@/lib/erd/graph';

export interface LayoutRun {
  result: Promise<ElkNode>;
  /** Stops the worker: ELK cannot be interrupted any other way. */
  cancel: () => void;
}

let nextId = 1;

/** Lays out one ELK graph in a fresh Web Worker, ended as soon as it answers (or is cancelled). */
export function runLayout(graph: ElkNode): LayoutRun {
  const worker = new Worker(new URL('./layout.worker.ts', import.meta.url));
  const id = nextId++;
  let settle: ((error: Error | null, result?: ElkNode) => void) | null = null;
  const result = new Promise<ElkNode>((resolve, reject) => {
    settle = (error, value) => {
      settle = null;
      worker.terminate();
      if (error) reject(error);
      else resolve(value!);
    };
  });
  worker.onmessage = (event: MessageEvent<{ id: number; result?: ElkNode; error?: string }>) => {
    if (event.data.id !== id) return;
    settle?.(event.data.error ? new Error(event.data.error) : null, event.data.result);
  };
  worker.onerror = (event) => settle?.(new Error(event.message || 'The layout worker failed'));
  worker.postMessage({ id, graph });
  return {
    result,
    cancel: () => settle?.(new Error('cancelled')),
  };
}

/** A graph's layout (schema groups packed, see elkInput) in the worker, read back as positions and routes. */
export function layoutInWorker(graph: ErdGraph, keysOnly: boolean): { result: Promise<{ positions: Positions; routes: Routes }>; cancel: () => void } {
  return inWorker((runElk) => layoutGraph(graph, keysOnly, runElk));
}

/**
 * One of lib/erd's layouts (they take a RunElk, see lib/erd/cluster-layout.ts) run in the
 * worker, in runLayout's `{ result, cancel }` shape: cancel stops the ELK run under way and
 * refuses any later one of the same layout.
 */
export function inWorker<T>(layout: (runElk: RunElk) => Promise<T>): { result: Promise<T>; cancel: () => void } {
  let current: LayoutRun | null = null;
  let cancelled = false;
  const runElk: RunElk = (graph) => {
    if (cancelled) return Promise.reject(new Error('cancelled'));
    current = runLayout(graph);
    return current.result;
  };
  return {
    result: layout(runElk),
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}
