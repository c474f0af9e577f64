import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Which files each file imports: absolute paths, relative imports only (packages are not ours). */
export type ImportGraph = Map<string, string[]>;

/**
 * The import graph of `files`, read with TypeScript's own pre-processor: static imports,
 * `import type`, `export … from` and `import()` all count, because a type-only cycle still
 * ties two modules together (neither can be understood or moved without the other).
 */
export function importGraph(files: string[]): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => resolveRelative(file, spec))
      .filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

function resolveRelative(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** A group of files that import each other, and one cycle through them to name it by. */
export interface ImportCycle {
  /** The shortest path from the group's first file (by name) back to itself: [a, b, c, a]. */
  cycle: string[];
  /** Every file of the group (a strongly connected component), sorted. */
  files: string[];
}

/**
 * Every group of files that import each other (Tarjan's strongly connected components),
 * sorted by their first file. Empty when the graph has no cycle. Only files that are keys of
 * the graph are followed.
 */
export function findCycles(graph: ImportGraph): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const edges = (file: string) => (graph.get(file) ?? []).filter((target) => graph.has(target));

  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of edges(file)) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || edges(file).includes(file)) components.push(component);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);

  return components
    .map((component) => ({ cycle: shortestCycle(component, edges), files: [...component].sort() }))
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** The shortest path from the component's first file (by name) back to it, inside the component. */
function shortestCycle(component: string[], edges: (file: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const file = queue.shift()!;
    for (const target of edges(file).filter((t) => members.has(t))) {
      if (target === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return [start, start];
}
