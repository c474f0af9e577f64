import type { ColumnDef, Constraint, CreateStmt, IndexStmt, Node } from 'libpg-query';
import { formatTypeName, keyFromNames, nameOf, nodeOf, nodesOf, schemaOf, stringsOf, tableKey, baseTypeName, isBuiltInSpelling } from './ast';

/**
 * What the linter knows about the schema at one point of the project, built by walking
 * the change sets' parse trees in journal order. It answers the questions rules need:
 * does this table exist before the current change set, what type does this column have,
 * which indexes does a foreign key have. Tables the project never created (made by hand,
 * by another tool, before the project) are unknown here and count as existing.
 */

/** Where an object was created: change set tag, statement index and line, for locating findings. */
export interface Origin {
  tag: string;
  statementIndex: number;
  line: number;
}

export interface ColumnInfo {
  name: string;
  /** As format_type prints it (`character varying(50)`); serial types are their integer type. */
  type: string;
  notNull: boolean;
  origin: Origin;
}

export interface TableInfo {
  key: string;
  origin: Origin;
  columns: Map<string, ColumnInfo>;
  /** False when some columns came from LIKE or CREATE TABLE AS: column rules then stay quiet. */
  columnsKnown: boolean;
  /** Set for partitions: they take their columns and keys from the parent. */
  partitionOf: string | null;
}

export interface IndexInfo {
  key: string;
  table: string;
  /** Key columns in order; null for an expression. */
  columns: Array<string | null>;
  method: string;
  unique: boolean;
  /** For a partial index whose predicate is only `col IS NOT NULL` terms: those columns; otherwise null. */
  notNullPredicate: string[] | null;
  partial: boolean;
  origin: Origin;
}

export interface ForeignKeyInfo {
  name: string | null;
  table: string;
  columns: string[];
  references: string;
  origin: Origin;
}

export interface CheckInfo {
  name: string;
  table: string;
  /** The column when the check is exactly `col IS NOT NULL` (PostgreSQL 12+ uses it to skip SET NOT NULL's scan). */
  notNullColumn: string | null;
  validated: boolean;
}

/** Serial pseudo-types and the integer type their column really has. */
export const SERIAL_TYPES: Record<string, string> = {
  serial: 'integer',
  serial4: 'integer',
  bigserial: 'bigint',
  serial8: 'bigint',
  smallserial: 'smallint',
  serial2: 'smallint',
};

/** True for a column typed serial/bigserial/…: PostgreSQL treats the quoted spelling the same way. */
export function isSerial(def: ColumnDef): boolean {
  return isBuiltInSpelling(def.typeName) && stringsOf(def.typeName?.names).length === 1 && baseTypeName(def.typeName) in SERIAL_TYPES;
}

/** The column's type as format_type would print it. */
export function columnType(def: ColumnDef): string {
  if (isSerial(def)) return SERIAL_TYPES[baseTypeName(def.typeName)];
  return formatTypeName(def.typeName);
}

/** The constraints of a column definition, unwrapped. */
export function columnConstraints(def: ColumnDef): Constraint[] {
  return nodesOf(def.constraints, 'Constraint');
}

export class SchemaModel {
  readonly tables = new Map<string, TableInfo>();
  readonly indexes = new Map<string, IndexInfo>();
  readonly foreignKeys: ForeignKeyInfo[] = [];
  readonly checks: CheckInfo[] = [];
  /** Tables created or altered by the current change set: change-set rules look at these only. */
  readonly touched = new Set<string>();

  /** Starts a new change set: forgets which tables the previous one touched. */
  startChangeSet(): void {
    this.touched.clear();
  }

  /** Known to the project and created in change set `tag`. */
  createdIn(table: string, tag: string): boolean {
    return this.tables.get(table)?.origin.tag === tag;
  }

  /** A partitioned table: the project created partitions of it. */
  hasPartitions(table: string): boolean {
    return [...this.tables.values()].some((t) => t.partitionOf === table);
  }

  column(table: string, column: string): ColumnInfo | undefined {
    return this.tables.get(table)?.columns.get(column);
  }

  indexesOn(table: string): IndexInfo[] {
    return [...this.indexes.values()].filter((i) => i.table === table);
  }

  /** Finds an index by the name a DROP INDEX or ALTER INDEX uses (schema optional). */
  findIndex(names: string[]): IndexInfo | undefined {
    if (names.length > 1) return this.indexes.get(keyFromNames(names));
    const name = names[0];
    return [...this.indexes.values()].find((i) => nameOf(i.key) === name);
  }

  /** Updates the model with one statement's effect. */
  apply(stmt: Node, origin: Origin): void {
    const create = nodeOf(stmt, 'CreateStmt');
    if (create) return this.createTable(create, origin);
    const ctas = nodeOf(stmt, 'CreateTableAsStmt');
    if (ctas?.into?.rel) {
      const key = tableKey(ctas.into.rel);
      if (!this.tables.has(key)) this.tables.set(key, { key, origin, columns: new Map(), columnsKnown: false, partitionOf: null });
      return;
    }
    const index = nodeOf(stmt, 'IndexStmt');
    if (index) return this.addIndex(index, origin);
    const alter = nodeOf(stmt, 'AlterTableStmt');
    if (alter && alter.objtype === 'OBJECT_TABLE') return this.alterTable(tableKey(alter.relation), alter.cmds ?? [], origin);
    const drop = nodeOf(stmt, 'DropStmt');
    if (drop) return this.drop(drop.removeType ?? '', drop.objects ?? []);
    const rename = nodeOf(stmt, 'RenameStmt');
    if (rename) return this.rename(rename.renameType ?? '', tableKey(rename.relation), rename.subname ?? '', rename.newname ?? '');
    const move = nodeOf(stmt, 'AlterObjectSchemaStmt');
    if (move?.objectType === 'OBJECT_TABLE' && move.newschema) this.moveTable(tableKey(move.relation), `${move.newschema}.${move.relation?.relname}`);
  }

  private createTable(create: CreateStmt, origin: Origin): void {
    const key = tableKey(create.relation);
    // CREATE TABLE IF NOT EXISTS on a table that is already there changes nothing.
    if (this.tables.has(key)) return;
    const parent = nodeOf(create.inhRelations?.[0], 'RangeVar');
    const partitionOf = create.partbound && parent ? tableKey(parent) : null;
    const table: TableInfo = { key, origin, columns: new Map(), columnsKnown: true, partitionOf };
    this.touched.add(key);
    // Partitions and inheriting tables start with their parent's columns.
    for (const rv of nodesOf(create.inhRelations, 'RangeVar')) {
      const from = this.tables.get(tableKey(rv));
      if (!from || !from.columnsKnown) table.columnsKnown = false;
      for (const column of from?.columns.values() ?? []) table.columns.set(column.name, { ...column, origin });
    }
    this.tables.set(key, table);
    for (const element of create.tableElts ?? []) {
      const def = nodeOf(element, 'ColumnDef');
      if (def) this.addColumn(table, def, origin);
      const constraint = nodeOf(element, 'Constraint');
      if (constraint) this.addConstraint(key, constraint, null, origin);
      if (nodeOf(element, 'TableLikeClause')) table.columnsKnown = false;
    }
  }

  private addColumn(table: TableInfo, def: ColumnDef, origin: Origin): void {
    const name = def.colname ?? '';
    const constraints = columnConstraints(def);
    const notNull = constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_IDENTITY');
    table.columns.set(name, { name, type: columnType(def), notNull, origin });
    for (const constraint of constraints) this.addConstraint(table.key, constraint, name, origin);
  }

  /** Keys and checks, table-level (`column` null) or declared on one column. */
  private addConstraint(table: string, c: Constraint, column: string | null, origin: Origin): void {
    const keys = column ? [column] : stringsOf(c.keys);
    if ((c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && !c.indexname) {
      const suffix = c.contype === 'CONSTR_PRIMARY' ? 'pkey' : 'key';
      const name = c.conname ?? (c.contype === 'CONSTR_PRIMARY' ? `${nameOf(table)}_pkey` : `${nameOf(table)}_${keys.join('_')}_${suffix}`);
      this.indexes.set(`${schemaOf(table)}.${name}`, {
        key: `${schemaOf(table)}.${name}`,
        table,
        columns: keys,
        method: 'btree',
        unique: true,
        notNullPredicate: null,
        partial: false,
        origin,
      });
      if (c.contype === 'CONSTR_PRIMARY') for (const k of keys) this.markNotNull(table, k);
    }
    if (c.contype === 'CONSTR_PRIMARY' && c.indexname) {
      const index = this.findIndex([schemaOf(table), c.indexname]);
      for (const k of index?.columns ?? []) if (k) this.markNotNull(table, k);
    }
    if (c.contype === 'CONSTR_FOREIGN' && c.pktable) {
      this.foreignKeys.push({ name: c.conname ?? null, table, columns: column ? [column] : stringsOf(c.fk_attrs), references: tableKey(c.pktable), origin });
    }
    if (c.contype === 'CONSTR_CHECK' && c.conname) {
      this.checks.push({ name: c.conname, table, notNullColumn: notNullCheckColumn(c.raw_expr), validated: !c.skip_validation });
    }
  }

  private markNotNull(table: string, column: string): void {
    const info = this.column(table, column);
    if (info) info.notNull = true;
  }

  private addIndex(index: IndexStmt, origin: Origin): void {
    const table = tableKey(index.relation);
    const elems = nodesOf(index.indexParams, 'IndexElem');
    const name = index.idxname ?? `${nameOf(table)}_${elems.map((e) => e.name ?? 'expr').join('_')}_idx`;
    const key = `${schemaOf(table)}.${name}`;
    if (this.indexes.has(key) && index.if_not_exists) return;
    this.indexes.set(key, {
      key,
      table,
      columns: elems.map((e) => e.name ?? null),
      method: index.accessMethod ?? 'btree',
      unique: Boolean(index.unique),
      notNullPredicate: index.whereClause ? notNullColumns(index.whereClause) : null,
      partial: Boolean(index.whereClause),
      origin,
    });
  }

  private alterTable(key: string, cmds: Node[], origin: Origin): void {
    let table = this.tables.get(key);
    this.touched.add(key);
    for (const cmd of nodesOf(cmds, 'AlterTableCmd')) {
      const def = nodeOf(cmd.def, 'ColumnDef');
      if (cmd.subtype === 'AT_AddColumn' && def) {
        // Columns added to a table the project never created: remember them, the table stays "existing".
        table ??= this.adoptExisting(key, origin);
        if (cmd.missing_ok && table.columns.has(def.colname ?? '')) continue;
        this.addColumn(table, def, origin);
      }
      const column = cmd.name ? table?.columns.get(cmd.name) : undefined;
      if (cmd.subtype === 'AT_DropColumn' && table && cmd.name) this.dropColumn(table, cmd.name);
      if (cmd.subtype === 'AT_AlterColumnType' && column && def) column.type = columnType(def);
      if (cmd.subtype === 'AT_SetNotNull' && column) column.notNull = true;
      if (cmd.subtype === 'AT_DropNotNull' && column) column.notNull = false;
      const constraint = nodeOf(cmd.def, 'Constraint');
      if (cmd.subtype === 'AT_AddConstraint' && constraint) this.addConstraint(key, constraint, null, origin);
      if (cmd.subtype === 'AT_ValidateConstraint') for (const c of this.checks) if (c.table === key && c.name === cmd.name) c.validated = true;
      if (cmd.subtype === 'AT_DropConstraint') this.dropConstraint(key, cmd.name ?? '');
    }
  }

  /** A table the project did not create, but whose added columns are worth knowing. */
  private adoptExisting(key: string, origin: Origin): TableInfo {
    const table: TableInfo = { key, origin: { ...origin, tag: '' }, columns: new Map(), columnsKnown: false, partitionOf: null };
    this.tables.set(key, table);
    return table;
  }

  private dropColumn(table: TableInfo, column: string): void {
    table.columns.delete(column);
    // Indexes and constraints using the column go with it.
    for (const [key, index] of this.indexes) if (index.table === table.key && index.columns.includes(column)) this.indexes.delete(key);
    removeWhere(this.foreignKeys, (fk) => fk.table === table.key && fk.columns.includes(column));
  }

  private dropConstraint(table: string, name: string): void {
    removeWhere(this.foreignKeys, (fk) => fk.table === table && fk.name === name);
    removeWhere(this.checks, (c) => c.table === table && c.name === name);
    this.indexes.delete(`${schemaOf(table)}.${name}`);
  }

  private drop(removeType: string, objects: Node[]): void {
    for (const object of objects) {
      const names = stringsOf(nodeOf(object, 'List')?.items);
      if (removeType === 'OBJECT_TABLE') this.dropTable(keyFromNames(names));
      if (removeType === 'OBJECT_INDEX') {
        const index = this.findIndex(names);
        if (index) this.indexes.delete(index.key);
      }
      if (removeType === 'OBJECT_SCHEMA') {
        const schema = nodeOf(object, 'String')?.sval ?? '';
        for (const key of [...this.tables.keys()]) if (schemaOf(key) === schema) this.dropTable(key);
      }
    }
  }

  private dropTable(key: string): void {
    this.tables.delete(key);
    for (const [k, index] of this.indexes) if (index.table === key) this.indexes.delete(k);
    removeWhere(this.foreignKeys, (fk) => fk.table === key);
    removeWhere(this.checks, (c) => c.table === key);
    for (const [k, t] of this.tables) if (t.partitionOf === key) this.dropTable(k);
  }

  private rename(type: string, table: string, from: string, to: string): void {
    if (type === 'OBJECT_TABLE') this.moveTable(table, `${schemaOf(table)}.${to}`);
    const info = this.tables.get(table);
    if (type === 'OBJECT_COLUMN' && info?.columns.has(from)) {
      const column = info.columns.get(from)!;
      info.columns.delete(from);
      info.columns.set(to, { ...column, name: to });
      for (const index of this.indexes.values()) if (index.table === table) index.columns = index.columns.map((c) => (c === from ? to : c));
      for (const fk of this.foreignKeys) if (fk.table === table) fk.columns = fk.columns.map((c) => (c === from ? to : c));
    }
    if (type === 'OBJECT_INDEX') {
      // ALTER INDEX names the index itself in `relation`.
      const index = this.indexes.get(table) ?? this.findIndex([nameOf(table)]);
      if (index) {
        this.indexes.delete(index.key);
        index.key = `${schemaOf(index.key)}.${to}`;
        this.indexes.set(index.key, index);
      }
    }
  }

  private moveTable(from: string, to: string): void {
    const table = this.tables.get(from);
    if (!table) return;
    this.tables.delete(from);
    table.key = to;
    this.tables.set(to, table);
    this.touched.add(to);
    for (const index of this.indexes.values()) if (index.table === from) index.table = to;
    for (const fk of this.foreignKeys) {
      if (fk.table === from) fk.table = to;
      if (fk.references === from) fk.references = to;
    }
  }
}

function removeWhere<T>(list: T[], predicate: (item: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (predicate(list[i])) list.splice(i, 1);
}

/** `col IS NOT NULL` → col; anything else → null. */
export function notNullCheckColumn(expr: Node | undefined): string | null {
  const test = nodeOf(expr, 'NullTest');
  if (test?.nulltesttype !== 'IS_NOT_NULL') return null;
  const fields = stringsOf(nodeOf(test.arg, 'ColumnRef')?.fields);
  return fields.length === 1 ? fields[0] : null;
}

/** The columns of a predicate made only of `col IS NOT NULL` terms joined by AND, else null. */
function notNullColumns(expr: Node): string[] | null {
  const single = notNullCheckColumn(expr);
  if (single) return [single];
  const bool = nodeOf(expr, 'BoolExpr');
  if (bool?.boolop !== 'AND_EXPR') return null;
  const parts = (bool.args ?? []).map(notNullColumns);
  return parts.every((p) => p !== null) ? parts.flat() as string[] : null;
}
