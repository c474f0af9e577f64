import type { Node } from 'libpg-query';
import { keyFromNames, nodeOf, nodesOf, stringsOf, tableKey } from './ast';
import type { SchemaModel } from './schema-model';

/**
 * The tables a statement locks in ACCESS EXCLUSIVE mode: the lock that blocks even
 * reads, and that every later query on the table queues behind while it waits. Taken from
 * PostgreSQL's documentation of ALTER TABLE and the explicit-locking chapter.
 */

/** ALTER TABLE subcommands that take a weaker lock than ACCESS EXCLUSIVE. */
const WEAKER_ALTER_TABLE = new Set([
  'AT_ValidateConstraint', // SHARE UPDATE EXCLUSIVE
  'AT_SetStatistics', // SHARE UPDATE EXCLUSIVE
  'AT_SetOptions', // column attribute options: SHARE UPDATE EXCLUSIVE
  'AT_ResetOptions',
  'AT_ClusterOn', // SHARE UPDATE EXCLUSIVE
  'AT_DropCluster',
  'AT_AttachPartition', // SHARE UPDATE EXCLUSIVE on the parent (PostgreSQL 12+)
  'AT_DetachPartitionFinalize',
  'AT_EnableTrig', // SHARE ROW EXCLUSIVE
  'AT_EnableAlwaysTrig',
  'AT_EnableReplicaTrig',
  'AT_DisableTrig',
  'AT_EnableTrigAll',
  'AT_DisableTrigAll',
  'AT_EnableTrigUser',
  'AT_DisableTrigUser',
]);

/** Tables (schema.name) the statement locks ACCESS EXCLUSIVE. */
export function accessExclusiveTables(stmt: Node, model: SchemaModel): string[] {
  const alter = nodeOf(stmt, 'AlterTableStmt');
  if (alter && alter.objtype === 'OBJECT_TABLE') {
    const strong = nodesOf(alter.cmds, 'AlterTableCmd').some((cmd) => {
      if (WEAKER_ALTER_TABLE.has(cmd.subtype ?? '')) return false;
      if (cmd.subtype === 'AT_DetachPartition') return !nodeOf(cmd.def, 'PartitionCmd')?.concurrent;
      // ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on both tables.
      const constraint = nodeOf(cmd.def, 'Constraint');
      return !(cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN');
    });
    return strong ? [tableKey(alter.relation)] : [];
  }
  const rename = nodeOf(stmt, 'RenameStmt');
  if (rename && ['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT'].includes(rename.renameType ?? '')) return [tableKey(rename.relation)];
  const drop = nodeOf(stmt, 'DropStmt');
  if (drop?.removeType === 'OBJECT_TABLE') return (drop.objects ?? []).map((o) => keyFromNames(stringsOf(nodeOf(o, 'List')?.items)));
  if (drop?.removeType === 'OBJECT_INDEX' && !drop.concurrent) {
    return (drop.objects ?? []).map((o) => model.findIndex(stringsOf(nodeOf(o, 'List')?.items))?.table ?? '').filter(Boolean);
  }
  const truncate = nodeOf(stmt, 'TruncateStmt');
  if (truncate) return nodesOf(truncate.relations, 'RangeVar').map(tableKey);
  const vacuum = nodeOf(stmt, 'VacuumStmt');
  if (vacuum && isVacuumFull(stmt)) return nodesOf(vacuum.rels, 'VacuumRelation').map((r) => tableKey(r.relation));
  const cluster = nodeOf(stmt, 'ClusterStmt');
  if (cluster?.relation) return [tableKey(cluster.relation)];
  const lock = nodeOf(stmt, 'LockStmt');
  // LOCK TABLE without a mode is ACCESS EXCLUSIVE (mode 8).
  if (lock && (lock.mode ?? 8) === 8) return nodesOf(lock.relations, 'RangeVar').map(tableKey);
  const create = nodeOf(stmt, 'CreateStmt');
  const parent = nodeOf(create?.inhRelations?.[0], 'RangeVar');
  // CREATE TABLE … PARTITION OF locks the parent ACCESS EXCLUSIVE.
  if (create?.partbound && parent) return [tableKey(parent)];
  return [];
}

/** VACUUM FULL (or `VACUUM (FULL)`, but not `(FULL FALSE)`). */
export function isVacuumFull(stmt: Node): boolean {
  const vacuum = nodeOf(stmt, 'VacuumStmt');
  if (!vacuum?.is_vacuumcmd) return false;
  return nodesOf(vacuum.options, 'DefElem').some((d) => d.defname === 'full' && !isFalse(d.arg));
}

function isFalse(arg: Node | undefined): boolean {
  if (!arg) return false;
  const text = nodeOf(arg, 'String')?.sval ?? (nodeOf(arg, 'Boolean') ? String(nodeOf(arg, 'Boolean')?.boolval ?? false) : '');
  return ['false', 'off', '0', 'no'].includes(text.toLowerCase());
}
