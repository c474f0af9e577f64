import type { ErdGraph } from './graph';

/**
 * Tables within `hops` foreign-key steps of `tableId`, following FKs both ways (what it points
 * at and what points at it), the table itself included. On a 2,000-table schema the useful
 * view is "this table and its surroundings", not the whole graph. Unknown table → empty set.
 */
export function neighbourhood(graph: ErdGraph, tableId: string, hops: number): Set<string> {
  const reached = new Set<string>();
  if (!graph.nodes.some((node) => node.id === tableId)) return reached;
  const adjacent = adjacency(graph);
  reached.add(tableId);
  let frontier = [tableId];
  for (let hop = 0; hop < hops && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const neighbour of adjacent.get(id) ?? []) {
        if (reached.has(neighbour)) continue;
        reached.add(neighbour);
        next.push(neighbour);
      }
    }
    frontier = next;
  }
  return reached;
}

/**
 * The sub-graph of the kept tables: edges survive only when both ends are kept, so the UI
 * never draws an edge to a node that is not there. Node and edge order are preserved.
 */
export function filterGraph(graph: ErdGraph, keep: ReadonlySet<string>): ErdGraph {
  return {
    nodes: graph.nodes.filter((node) => keep.has(node.id)),
    edges: graph.edges.filter((edge) => keep.has(edge.source) && keep.has(edge.target)),
  };
}

/** The tables of the given schemas (and the FKs among them): the schema picker's filter. */
export function bySchema(graph: ErdGraph, schemas: readonly string[]): ErdGraph {
  const wanted = new Set(schemas);
  const keep = new Set(graph.nodes.filter((node) => wanted.has(node.schema)).map((node) => node.id));
  return filterGraph(graph, keep);
}

function adjacency(graph: ErdGraph): Map<string, string[]> {
  const adjacent = new Map<string, string[]>();
  const link = (from: string, to: string) => {
    const list = adjacent.get(from);
    if (list) list.push(to);
    else adjacent.set(from, [to]);
  };
  for (const edge of graph.edges) {
    link(edge.source, edge.target);
    link(edge.target, edge.source);
  }
  return adjacent;
}
