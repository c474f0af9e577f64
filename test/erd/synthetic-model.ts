import type {
  Column,
  EnumType,
  ForeignKey,
  Index,
  SchemaInfo,
  SchemaModel,
  Table,
  View,
} from '../../lib/introspect/schema-model';
import { mulberry32 } from '../../lib/seed/prng';

/** Shape of a generated model. */
export interface SyntheticModelOptions {
  /** Tables the user created (partitions come on top of these). */
  tables: number;
  /** Same seed, same model, on every machine. */
  seed: number;
  /** Tables per schema; default 200 (2,000 tables → 10 schemas). */
  tablesPerSchema?: number;
  /** Every Nth table is RANGE-partitioned with 4 partitions; 0 for none. Default 50. */
  partitionedEvery?: number;
}

/**
 * A deterministic, GitLab-sized SchemaModel without a database: mixed column types, 1–3 FKs
 * per table to earlier tables (skewed towards a few hubs, as real schemas are), plus
 * occasional composite, one-to-one and self-referencing FKs; composite, partial and expression
 * indexes, checks, enums, views, and partitioned tables with inherited FK clones. The ERD
 * tests, the benchmark and the UI's 2,000-table test all measure against the same shape.
 */
export function syntheticModel(options: SyntheticModelOptions): SchemaModel {
  const random = mulberry32(options.seed);
  const perSchema = Math.max(1, options.tablesPerSchema ?? 200);
  const partitionedEvery = options.partitionedEvery ?? 50;
  const schemaCount = Math.max(1, Math.ceil(options.tables / perSchema));
  const schemaNames = Array.from({ length: schemaCount }, (_, i) => `${DOMAINS[i % DOMAINS.length]}${i >= DOMAINS.length ? `_${i}` : ''}`);

  const tables: Table[] = [];
  const userTables: Table[] = [];
  const compositeTargets: Table[] = [];
  for (let i = 0; i < options.tables; i++) {
    const schema = schemaNames[Math.floor(i / perSchema)];
    const name = `${NOUNS[i % NOUNS.length]}_${String(i).padStart(4, '0')}`;
    const table = baseTable(schema, name, random);
    addForeignKeys(table, userTables, compositeTargets, i, random);
    addIndexesAndChecks(table, i);
    if (i % 7 === 3) compositeTargets.push(table);
    tables.push(table);
    userTables.push(table);
    if (partitionedEvery > 0 && i % partitionedEvery === partitionedEvery - 1) tables.push(...partition(table));
  }
  tables.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const schemas: SchemaInfo[] = schemaNames.map((name) => ({ name, bookkeeping: false, comment: `The ${name} domain.`, owner: 'app' }));
  const enums: EnumType[] = schemaNames.map((schema) => ({
    id: `${schema}.status`,
    schema,
    name: 'status',
    values: ['active', 'suspended', 'closed'],
    comment: null,
  }));
  const views: View[] = schemaNames.filter((schema) => tables.some((t) => t.schema === schema)).map((schema) => ({
    id: `${schema}.active_rows`,
    schema,
    name: 'active_rows',
    materialized: false,
    definition: ` SELECT id, created_at FROM ${tables.find((t) => t.schema === schema)?.id} WHERE deleted_at IS NULL;`,
    columns: [
      { name: 'id', type: 'bigint' },
      { name: 'created_at', type: 'timestamp with time zone' },
    ],
    comment: null,
    indexes: [],
  }));
  return {
    serverVersion: '18.0',
    serverVersionNum: 180000,
    database: `synthetic_${options.tables}`,
    introspectedAt: '2000-01-01T00:00:00.000Z',
    schemas,
    tables,
    views,
    enums,
    extensions: [],
    inaccessibleSchemas: [],
  };
}

const DOMAINS = ['core', 'billing', 'catalog', 'events', 'identity', 'analytics', 'support', 'storage', 'search', 'ops'];
const NOUNS = ['accounts', 'orders', 'invoices', 'projects', 'issues', 'members', 'pipelines', 'builds', 'notes', 'labels', 'events', 'files'];

/** Optional payload columns, picked at random so tables differ in width and types. */
const EXTRA_COLUMNS: Array<Omit<Column, 'position'>> = [
  column('title', 'character varying(255)', false),
  column('email', 'text', true),
  column('amount', 'numeric(12,2)', false, '0'),
  column('payload', 'jsonb', true, "'{}'::jsonb"),
  column('tags', 'text[]', true),
  column('is_active', 'boolean', false, 'true'),
  column('external_ref', 'uuid', true, 'gen_random_uuid()'),
  column('score', 'double precision', true),
  column('starts_on', 'date', true),
];

function baseTable(schema: string, name: string, random: () => number): Table {
  const columns: Column[] = [];
  const add = (c: Omit<Column, 'position'>) => columns.push({ ...c, position: columns.length + 1 });
  add({ ...column('id', 'bigint', false), identity: 'by default' });
  add(column('code', 'text', false));
  add(column('created_at', 'timestamp with time zone', false, 'now()'));
  add(column('deleted_at', 'timestamp with time zone', true));
  add({ ...column('status', `${schema}.status`, false, `'active'::${schema}.status`), enumType: `${schema}.status` });
  for (const extra of EXTRA_COLUMNS) if (random() < 0.45) add(extra);
  return {
    id: `${schema}.${name}`,
    schema,
    name,
    kind: 'table',
    partitionOf: null,
    partitionBound: null,
    partitionKey: null,
    partitions: [],
    comment: random() < 0.3 ? `Synthetic ${name}.` : null,
    columns,
    primaryKey: { name: `${name}_pkey`, columns: ['id'] },
    foreignKeys: [],
    uniqueConstraints: [],
    checkConstraints: [],
    exclusionConstraints: [],
    indexes: [index(`${name}_pkey`, ['id'], { unique: true, primary: true, constraint: `${name}_pkey` })],
    rowEstimate: random() < 0.05 ? null : Math.floor(random() * 5_000_000),
    totalBytes: Math.floor(random() * 2_000_000_000),
    rlsEnabled: false,
    rlsForced: false,
    policies: [],
    persistence: 'permanent',
  };
}

function addForeignKeys(table: Table, earlier: Table[], compositeTargets: Table[], i: number, random: () => number): void {
  const add = (columns: string[], target: Table, targetColumns: string[], nullable: boolean) => {
    for (const name of columns) {
      if (table.columns.some((c) => c.name === name)) continue;
      table.columns.push({ ...column(name, targetColumnType(target, targetColumns[0]), nullable), position: table.columns.length + 1 });
    }
    const name = `${table.name}_${columns.join('_')}_fkey`;
    table.foreignKeys.push(foreignKey(name, columns, target.id, targetColumns, random() < 0.3 ? 'cascade' : 'no action'));
    table.indexes.push(index(`${table.name}_${columns.join('_')}_idx`, columns));
  };
  if (i > 0) {
    const count = 1 + Math.floor(random() * 3);
    const used = new Set<string>();
    for (let n = 0; n < count; n++) {
      // Skewed towards early tables: real schemas hang most tables off a few hubs (users, projects).
      const target = earlier[Math.floor(random() ** 3 * earlier.length)];
      if (used.has(target.id)) continue;
      used.add(target.id);
      add([`${target.name}_id`], target, ['id'], random() < 0.3);
    }
  }
  if (i % 11 === 5 && table.foreignKeys.length > 0) {
    // One-to-one: the first FK column is also unique.
    const fkColumn = table.foreignKeys[0].columns[0];
    table.uniqueConstraints.push({ name: `${table.name}_${fkColumn}_key`, columns: [fkColumn], nullsNotDistinct: false, deferrable: false });
    table.indexes.push(index(`${table.name}_${fkColumn}_key`, [fkColumn], { unique: true, constraint: `${table.name}_${fkColumn}_key` }));
  }
  if (i % 13 === 6 && compositeTargets.length > 0) {
    const target = compositeTargets[Math.floor(random() * compositeTargets.length)];
    const naturalKey = target.uniqueConstraints.find((u) => u.name.endsWith('_natural_key')) as { columns: string[] };
    const [first, second] = naturalKey.columns;
    add([`ref_${first}`, `ref_${second}`], target, [first, second], true);
  }
  if (i % 17 === 8) add(['parent_id'], table, ['id'], true);
  if (i % 7 === 3) {
    const key = [table.foreignKeys[0]?.columns[0] ?? 'id', 'code'];
    table.uniqueConstraints.push({ name: `${table.name}_natural_key`, columns: key, nullsNotDistinct: false, deferrable: false });
    table.indexes.push(index(`${table.name}_natural_key`, key, { unique: true, constraint: `${table.name}_natural_key` }));
  }
}

function addIndexesAndChecks(table: Table, i: number): void {
  if (i % 5 === 0) table.indexes.push(index(`${table.name}_live_idx`, ['created_at'], { predicate: '(deleted_at IS NULL)' }));
  if (i % 9 === 0) table.indexes.push(index(`${table.name}_status_created_idx`, ['status', 'created_at']));
  if (table.columns.some((c) => c.name === 'email')) {
    table.indexes.push({
      ...index(`${table.name}_lower_email_idx`, []),
      keys: [{ column: null, expression: 'lower(email)', opclass: null, descending: false, nullsFirst: false }],
      definition: `CREATE INDEX ${table.name}_lower_email_idx ON ${table.schema}.${table.name} USING btree (lower(email))`,
    });
  }
  if (table.columns.some((c) => c.name === 'amount')) {
    table.checkConstraints.push({ name: `${table.name}_amount_check`, definition: 'CHECK ((amount >= (0)::numeric))', validated: true });
  }
  table.checkConstraints.push({ name: `${table.name}_code_check`, definition: 'CHECK ((length(code) > 0))', validated: true });
}

const QUARTER_STARTS = ['2025-01-01', '2025-04-01', '2025-07-01', '2025-10-01', '2026-01-01'];

/** Makes the table a RANGE-partitioned parent and returns its 4 partitions, FK clones included. */
function partition(parent: Table): Table[] {
  parent.kind = 'partitioned';
  parent.partitionKey = 'RANGE (created_at)';
  const partitions = [0, 1, 2, 3].map((quarter): Table => {
    const name = `${parent.name}_p${quarter}`;
    return {
      ...parent,
      id: `${parent.schema}.${name}`,
      name,
      kind: 'partition',
      partitionOf: parent.id,
      partitionBound: `FOR VALUES FROM ('${QUARTER_STARTS[quarter]}') TO ('${QUARTER_STARTS[quarter + 1]}')`,
      partitionKey: null,
      partitions: [],
      comment: null,
      foreignKeys: parent.foreignKeys.map((fk) => ({ ...fk, name: `${name}_${fk.name}`, inherited: true })),
      indexes: parent.indexes.map((ix) => ({ ...ix, name: `${name}_${ix.name}`, partitioned: true })),
      rowEstimate: parent.rowEstimate === null ? null : Math.floor(parent.rowEstimate / 4),
      totalBytes: Math.floor(parent.totalBytes / 4),
    };
  });
  parent.partitions = partitions.map((p) => p.id);
  parent.rowEstimate = null;
  parent.totalBytes = 0;
  return partitions;
}

function targetColumnType(target: Table, columnName: string): string {
  return target.columns.find((c) => c.name === columnName)?.type ?? 'bigint';
}

function column(name: string, type: string, nullable: boolean, defaultValue: string | null = null): Omit<Column, 'position'> {
  return { name, type, nullable, default: defaultValue, identity: null, generated: null, comment: null, collation: null, enumType: null };
}

function foreignKey(name: string, columns: string[], table: string, referenced: string[], onDelete: ForeignKey['onDelete']): ForeignKey {
  return {
    name,
    columns,
    references: { table, columns: referenced },
    onDelete,
    onUpdate: 'no action',
    deferrable: false,
    initiallyDeferred: false,
    validated: true,
    inherited: false,
    definition:
      `FOREIGN KEY (${columns.join(', ')}) REFERENCES ${table}(${referenced.join(', ')})` +
      (onDelete === 'cascade' ? ' ON DELETE CASCADE' : ''),
  };
}

function index(
  name: string,
  columns: string[],
  options: { unique?: boolean; primary?: boolean; constraint?: string; predicate?: string } = {},
): Index {
  return {
    name,
    method: 'btree',
    unique: options.unique ?? false,
    primary: options.primary ?? false,
    constraint: options.constraint ?? null,
    keys: columns.map((c) => ({ column: c, expression: null, opclass: null, descending: false, nullsFirst: false })),
    include: [],
    predicate: options.predicate ?? null,
    valid: true,
    definition:
      `CREATE ${options.unique ? 'UNIQUE ' : ''}INDEX ${name} USING btree (${columns.join(', ')})` +
      (options.predicate ? ` WHERE ${options.predicate}` : ''),
    partitioned: false,
  };
}

