import type {
  ColumnRow,
  CommentRow,
  ConstraintRow,
  EnumLabelRow,
  ExtensionRow,
  IndexRow,
  OpclassRow,
  PolicyRow,
  RelationRow,
  ViewDefinitionRow,
} from './catalog-rows';
import type { CatalogScope, ServerInfo } from './catalog-scope';
import { groupBy } from '../group-by';
import { decodeIndex } from './assemble-indexes';
import { rollUpPartitions } from './partition-rollup';
import type {
  CheckConstraint,
  Column,
  EnumType,
  ForeignKey,
  Policy,
  PrimaryKey,
  ReferentialAction,
  SchemaModel,
  Table,
  UniqueConstraint,
  View,
} from './schema-model';

/** Everything the catalog queries returned for one introspection. */
export interface CatalogRows {
  relations: RelationRow[];
  columns: ColumnRow[];
  constraints: ConstraintRow[];
  indexes: IndexRow[];
  opclasses: OpclassRow[];
  enums: EnumLabelRow[];
  viewDefinitions: ViewDefinitionRow[];
  extensions: ExtensionRow[];
  policies: PolicyRow[];
  comments: CommentRow[];
}

const REFERENTIAL_ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

const POLICY_COMMANDS: Record<string, Policy['command']> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };

const PERSISTENCE: Record<string, Table['persistence']> = { p: 'permanent', u: 'unlogged', t: 'temporary' };

/**
 * Turns the flat catalog rows into a SchemaModel. Pure and linear: every cross-reference
 * (columns, constraints, indexes, policies, comments → their relation) goes through a Map
 * keyed by oid, so a 10,000-column schema costs no more than its rows. Row order from the
 * queries (schema, name; columns by attnum) is kept.
 */
export function assembleModel(server: ServerInfo, scope: CatalogScope, rows: CatalogRows, introspectedAt: Date): SchemaModel {
  const relationComments = new Map<string, string>();
  const typeComments = new Map<number, string>();
  for (const c of rows.comments) {
    if (c.is_type) typeComments.set(c.oid, c.description);
    else relationComments.set(`${c.oid}:${c.sub}`, c.description);
  }
  const columnsByRel = groupBy(rows.columns, (c) => c.rel);
  const constraintsByRel = groupBy(rows.constraints, (c) => c.rel);
  const indexesByRel = groupBy(rows.indexes, (i) => i.rel);
  const policiesByRel = groupBy(rows.policies, (p) => p.rel);
  const viewDefinitions = new Map(rows.viewDefinitions.map((v) => [v.oid, v.definition]));
  const opclasses = new Map(rows.opclasses.map((o) => [o.oid, o.name]));
  const partitionsOf = groupBy(
    rows.relations.filter((r) => r.parent !== null),
    (r) => r.parent as number,
  );
  const figures = rollUpPartitions(rows.relations, server.serverVersionNum);

  const tables: Table[] = [];
  const views: View[] = [];
  for (const rel of rows.relations) {
    const columnRows = columnsByRel.get(rel.oid) ?? [];
    const columnNames = new Map(columnRows.map((c) => [c.num, c.name]));
    const indexes = (indexesByRel.get(rel.oid) ?? []).map((i) => decodeIndex(i, columnNames, opclasses));
    const comment = relationComments.get(`${rel.oid}:0`) ?? null;
    if (rel.relkind === 'v' || rel.relkind === 'm') {
      views.push({
        id: qualified(rel.schema, rel.name),
        schema: rel.schema,
        name: rel.name,
        materialized: rel.relkind === 'm',
        definition: viewDefinitions.get(rel.oid) ?? '',
        columns: columnRows.map((c) => ({ name: c.name, type: c.type })),
        comment,
        indexes,
      });
      continue;
    }
    const figure = figures.get(rel.oid)!;
    tables.push({
      id: qualified(rel.schema, rel.name),
      schema: rel.schema,
      name: rel.name,
      kind: tableKind(rel),
      partitionOf: rel.parent_schema !== null && rel.parent_name !== null ? qualified(rel.parent_schema, rel.parent_name) : null,
      partitionBound: rel.partition_bound,
      partitionKey: rel.partition_key,
      partitions: (partitionsOf.get(rel.oid) ?? []).map((p) => qualified(p.schema, p.name)),
      comment,
      columns: columnRows.map((c, i) => toColumn(c, i + 1, relationComments.get(`${rel.oid}:${c.num}`) ?? null)),
      ...constraintsOf(constraintsByRel.get(rel.oid) ?? []),
      indexes,
      rowEstimate: figure.rowEstimate,
      totalBytes: figure.totalBytes,
      rlsEnabled: rel.rls_enabled,
      rlsForced: rel.rls_forced,
      policies: (policiesByRel.get(rel.oid) ?? []).map(toPolicy),
      persistence: PERSISTENCE[rel.persistence] ?? 'permanent',
    });
  }

  return {
    serverVersion: server.serverVersion,
    serverVersionNum: server.serverVersionNum,
    database: server.database,
    introspectedAt: introspectedAt.toISOString(),
    schemas: scope.schemas,
    tables,
    views,
    enums: toEnums(rows.enums, typeComments),
    extensions: rows.extensions.map((e) => ({ name: e.name, version: e.version, schema: e.schema })),
    inaccessibleSchemas: scope.inaccessibleSchemas,
  };
}

function qualified(schema: string, name: string): string {
  return `${schema}.${name}`;
}

function tableKind(rel: RelationRow): Table['kind'] {
  if (rel.relkind === 'p') return 'partitioned';
  if (rel.relkind === 'f') return 'foreign';
  return rel.is_partition ? 'partition' : 'table';
}

function toColumn(c: ColumnRow, position: number, comment: string | null): Column {
  const generated = c.generated !== '';
  return {
    name: c.name,
    position,
    type: c.type,
    nullable: !c.not_null,
    default: generated ? null : c.default_expr,
    identity: c.identity === 'a' ? 'always' : c.identity === 'd' ? 'by default' : null,
    generated: generated ? c.default_expr : null,
    comment,
    collation: c.collation,
    enumType: c.enum_schema !== null && c.enum_name !== null ? qualified(c.enum_schema, c.enum_name) : null,
  };
}

type TableConstraints = Pick<Table, 'primaryKey' | 'foreignKeys' | 'uniqueConstraints' | 'checkConstraints' | 'exclusionConstraints'>;

function constraintsOf(rows: ConstraintRow[]): TableConstraints {
  let primaryKey: PrimaryKey | null = null;
  const foreignKeys: ForeignKey[] = [];
  const uniqueConstraints: UniqueConstraint[] = [];
  const checkConstraints: CheckConstraint[] = [];
  const exclusionConstraints: TableConstraints['exclusionConstraints'] = [];
  for (const c of rows) {
    switch (c.type) {
      case 'p':
        primaryKey = { name: c.name, columns: c.columns };
        break;
      case 'f':
        foreignKeys.push({
          name: c.name,
          columns: c.columns,
          references: { table: qualified(c.ref_schema ?? '', c.ref_table ?? ''), columns: c.ref_columns ?? [] },
          onDelete: REFERENTIAL_ACTIONS[c.on_delete] ?? 'no action',
          onUpdate: REFERENTIAL_ACTIONS[c.on_update] ?? 'no action',
          deferrable: c.deferrable,
          initiallyDeferred: c.deferred,
          validated: c.validated,
          inherited: c.inherited,
          definition: c.definition,
        });
        break;
      case 'u':
        uniqueConstraints.push({ name: c.name, columns: c.columns, nullsNotDistinct: c.nulls_not_distinct, deferrable: c.deferrable });
        break;
      case 'c':
        checkConstraints.push({ name: c.name, definition: c.definition, validated: c.validated });
        break;
      case 'x':
        exclusionConstraints.push({ name: c.name, definition: c.definition });
        break;
    }
  }
  return { primaryKey, foreignKeys, uniqueConstraints, checkConstraints, exclusionConstraints };
}

function toPolicy(p: PolicyRow): Policy {
  return {
    name: p.name,
    command: POLICY_COMMANDS[p.command] ?? 'ALL',
    permissive: p.permissive,
    roles: p.roles,
    using: p.using_expr,
    withCheck: p.check_expr,
  };
}

function toEnums(rows: EnumLabelRow[], typeComments: Map<number, string>): EnumType[] {
  const enums: EnumType[] = [];
  let current: EnumType | null = null;
  let currentOid = -1;
  for (const row of rows) {
    if (row.oid !== currentOid) {
      current = { id: qualified(row.schema, row.name), schema: row.schema, name: row.name, values: [], comment: typeComments.get(row.oid) ?? null };
      currentOid = row.oid;
      enums.push(current);
    }
    if (row.label !== null) current!.values.push(row.label);
  }
  return enums;
}

