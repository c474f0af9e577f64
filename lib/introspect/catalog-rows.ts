/**
 * The flat rows the catalog queries return, exactly as they come off the wire (oids as
 * numbers, arrays as parsed JSON, single-letter catalog codes as text). Kept apart from
 * the SchemaModel so that the model never leaks catalog vocabulary.
 */

/** One row of pg_class for a table, view or materialized view. */
export interface RelationRow {
  oid: number;
  schema: string;
  name: string;
  /** r, p, f, v, m */
  relkind: string;
  is_partition: boolean;
  /** p, u, t */
  persistence: string;
  reltuples: number;
  relpages: number;
  rls_enabled: boolean;
  rls_forced: boolean;
  /** Parent oid and name, for partitions. */
  parent: number | null;
  parent_schema: string | null;
  parent_name: string | null;
  partition_bound: string | null;
  partition_key: string | null;
  total_bytes: number | null;
}

/** One live column (attnum > 0, not dropped) of a relation. */
export interface ColumnRow {
  rel: number;
  /** attnum: matches index keys and column comments. */
  num: number;
  name: string;
  type: string;
  not_null: boolean;
  default_expr: string | null;
  /** '', 'a' (always) or 'd' (by default) */
  identity: string;
  /** '', 's' (stored) or 'v' (virtual, PG18) */
  generated: string;
  collation: string | null;
  enum_schema: string | null;
  enum_name: string | null;
}

/** One PK, UNIQUE, FOREIGN KEY, CHECK or EXCLUDE constraint. */
export interface ConstraintRow {
  rel: number;
  name: string;
  /** p, u, f, c, x */
  type: string;
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[] | null;
  /** a, r, c, n, d (or a blank for non-FKs) */
  on_delete: string;
  on_update: string;
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  inherited: boolean;
  definition: string;
  nulls_not_distinct: boolean;
}

/** One index, keys still encoded as pg_index stores them. */
export interface IndexRow {
  rel: number;
  name: string;
  method: string;
  is_unique: boolean;
  is_primary: boolean;
  is_valid: boolean;
  /** indnkeyatts: keys first, then INCLUDE columns. */
  key_count: number;
  /** indkey: attnum per key and INCLUDE column, 0 for an expression. */
  attnums: number[];
  /** indoption per key: bit 1 DESC, bit 2 NULLS FIRST. */
  options: number[];
  /** indclass per key: operator class oid. */
  opclasses: number[];
  /** Per key: the expression text where the key is an expression, else null. Null when no key is. */
  expressions: Array<string | null> | null;
  predicate: string | null;
  definition: string;
  partitioned: boolean;
  constraint_name: string | null;
}

/** A non-default operator class. */
export interface OpclassRow {
  oid: number;
  name: string;
}

/** One label of an enum (label null for an enum without labels). */
export interface EnumLabelRow {
  oid: number;
  schema: string;
  name: string;
  label: string | null;
}

/** pg_get_viewdef of a view or materialized view. */
export interface ViewDefinitionRow {
  oid: number;
  definition: string;
}

/** One row of pg_extension with its schema's name. */
export interface ExtensionRow {
  name: string;
  version: string;
  schema: string;
}

/** One row-level security policy, expressions deparsed. */
export interface PolicyRow {
  rel: number;
  name: string;
  /** '*', r, a, w, d */
  command: string;
  permissive: boolean;
  roles: string[];
  using_expr: string | null;
  check_expr: string | null;
}

/** A pg_description row for a relation (sub 0), a column (sub = attnum) or a type. */
export interface CommentRow {
  oid: number;
  sub: number;
  is_type: boolean;
  description: string;
}
