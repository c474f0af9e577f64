import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { groupBy } from '../group-by';
import { mulberry32 } from '../seed/prng';
import type { QualifiedName, SchemaModel, Table } from '../introspect/schema-model';
import { compareText, partitionRoot, selectTables, tablesById, visibleForeignKeys, type TableSelection } from './model-helpers';

/**
 * Clusters: a large schema's tables grouped into a few dozen named areas, so the first view of
 * GitLab's 1,000 tables is a map rather than a grid of boxes.
 *
 * How (each step is deterministic — the same schema gives the same clusters whatever order its
 * tables and keys are listed in):
 * 1. Community detection (Louvain, graphology-communities-louvain) on the undirected foreign-key
 *    graph of the tables the ERD shows (partitions folded into their root), edges weighted by how
 *    many keys join the two tables. Nodes and edges are inserted in sorted order, the walk is not
 *    random and the RNG is seeded anyway, so Louvain itself is deterministic.
 * 2. Prefix refinement, because schema authors group by name (`ci_`, `merge_request_`, `vulnerability_`):
 *    - a community larger than {@link MAX_COMMUNITY} is split along strong prefixes: every prefix
 *      shared by at least {@link STRONG_PREFIX} of its members becomes its own cluster. Hub tables
 *      (`projects`, `users`, `namespaces`) pull hundreds of tables into one community, and the
 *      prefixes are the authors' own sub-areas of it;
 *    - a community smaller than {@link MIN_CLUSTER} (typically a table with no keys at all) joins
 *      the cluster holding most tables with its prefix; failing that it joins the schema's
 *      "unconnected" cluster. A map of 400 one-table clusters would be no map.
 *    Prefixes are per schema (`schema` + the name's first `_` token), so across schemas the
 *    schema is the coarsest grouping and two schemas' `audit_` tables stay apart.
 * 3. Each cluster is named after its most central table: most foreign keys inside the cluster,
 *    then most keys overall, then name order.
 * Schemas up to {@link CLUSTER_THRESHOLD} tables get no clusters: today's full view reads fine.
 */

/** At or below this many (visible) tables a schema is drawn table by table, as before. */
export const CLUSTER_THRESHOLD = 150;
/** A community larger than this is split along its strong prefixes. */
export const MAX_COMMUNITY = 60;
/** A prefix shared by this many tables of an oversized community becomes its own cluster. */
export const STRONG_PREFIX = 5;
/** A community smaller than this is folded into a prefix group or the schema's unconnected cluster. */
export const MIN_CLUSTER = 3;

export interface Cluster {
  /** `cluster:` + the id of the table it is named after: stable while that table stays central. */
  id: string;
  /** The most central table's id. */
  name: QualifiedName;
  /** `unconnected`: tables with no foreign keys worth a cluster of their own, gathered per schema. */
  kind: 'community' | 'prefix' | 'unconnected';
  /** Member table ids (partition roots), sorted. */
  tables: QualifiedName[];
}

export interface ClusterEdge {
  /** The cluster whose tables hold the foreign keys. */
  source: string;
  /** The cluster whose tables they reference. */
  target: string;
  foreignKeys: number;
}

export interface SchemaClusters {
  clusters: Cluster[];
  edges: ClusterEdge[];
}

interface KeyEdge {
  from: QualifiedName;
  to: QualifiedName;
}

/**
 * Null when the schema is small enough to show whole ({@link CLUSTER_THRESHOLD}). `selection`
 * matches the diagram's: with bookkeeping tables shown, they are clustered too (partitions stay folded).
 */
export function clusterSchema(model: SchemaModel, threshold = CLUSTER_THRESHOLD, selection: TableSelection = {}): SchemaClusters | null {
  const tables = selectTables(model, { includeBookkeeping: selection.includeBookkeeping });
  if (tables.length <= threshold) return null;
  const ids = tables.map((t) => t.id).sort(compareText);
  const shown = new Set(ids);
  const keyEdges = foreignKeyEdges(model, tables, shown);

  const communities = detectCommunities(ids, keyEdges);
  const byId = tablesById(model);
  const prefixOf = (id: QualifiedName) => prefixKey(byId.get(id)!);
  const refined = refineByPrefix(communities, prefixOf);

  const degree = new Map<QualifiedName, number>();
  const inner = new Map<QualifiedName, number>();
  const clusterOf = new Map<QualifiedName, number>();
  refined.forEach((group, index) => group.members.forEach((id) => clusterOf.set(id, index)));
  for (const { from, to } of keyEdges) {
    for (const id of [from, to]) degree.set(id, (degree.get(id) ?? 0) + 1);
    if (clusterOf.get(from) === clusterOf.get(to)) for (const id of [from, to]) inner.set(id, (inner.get(id) ?? 0) + 1);
  }
  const central = (members: QualifiedName[]) =>
    [...members].sort(
      (a, b) => (inner.get(b) ?? 0) - (inner.get(a) ?? 0) || (degree.get(b) ?? 0) - (degree.get(a) ?? 0) || compareText(a, b),
    )[0];

  const clusters: Cluster[] = refined.map((group) => {
    const name = central(group.members);
    return { id: `cluster:${name}`, name, kind: group.kind, tables: [...group.members].sort(compareText) };
  });
  const order = clusters.map((_, i) => i).sort((a, b) => compareText(clusters[a].id, clusters[b].id));
  const sorted = order.map((i) => clusters[i]);

  const weights = new Map<string, ClusterEdge>();
  for (const { from, to } of keyEdges) {
    const source = clusters[clusterOf.get(from)!].id;
    const target = clusters[clusterOf.get(to)!].id;
    if (source === target) continue;
    const key = `${source}\u0000${target}`;
    const edge = weights.get(key);
    if (edge) edge.foreignKeys++;
    else weights.set(key, { source, target, foreignKeys: 1 });
  }
  const edges = [...weights.values()].sort((a, b) => compareText(a.source, b.source) || compareText(a.target, b.target));
  return { clusters: sorted, edges };
}

/** One entry per foreign key between two different shown tables (partitions folded into their root). */
function foreignKeyEdges(model: SchemaModel, tables: Table[], shown: Set<QualifiedName>): KeyEdge[] {
  const byId = tablesById(model);
  const edges: KeyEdge[] = [];
  for (const table of tables) {
    for (const fk of visibleForeignKeys(table)) {
      const referenced = byId.get(fk.references.table);
      if (!referenced) continue;
      const to = partitionRoot(referenced, byId).id;
      if (to === table.id || !shown.has(to)) continue;
      edges.push({ from: table.id, to });
    }
  }
  return edges;
}

/** Louvain communities as sorted member lists, in a deterministic order. */
function detectCommunities(ids: QualifiedName[], keyEdges: KeyEdge[]): QualifiedName[][] {
  const weights = new Map<string, number>();
  for (const { from, to } of keyEdges) {
    const [a, b] = compareText(from, to) < 0 ? [from, to] : [to, from];
    const key = `${a}\u0000${b}`;
    weights.set(key, (weights.get(key) ?? 0) + 1);
  }
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const id of ids) graph.addNode(id);
  for (const key of [...weights.keys()].sort(compareText)) {
    const [a, b] = key.split('\u0000');
    graph.addEdge(a, b, { weight: weights.get(key)! });
  }
  const assignment = louvain(graph, { getEdgeWeight: 'weight', randomWalk: false, rng: mulberry32(15) });
  const groups = new Map<number, QualifiedName[]>();
  for (const id of ids) {
    const community = assignment[id];
    const list = groups.get(community);
    if (list) list.push(id);
    else groups.set(community, [id]);
  }
  // Order by first member (ids were sorted), not by Louvain's community numbers.
  return [...groups.values()].sort((a, b) => compareText(a[0], b[0]));
}

/** `schema.firsttoken` for `schema.first_token_rest`; a one-word name has no prefix (null). */
export function prefixKey(table: Table): string | null {
  const cut = table.name.indexOf('_');
  return cut > 0 && cut < table.name.length - 1 ? `${table.schema}.${table.name.slice(0, cut)}` : null;
}

interface Group {
  kind: Cluster['kind'];
  members: QualifiedName[];
}

function refineByPrefix(communities: QualifiedName[][], prefixOf: (id: QualifiedName) => string | null): Group[] {
  const groups: Group[] = [];
  const small: QualifiedName[] = [];
  for (const members of communities) {
    if (members.length < MIN_CLUSTER) {
      small.push(...members);
      continue;
    }
    if (members.length <= MAX_COMMUNITY) {
      groups.push({ kind: 'community', members });
      continue;
    }
    const byPrefix = groupBy(members, prefixOf);
    const rest: QualifiedName[] = [];
    for (const [prefix, list] of byPrefix) {
      if (prefix !== null && list.length >= STRONG_PREFIX) groups.push({ kind: 'prefix', members: list });
      else rest.push(...list);
    }
    if (rest.length) groups.push({ kind: 'community', members: rest.sort(compareText) });
  }

  // Tiny communities: to the cluster holding most tables of the same prefix, then to a prefix
  // group of their own (if big enough), then to their schema's unconnected cluster.
  const prefixHome = new Map<string, number>();
  const counts = new Map<string, Map<number, number>>();
  groups.forEach((group, index) => {
    for (const id of group.members) {
      const prefix = prefixOf(id);
      if (prefix === null) continue;
      const perGroup = counts.get(prefix) ?? new Map<number, number>();
      perGroup.set(index, (perGroup.get(index) ?? 0) + 1);
      counts.set(prefix, perGroup);
    }
  });
  for (const [prefix, perGroup] of counts) {
    let best = -1;
    for (const [index, n] of perGroup) if (best < 0 || n > perGroup.get(best)! || (n === perGroup.get(best)! && index < best)) best = index;
    prefixHome.set(prefix, best);
  }
  const leftover: QualifiedName[] = [];
  for (const id of small.sort(compareText)) {
    const prefix = prefixOf(id);
    const home = prefix === null ? undefined : prefixHome.get(prefix);
    if (home !== undefined) groups[home].members.push(id);
    else leftover.push(id);
  }
  const loose: QualifiedName[] = [];
  for (const [prefix, list] of groupBy(leftover, prefixOf)) {
    if (prefix !== null && list.length >= MIN_CLUSTER) groups.push({ kind: 'prefix', members: list });
    else loose.push(...list);
  }
  const unconnectedBySchema = groupBy(loose, (id) => id.slice(0, id.indexOf('.')));
  for (const schema of [...unconnectedBySchema.keys()].sort(compareText)) {
    groups.push({ kind: 'unconnected', members: unconnectedBySchema.get(schema)! });
  }
  return groups;
}
