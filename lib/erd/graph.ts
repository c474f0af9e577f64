import type { QualifiedName, ReferentialAction, SchemaModel, Table } from '../introspect/schema-model';
import {
  type ClassificationLookup,
  columnsInOrder,
  foldedStatistics,
  isOneToOne,
  isOptional,
  keyColumns,
  noClassifications,
  partitionRoot,
  partitionsByRoot,
  selectTables,
  tablesById,
  visibleForeignKeys,
} from './model-helpers';

/** Re-exported so UI code gets the whole ERD contract from one module. */
export type { ClassificationLookup } from './model-helpers';
import type { InferredRelationship } from './inferred';

/** One column row of an ERD node, with the key flags the UI and exports mark. */
export interface ErdColumn {
  name: string;
  /** The type as PostgreSQL prints it (`character varying(255)`). */
  type: string;
  pk: boolean;
  fk: boolean;
  /** Member of a UNIQUE constraint or a unique, non-partial index (not the primary key). */
  unique: boolean;
  nullable: boolean;
  /** pk || fk || unique: the rows kept in "keys only" mode. */
  isKey: boolean;
  comment: string | null;
  classifications: string[];
}

/** One table of the diagram; a partitioned table stands for all its folded partitions. */
export interface ErdNode {
  /** The table id, `schema.name`. */
  id: QualifiedName;
  schema: string;
  name: string;
  kind: Table['kind'];
  /** Partitions folded into this node, at any depth (0 when partitions are expanded). */
  partitionCount: number;
  columns: ErdColumn[];
  /** Planner estimate including folded partitions; null when never analysed. */
  rowEstimate: number | null;
  /** Bytes including folded partitions, indexes and TOAST. */
  totalBytes: number;
  comment: string | null;
  classifications: string[];
}

/**
 * One foreign key, drawn from the referencing table (source, the "many" side) to the
 * referenced table (target).
 *
 * Label convention, read source-to-target like the arrow: `<source side>:<target side>`.
 * The source side is `N` (many rows may point at one target) or `1` (one-to-one: a unique key
 * of the source lies within the FK columns). The target side is `1`, or `0..1` when the FK is
 * optional (a nullable FK column lets a row reference nothing). So: `N:1`, `N:0..1`, `1:1`,
 * `1:0..1`.
 */
export interface ErdEdge {
  /** `${sourceTable}.${fkName}`: unique because constraint names are unique per table. */
  id: string;
  /** The constraint name. */
  name: string;
  source: QualifiedName;
  target: QualifiedName;
  sourceColumns: string[];
  targetColumns: string[];
  /** Handle of the first FK column on the source node (see {@link handleId}). */
  sourceHandle: string;
  /** Handle of the first referenced column on the target node. */
  targetHandle: string;
  cardinality: 'many-to-one' | 'one-to-one';
  /** Some FK column is nullable, so a row may reference nothing. */
  optional: boolean;
  label: string;
  selfReference: boolean;
  multiColumn: boolean;
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  /** Set for a relationship no key declares (inferred.ts): why it is drawn. */
  inferred?: string;
}

/** Tables and foreign keys, ready for layout (elk-graph) and rendering. */
export interface ErdGraph {
  nodes: ErdNode[];
  edges: ErdEdge[];
}

/** How much of the schema the graph shows. */
export interface SchemaToGraphOptions {
  /** Relationships no key declares (inferred.ts), drawn too, marked. */
  inferred?: InferredRelationship[];
  /** Show the `strata` and `drizzle` bookkeeping schemas. Default false. */
  includeBookkeeping?: boolean;
  /** One node per partition, with their inherited FK clones. Default false (folded). */
  expandPartitions?: boolean;
  /** Tags per table and column, from the retention policies; none by default. */
  classifications?: ClassificationLookup;
}

/**
 * The id of a column's connection point. The UI renders one invisible handle per column row
 * and side with exactly these ids, so an edge lands on the row of its FK column.
 */
export function handleId(column: string, side: 'source' | 'target'): string {
  return `${side === 'source' ? 's' : 't'}:${column}`;
}

/** The column and side a {@link handleId} stands for: the inverse, so no caller parses ids. */
export function parseHandleId(handle: string): { column: string; side: 'source' | 'target' } {
  return { column: handle.slice(2), side: handle.startsWith('s:') ? 'source' : 'target' };
}

/** The edge label for a cardinality, following the convention documented on {@link ErdEdge}. */
export function cardinalityLabel(cardinality: ErdEdge['cardinality'], optional: boolean): string {
  return `${cardinality === 'one-to-one' ? '1' : 'N'}:${optional ? '0..1' : '1'}`;
}

/**
 * Turns the introspected model into the diagram's nodes and edges. Pure and deterministic
 * (tables by schema then name, FKs in model order) so the same database always yields the
 * same picture and the same layout key.
 */
export function schemaToGraph(model: SchemaModel, options: SchemaToGraphOptions = {}): ErdGraph {
  const expand = options.expandPartitions ?? false;
  const classify = options.classifications ?? noClassifications;
  const tables = selectTables(model, options);
  const byId = tablesById(model);
  const folded = expand ? new Map<QualifiedName, Table[]>() : partitionsByRoot(model);

  const nodes = tables.map((table) => toNode(table, folded.get(table.id) ?? [], expand, classify));
  const nodeIds = new Set(nodes.map((node) => node.id));

  // Folded partitions can still own FKs of their own (not clones): draw them from the root.
  const edgeOwners = expand ? tables : tables.concat(...tables.map((t) => folded.get(t.id) ?? []));
  const edges: ErdEdge[] = [];
  for (const table of edgeOwners) {
    const source = expand ? table : partitionRoot(table, byId);
    if (!nodeIds.has(source.id)) continue;
    for (const fk of visibleForeignKeys(table, expand)) {
      const referenced = byId.get(fk.references.table);
      const target = referenced && !expand ? partitionRoot(referenced, byId).id : fk.references.table;
      if (!nodeIds.has(target) || fk.columns.length === 0) continue;
      const cardinality = isOneToOne(table, fk) ? 'one-to-one' : 'many-to-one';
      const optional = isOptional(table, fk);
      edges.push({
        id: `${table.id}.${fk.name}`,
        name: fk.name,
        source: source.id,
        target,
        sourceColumns: fk.columns,
        targetColumns: fk.references.columns,
        sourceHandle: handleId(fk.columns[0], 'source'),
        targetHandle: handleId(fk.references.columns[0], 'target'),
        cardinality,
        optional,
        label: cardinalityLabel(cardinality, optional),
        selfReference: source.id === target,
        multiColumn: fk.columns.length > 1,
        onDelete: fk.onDelete,
        onUpdate: fk.onUpdate,
      });
    }
  }
  for (const link of options.inferred ?? []) {
    const source = byId.get(link.table);
    if (!source || !nodeIds.has(link.table)) continue;
    const idColumn = link.columns.at(-1)!;
    const targets = link.references ? [{ table: link.references.table, column: link.references.columns[0]! }] : link.candidates.map((c) => ({ table: c, column: byId.get(c)?.primaryKey?.columns[0] ?? 'id' }));
    for (const target of targets) {
      if (!nodeIds.has(target.table)) continue;
      edges.push({
        id: link.references ? `${link.table}.inferred.${idColumn}` : `${link.table}.inferred.${idColumn}.${target.table}`,
        name: `inferred ${idColumn}`,
        source: link.table,
        target: target.table,
        sourceColumns: [idColumn],
        targetColumns: [target.column],
        sourceHandle: handleId(idColumn, 'source'),
        targetHandle: handleId(target.column, 'target'),
        cardinality: 'many-to-one',
        optional: true,
        label: 'inferred',
        selfReference: link.table === target.table,
        multiColumn: false,
        onDelete: 'no action',
        onUpdate: 'no action',
        inferred: link.reason,
      });
    }
  }
  return { nodes, edges };
}

function toNode(table: Table, partitions: Table[], expand: boolean, classify: ClassificationLookup): ErdNode {
  const keys = keyColumns(table, expand);
  const columns = columnsInOrder(table).map((column): ErdColumn => {
    const pk = keys.primary.has(column.name);
    const fk = keys.foreign.has(column.name);
    const unique = keys.unique.has(column.name);
    return {
      name: column.name,
      type: column.type,
      pk,
      fk,
      unique,
      nullable: column.nullable,
      isKey: pk || fk || unique,
      comment: column.comment,
      classifications: classify(table.id, column.name),
    };
  });
  const statistics = foldedStatistics(table, partitions);
  return {
    id: table.id,
    schema: table.schema,
    name: table.name,
    kind: table.kind,
    partitionCount: partitions.length,
    columns,
    rowEstimate: statistics.rowEstimate,
    totalBytes: statistics.totalBytes,
    comment: table.comment,
    classifications: classify(table.id),
  };
}
