import type { Node } from 'libpg-query';
import { DEFAULT_SCHEMA, keyFromNames, nameOf, nodeOf, nodesOf, schemaOf, stringsOf, tableKey } from './ast';

/**
 * Does the rollback undo what the forward SQL created? Both files are read as parse trees:
 * every schema, table, column, index, named constraint, type, extension, view, sequence,
 * function and trigger the forward SQL creates must be dropped by the rollback, directly
 * or with what contains it (a table's indexes go with the table, a column's constraints
 * with the column, everything with its schema). Otherwise re-applying after a rollback
 * fails on "already exists", or leaves objects nobody owns.
 */
export interface CreatedObject {
  kind: string;
  /** schema.name, or schema.table.name for columns, constraints and triggers. */
  key: string;
  /** The table the object belongs to (columns, indexes, constraints, triggers). */
  table?: string;
  /** The columns it depends on (indexes, constraints): dropping one drops it. */
  columns?: string[];
  /** The partitioned table of a partition, or the partitioned index a partition's index is attached to: dropping it drops this. */
  parent?: string;
}

/** What a list of forward statements creates. */
export function createdObjects(statements: Node[]): CreatedObject[] {
  const created: CreatedObject[] = [];
  const newTables = new Set<string>();
  for (const stmt of statements) {
    const schema = nodeOf(stmt, 'CreateSchemaStmt');
    if (schema?.schemaname) created.push({ kind: 'schema', key: schema.schemaname });
    const table = nodeOf(stmt, 'CreateStmt');
    if (table) {
      const key = tableKey(table.relation);
      newTables.add(key);
      const parent = nodeOf(table.inhRelations?.[0], 'RangeVar');
      created.push({ kind: 'table', key, parent: table.partbound && parent ? tableKey(parent) : undefined });
    }
    const ctas = nodeOf(stmt, 'CreateTableAsStmt');
    if (ctas?.into?.rel) created.push({ kind: ctas.objtype === 'OBJECT_MATVIEW' ? 'materialized view' : 'table', key: tableKey(ctas.into.rel) });
    const index = nodeOf(stmt, 'IndexStmt');
    if (index?.idxname) {
      const on = tableKey(index.relation);
      const columns = nodesOf(index.indexParams, 'IndexElem').flatMap((e) => (e.name ? [e.name] : []));
      created.push({ kind: 'index', key: `${schemaOf(on)}.${index.idxname}`, table: on, columns });
    }
    const alter = nodeOf(stmt, 'AlterTableStmt');
    const altered = tableKey(alter?.relation);
    if (alter && alter.objtype === 'OBJECT_INDEX') {
      // ALTER INDEX parent ATTACH PARTITION child: dropping the parent index drops the child.
      for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
        const child = nodeOf(cmd.def, 'PartitionCmd')?.name;
        const attached = cmd.subtype === 'AT_AttachPartition' && child ? created.find((o) => o.kind === 'index' && o.key === tableKey(child)) : undefined;
        if (attached) attached.parent = altered;
      }
    }
    if (alter && alter.objtype === 'OBJECT_TABLE' && !newTables.has(altered)) {
      for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
        const def = nodeOf(cmd.def, 'ColumnDef');
        if (cmd.subtype === 'AT_AddColumn' && def?.colname) created.push({ kind: 'column', key: `${altered}.${def.colname}`, table: altered, columns: [def.colname] });
        const c = nodeOf(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint' && c?.conname) {
          const columns = [...stringsOf(c.keys), ...stringsOf(c.fk_attrs)];
          created.push({ kind: 'constraint', key: `${altered}.${c.conname}`, table: altered, columns });
        }
      }
    }
    created.push(...otherCreated(stmt));
  }
  return created;
}

function otherCreated(stmt: Node): CreatedObject[] {
  const qualified = (names: string[]) => keyFromNames(names);
  const enumType = nodeOf(stmt, 'CreateEnumStmt');
  if (enumType) return [{ kind: 'type', key: qualified(stringsOf(enumType.typeName)) }];
  const composite = nodeOf(stmt, 'CompositeTypeStmt');
  if (composite?.typevar) return [{ kind: 'type', key: tableKey(composite.typevar) }];
  const domain = nodeOf(stmt, 'CreateDomainStmt');
  if (domain) return [{ kind: 'type', key: qualified(stringsOf(domain.domainname)) }];
  const extension = nodeOf(stmt, 'CreateExtensionStmt');
  if (extension?.extname) return [{ kind: 'extension', key: extension.extname }];
  const view = nodeOf(stmt, 'ViewStmt');
  if (view?.view) return [{ kind: 'view', key: tableKey(view.view) }];
  const sequence = nodeOf(stmt, 'CreateSeqStmt');
  if (sequence?.sequence) return [{ kind: 'sequence', key: tableKey(sequence.sequence) }];
  const fn = nodeOf(stmt, 'CreateFunctionStmt');
  if (fn && !fn.replace) return [{ kind: 'function', key: qualified(stringsOf(fn.funcname)) }];
  const trigger = nodeOf(stmt, 'CreateTrigStmt');
  if (trigger?.trigname) return [{ kind: 'trigger', key: `${tableKey(trigger.relation)}.${trigger.trigname}`, table: tableKey(trigger.relation) }];
  return [];
}

/** What a list of rollback statements drops, as `kind:key` strings (bare names too, for unqualified drops). */
export function droppedObjects(statements: Node[]): Set<string> {
  const dropped = new Set<string>();
  // An unqualified drop resolves through the search_path: it may undo an object of any schema.
  const add = (kind: string, names: string[]) => {
    dropped.add(`${kind}:${names.length > 1 ? keyFromNames(names) : `${DEFAULT_SCHEMA}.${names[0]}`}`);
    if (names.length === 1) dropped.add(`${kind}:*.${names[0]}`);
  };
  for (const stmt of statements) {
    const drop = nodeOf(stmt, 'DropStmt');
    if (drop) {
      const kind = DROP_KINDS[drop.removeType ?? ''];
      for (const object of drop.objects ?? []) {
        if (drop.removeType === 'OBJECT_SCHEMA' || drop.removeType === 'OBJECT_EXTENSION') dropped.add(`${kind}:${nodeOf(object, 'String')?.sval}`);
        else if (drop.removeType === 'OBJECT_TRIGGER') {
          const names = stringsOf(nodeOf(object, 'List')?.items);
          dropped.add(`trigger:${keyFromNames(names.slice(0, -1))}.${names[names.length - 1]}`);
        } else if (drop.removeType === 'OBJECT_FUNCTION') {
          add('function', stringsOf(nodeOf(object, 'ObjectWithArgs')?.objname));
        } else if (kind) {
          add(kind, stringsOf(nodeOf(object, 'List')?.items ?? nodeOf(object, 'TypeName')?.names));
        }
      }
    }
    const alter = nodeOf(stmt, 'AlterTableStmt');
    if (alter) {
      const table = tableKey(alter.relation);
      for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
        if (cmd.subtype === 'AT_DropColumn') dropped.add(`column:${table}.${cmd.name}`);
        if (cmd.subtype === 'AT_DropConstraint') dropped.add(`constraint:${table}.${cmd.name}`);
      }
    }
  }
  return dropped;
}

const DROP_KINDS: Record<string, string> = {
  OBJECT_SCHEMA: 'schema',
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_EXTENSION: 'extension',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_FUNCTION: 'function',
  OBJECT_TRIGGER: 'trigger',
};

/** The forward objects the rollback leaves in place. */
export function notUndone(created: CreatedObject[], dropped: Set<string>): CreatedObject[] {
  const has = (kind: string, key: string) => dropped.has(`${kind}:${key}`);
  const gone = (object: CreatedObject): boolean => {
    const schema = object.kind === 'schema' || object.kind === 'extension' ? null : schemaOf(object.table ?? object.key);
    if (schema && has('schema', schema)) return true;
    if (has(object.kind, object.key) || has(object.kind, `*.${nameOf(object.key)}`)) return true;
    if (object.parent && has(object.kind === 'index' ? 'index' : 'table', object.parent)) return true;
    if (object.table && has('table', object.table)) return true;
    return Boolean(object.table && object.columns?.some((c) => has('column', `${object.table}.${c}`)));
  };
  return created.filter((object) => !gone(object));
}
