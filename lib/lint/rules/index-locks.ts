import { nodeOf, nodesOf, stringsOf, tableKey } from '../ast';
import { hits, type LintRule, type StatementContext } from '../rule';

/** Rules about building, dropping and rebuilding indexes while traffic runs. */

const NO_TRANSACTION_HINT = 'in a change set of its own whose first line is `-- strata:no-transaction` (CONCURRENTLY cannot run inside a transaction)';

/** True when the table existed before this change set (created by an earlier one, or outside the project). */
export function existsBefore(ctx: StatementContext, table: string): boolean {
  return !ctx.model.createdIn(table, ctx.changeSet.tag);
}

export const createIndexWithoutConcurrently: LintRule = {
  id: 'create-index-without-concurrently',
  category: 'locking',
  severity: 'error',
  title: 'Index built without CONCURRENTLY on an existing table',
  explanation:
    'CREATE INDEX without CONCURRENTLY holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits until the index is built, which on a large table means minutes of blocked writes.',
  saferAlternative: `CREATE INDEX CONCURRENTLY ${NO_TRANSACTION_HINT}. A table created earlier in the same change set needs nothing: it is empty.`,
  checkStatement(ctx) {
    const index = nodeOf(ctx.statement.node, 'IndexStmt');
    if (!index || index.concurrent) return [];
    const table = tableKey(index.relation);
    if (!existsBefore(ctx, table)) return [];
    // ON ONLY a partitioned table builds nothing: it makes an invalid parent index that the
    // partitions' (concurrently built) indexes are then attached to.
    if (index.relation?.inh !== true && ctx.model.hasPartitions(table)) return [];
    const name = index.idxname ?? '(unnamed)';
    return hits([`index ${name} on ${table} is built without CONCURRENTLY: writes to ${table} wait for the whole build`]);
  },
};

export const dropIndexWithoutConcurrently: LintRule = {
  id: 'drop-index-without-concurrently',
  category: 'locking',
  severity: 'error',
  title: 'Index dropped without CONCURRENTLY on an existing table',
  explanation:
    "DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: while it waits for running queries to finish, every new read and write of the table queues behind it.",
  saferAlternative: `DROP INDEX CONCURRENTLY ${NO_TRANSACTION_HINT}.`,
  checkStatement(ctx) {
    const drop = nodeOf(ctx.statement.node, 'DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return [];
    return hits(
      (drop.objects ?? []).map((object) => {
        const names = stringsOf(nodeOf(object, 'List')?.items);
        const index = ctx.model.findIndex(names);
        if (index && !existsBefore(ctx, index.table)) return null;
        return `index ${names.join('.')}${index ? ` on ${index.table}` : ''} is dropped without CONCURRENTLY`;
      }),
    );
  },
};

/** The statement uses CONCURRENTLY (index build or drop, reindex, partition detach) or is a VACUUM. */
function concurrentOperation(ctx: StatementContext): string | null {
  const node = ctx.statement.node;
  const index = nodeOf(node, 'IndexStmt');
  if (index?.concurrent) return `CREATE INDEX CONCURRENTLY ${index.idxname ?? ''}`.trim();
  const drop = nodeOf(node, 'DropStmt');
  if (drop?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = nodeOf(node, 'ReindexStmt');
  if (reindex && nodesOf(reindex.params, 'DefElem').some((d) => d.defname === 'concurrently')) return 'REINDEX CONCURRENTLY';
  const alter = nodeOf(node, 'AlterTableStmt');
  const detach = nodesOf(alter?.cmds, 'AlterTableCmd').some((c) => c.subtype === 'AT_DetachPartition' && nodeOf(c.def, 'PartitionCmd')?.concurrent);
  if (detach) return 'DETACH PARTITION CONCURRENTLY';
  if (nodeOf(node, 'VacuumStmt')?.is_vacuumcmd) return 'VACUUM';
  return null;
}

export const concurrentlyInTransaction: LintRule = {
  id: 'concurrently-in-transaction',
  category: 'locking',
  severity: 'error',
  title: 'CONCURRENTLY or VACUUM inside a transaction',
  explanation:
    'PostgreSQL refuses CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY and VACUUM inside a transaction block. Strata runs every change set in one transaction unless told otherwise, so the apply fails at this statement.',
  saferAlternative: 'Move the statement to a change set of its own whose first line is `-- strata:no-transaction`, outside any BEGIN … COMMIT.',
  checkStatement(ctx) {
    if (!ctx.session.inTransaction) return [];
    const operation = concurrentOperation(ctx);
    if (!operation) return [];
    const where = ctx.session.wrapped ? 'this change set runs in a transaction (no `-- strata:no-transaction` directive)' : 'it sits inside an explicit BEGIN';
    return hits([`${operation} cannot run inside a transaction block, and ${where}`]);
  },
};

export const reindexWithoutConcurrently: LintRule = {
  id: 'reindex-without-concurrently',
  category: 'locking',
  severity: 'error',
  title: 'REINDEX without CONCURRENTLY',
  explanation:
    'REINDEX locks out writes to the table (and reads that would use the index) until every index is rebuilt. REINDEX CONCURRENTLY (PostgreSQL 12+) builds the new index next to the old one and swaps them.',
  saferAlternative: `REINDEX … CONCURRENTLY ${NO_TRANSACTION_HINT}.`,
  checkStatement(ctx) {
    const reindex = nodeOf(ctx.statement.node, 'ReindexStmt');
    if (!reindex || reindex.kind === 'REINDEX_OBJECT_SYSTEM') return [];
    if (nodesOf(reindex.params, 'DefElem').some((d) => d.defname === 'concurrently')) return [];
    const target = reindex.relation ? tableKey(reindex.relation) : (reindex.name ?? '');
    if (reindex.kind === 'REINDEX_OBJECT_TABLE' && !existsBefore(ctx, target)) return [];
    const kind = (reindex.kind ?? '').replace('REINDEX_OBJECT_', '');
    return hits([`REINDEX ${kind}${target ? ` ${target}` : ''} runs without CONCURRENTLY`]);
  },
};

export const detachPartitionWithoutConcurrently: LintRule = {
  id: 'detach-partition-without-concurrently',
  category: 'locking',
  severity: 'error',
  title: 'Partition detached without CONCURRENTLY',
  explanation:
    'ALTER TABLE … DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table, blocking every query on all of its partitions. Since PostgreSQL 14 DETACH PARTITION … CONCURRENTLY needs only SHARE UPDATE EXCLUSIVE.',
  saferAlternative: `ALTER TABLE parent DETACH PARTITION child CONCURRENTLY ${NO_TRANSACTION_HINT}.`,
  checkStatement(ctx) {
    const alter = nodeOf(ctx.statement.node, 'AlterTableStmt');
    if (!alter) return [];
    const table = tableKey(alter.relation);
    return hits(
      nodesOf(alter.cmds, 'AlterTableCmd').map((cmd) => {
        const partition = nodeOf(cmd.def, 'PartitionCmd');
        if (cmd.subtype !== 'AT_DetachPartition' || partition?.concurrent || !existsBefore(ctx, table)) return null;
        return `partition ${tableKey(partition?.name)} is detached from ${table} without CONCURRENTLY`;
      }),
    );
  },
};

export const INDEX_LOCK_RULES: LintRule[] = [
  createIndexWithoutConcurrently,
  dropIndexWithoutConcurrently,
  concurrentlyInTransaction,
  reindexWithoutConcurrently,
  detachPartitionWithoutConcurrently,
];
