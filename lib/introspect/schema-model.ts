/**
 * SchemaModel: the typed picture of a live PostgreSQL database that everything downstream
 * (ERD, diff, retention, lint) reads. It is plain JSON-serialisable data — it travels from
 * the server to the browser as is — and names are kept exactly as PostgreSQL stores them
 * (never quoted, never lower-cased). Objects belonging to extensions are left out.
 */
export interface SchemaModel {
  /** `server_version` as PostgreSQL reports it, e.g. "18.4". */
  serverVersion: string;
  serverVersionNum: number;
  database: string;
  introspectedAt: string;
  /** User schemas in name order (system schemas left out). */
  schemas: SchemaInfo[];
  /** Ordinary tables, partitioned parents and partitions, ordered by schema then name. */
  tables: Table[];
  views: View[];
  enums: EnumType[];
  extensions: Extension[];
  /** Schemas that could not be read fully (no USAGE privilege): listed, never silently empty. */
  inaccessibleSchemas: string[];
}

export interface SchemaInfo {
  name: string;
  /** `strata` and `drizzle`: Strata's and drizzle-orm's bookkeeping, shown apart from user schemas. */
  bookkeeping: boolean;
  comment: string | null;
  owner: string;
}

/** `schema.name`, unquoted: the key every cross-reference in the model uses. */
export type QualifiedName = string;

export interface Table {
  /** `schema.name`, unquoted. */
  id: QualifiedName;
  schema: string;
  name: string;
  kind: 'table' | 'partitioned' | 'partition' | 'foreign';
  /** For a partition: the parent's id and its bound (`FOR VALUES …`). */
  partitionOf: QualifiedName | null;
  partitionBound: string | null;
  /** For a partitioned parent: `RANGE (occurred_at)` etc. */
  partitionKey: string | null;
  /** Ids of partitions, for parents. */
  partitions: QualifiedName[];
  comment: string | null;
  columns: Column[];
  primaryKey: PrimaryKey | null;
  foreignKeys: ForeignKey[];
  uniqueConstraints: UniqueConstraint[];
  checkConstraints: CheckConstraint[];
  /** Exclusion constraints, by definition only. */
  exclusionConstraints: Array<{ name: string; definition: string }>;
  indexes: Index[];
  /** pg_class.reltuples; null when never analysed (-1). An estimate, never count(*). */
  rowEstimate: number | null;
  /** pg_total_relation_size: table + indexes + TOAST, bytes. */
  totalBytes: number;
  rlsEnabled: boolean;
  rlsForced: boolean;
  policies: Policy[];
  persistence: 'permanent' | 'unlogged' | 'temporary';
}

export interface Column {
  name: string;
  /** 1-based logical position among live columns. */
  position: number;
  /** The type as PostgreSQL prints it: format_type(atttypid, atttypmod), e.g. `character varying(255)`. */
  type: string;
  nullable: boolean;
  /** The default expression as PostgreSQL prints it (pg_get_expr), or null. */
  default: string | null;
  identity: 'always' | 'by default' | null;
  /** Expression of a generated column (STORED or VIRTUAL), or null. */
  generated: string | null;
  comment: string | null;
  /** Non-default collation name, or null. */
  collation: string | null;
  /** Id of the enum when the column's type (or array element type) is a user enum. */
  enumType: QualifiedName | null;
}

export interface PrimaryKey {
  name: string;
  columns: string[];
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface ForeignKey {
  name: string;
  columns: string[];
  /** Referenced table id and columns, in the same order as `columns`. */
  references: { table: QualifiedName; columns: string[] };
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  deferrable: boolean;
  initiallyDeferred: boolean;
  /** False for `NOT VALID` constraints not yet validated. */
  validated: boolean;
  /** Clone of a parent's FK on a partition (conparentid ≠ 0). */
  inherited: boolean;
  definition: string;
}

export interface UniqueConstraint {
  name: string;
  columns: string[];
  nullsNotDistinct: boolean;
  deferrable: boolean;
}

export interface CheckConstraint {
  name: string;
  /** e.g. `CHECK ((size_bytes >= 0))` as pg_get_constraintdef prints it. */
  definition: string;
  validated: boolean;
}

export interface Index {
  name: string;
  /** Access method: btree, gin, gist, hash, brin, … */
  method: string;
  unique: boolean;
  primary: boolean;
  /** Backs a PK / UNIQUE / EXCLUDE constraint. */
  constraint: string | null;
  /** One entry per key: a column name, or an expression for expression keys. */
  keys: IndexKey[];
  /** INCLUDE columns. */
  include: string[];
  /** WHERE predicate of a partial index, or null. */
  predicate: string | null;
  valid: boolean;
  /** Full CREATE INDEX statement (pg_get_indexdef). */
  definition: string;
  /** Index on a partitioned parent, or a partition's index attached to one. */
  partitioned: boolean;
}

export interface IndexKey {
  column: string | null;
  expression: string | null;
  /** Non-default operator class, e.g. `gin_trgm_ops`. */
  opclass: string | null;
  descending: boolean;
  nullsFirst: boolean;
}

export interface Policy {
  name: string;
  command: 'ALL' | 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  permissive: boolean;
  roles: string[];
  using: string | null;
  withCheck: string | null;
}

export interface View {
  id: QualifiedName;
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef. */
  definition: string;
  columns: Array<{ name: string; type: string }>;
  comment: string | null;
  /** Indexes exist only on materialized views. */
  indexes: Index[];
}

export interface EnumType {
  id: QualifiedName;
  schema: string;
  name: string;
  values: string[];
  comment: string | null;
}

export interface Extension {
  name: string;
  version: string;
  schema: string;
}

/** Schemas whose objects Strata or drizzle-orm own. */
export const BOOKKEEPING_SCHEMAS = ['strata', 'drizzle'] as const;

/** Strata's own, drizzle-orm's, and the schemas Strata's backups are kept in (`strata_backup_…`). */
export function isBookkeepingSchema(name: string): boolean {
  return (BOOKKEEPING_SCHEMAS as readonly string[]).includes(name) || name.startsWith('strata_backup_');
}
