import type { Node } from 'libpg-query';
import { nodeOf, nodesOf, stringsOf, tableKey } from './ast';

/**
 * The session a change set's statements run in, as far as rules care: whether a
 * transaction is open (Strata wraps every change set in one, unless its first line is
 * `-- strata:no-transaction`), whether lock_timeout has been set, and which constraints
 * were added NOT VALID in the still-open transaction.
 */
export class TransactionState {
  /** A transaction block is open (Strata's own, or an explicit BEGIN in a no-transaction change set). */
  inTransaction: boolean;
  /** The change set runs in Strata's transaction (no `-- strata:no-transaction`). */
  readonly wrapped: boolean;
  lockTimeoutSet = false;
  /** Where the open explicit transaction began (no-transaction change sets only). */
  openedAt: { statementIndex: number; line: number } | null = null;
  /** table.constraint added NOT VALID in the open transaction. */
  readonly notValidInTransaction = new Set<string>();
  private readonly seen = new Set<string>();

  constructor(noTransaction: boolean) {
    this.wrapped = !noTransaction;
    this.inTransaction = !noTransaction;
  }

  /** True the first time `key` is asked in this change set: for findings reported once per change set. */
  firstTime(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }

  /** Updates the session with one statement's effect (after the rules have seen it). */
  apply(stmt: Node, at: { statementIndex: number; line: number }): void {
    const tx = nodeOf(stmt, 'TransactionStmt');
    if (tx) {
      if (tx.kind === 'TRANS_STMT_BEGIN' || tx.kind === 'TRANS_STMT_START') {
        if (!this.inTransaction) this.openedAt = at;
        this.inTransaction = true;
      }
      if (tx.kind === 'TRANS_STMT_COMMIT' || tx.kind === 'TRANS_STMT_ROLLBACK') this.endTransaction();
      return;
    }
    const timeout = lockTimeoutSetting(stmt);
    if (timeout !== null) this.lockTimeoutSet = timeout;
    const alter = nodeOf(stmt, 'AlterTableStmt');
    if (alter && this.inTransaction) {
      for (const cmd of nodesOf(alter.cmds, 'AlterTableCmd')) {
        const c = nodeOf(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint' && c?.skip_validation && c.conname) this.notValidInTransaction.add(`${tableKey(alter.relation)}.${c.conname}`);
      }
    }
    // Outside a transaction block every statement commits on its own.
    if (!this.inTransaction) this.notValidInTransaction.clear();
  }

  private endTransaction(): void {
    this.inTransaction = false;
    this.openedAt = null;
    this.notValidInTransaction.clear();
    // SET LOCAL ends with the transaction; a plain SET outlives it, but we cannot tell which was used here.
  }
}

/**
 * true when the statement sets a non-zero lock_timeout (SET, SET LOCAL, set_config),
 * false when it resets or zeroes it, null when it does not touch it.
 */
export function lockTimeoutSetting(stmt: Node): boolean | null {
  const set = nodeOf(stmt, 'VariableSetStmt');
  if (set && set.name?.toLowerCase() === 'lock_timeout') {
    if (set.kind !== 'VAR_SET_VALUE') return false;
    return !isZero(set.args?.[0]);
  }
  const select = nodeOf(stmt, 'SelectStmt');
  for (const target of nodesOf(select?.targetList, 'ResTarget')) {
    const call = nodeOf(target.val, 'FuncCall');
    if (stringsOf(call?.funcname).pop() !== 'set_config') continue;
    const name = nodeOf(call?.args?.[0], 'A_Const')?.sval?.sval;
    if (name?.toLowerCase() === 'lock_timeout') return !isZero(call?.args?.[1]);
  }
  return null;
}

function isZero(node: Node | undefined): boolean {
  const c = nodeOf(node, 'A_Const');
  if (!c) return false;
  if (c.ival) return !c.ival.ival;
  const text = c.sval?.sval?.trim() ?? '';
  return /^0+(\s*(ms|s|min|h|d))?$/i.test(text);
}
