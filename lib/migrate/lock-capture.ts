import { roundMs, type ExecutedStatement, type LockTaken } from './statement-outcome';
import type { LockedConnection } from './target-lock';

/** Relation locks this backend holds, by lock mode and relation oid. */
const HELD_LOCKS = `
  select l.mode, l.relation::int8 as oid from pg_locks l
  where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.granted`;

/** Names of every user relation, so a lock on a table the statement just dropped still has a name. */
const RELATION_NAMES = `
  select c.oid::int8 as oid, n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg_toast%' and n.nspname not like 'pg_temp%'`;

/**
 * What a dry run learns from pg_locks: after each statement, the relation locks the session
 * holds that it did not hold before, put on the statement that took them once its change set
 * has run. A dry run runs its whole plan in one transaction, so locks taken by an earlier
 * change set are still held and are not the later one's.
 */
export interface LockCapture {
  /** Reads the locks held now; the new ones belong to the statement at `position` of the change set. */
  afterStatement(position: number): Promise<void>;
  /** After a rollback to the change set's savepoint: its locks are gone, and so are its findings. */
  discard(): Promise<void>;
  /** Puts the change set's locks on its statements, with how long the real run would hold each. */
  attribute(statements: ExecutedStatement[], noTransaction: boolean): void;
}

/** Starts capturing on `conn`, inside the dry run's transaction, before its first change set. */
export async function startLockCapture(conn: LockedConnection): Promise<LockCapture> {
  const relationNames = new Map<string, string>();
  for (const r of await conn.unsafe(RELATION_NAMES)) relationNames.set(String(r.oid), String(r.name));
  let held = await heldLocks(conn);
  let acquired: Array<{ statement: number; mode: string; oid: string }> = [];
  return {
    async afterStatement(position) {
      const now = await heldLocks(conn);
      for (const key of now) {
        if (held.has(key)) continue;
        const [mode, oid] = key.split('|') as [string, string];
        acquired.push({ statement: position, mode, oid });
      }
      held = now;
    },
    async discard() {
      held = await heldLocks(conn);
      acquired = [];
    },
    attribute(statements, noTransaction) {
      attributeLocks(statements, acquired, relationNames, noTransaction);
      acquired = [];
    },
  };
}

/**
 * Puts each acquired lock on the statement that took it, with how long the real run would
 * hold it: locks last until the transaction ends, so in a transactional change set that is
 * from this statement to the change set's commit; without a transaction, the statement alone.
 */
function attributeLocks(
  statements: ExecutedStatement[],
  acquired: Array<{ statement: number; mode: string; oid: string }>,
  relationNames: Map<string, string>,
  noTransaction: boolean,
): void {
  for (const lock of acquired) {
    const statement = statements[lock.statement]!;
    const until = noTransaction ? statement.durationMs : statements.slice(lock.statement).reduce((sum, s) => sum + s.durationMs, 0);
    const relation = relationNames.get(lock.oid);
    // Locks on relations the change set itself created and on system catalogs carry no risk to others.
    if (!relation) continue;
    const taken: LockTaken = { mode: lock.mode, relation, heldMs: roundMs(until) };
    statement.locks.push(taken);
  }
  for (const s of statements) s.locks.sort((a, b) => a.relation.localeCompare(b.relation) || a.mode.localeCompare(b.mode));
}

async function heldLocks(conn: LockedConnection): Promise<Set<string>> {
  const rows = await conn.unsafe(HELD_LOCKS);
  return new Set(rows.map((r) => `${r.mode}|${r.oid}`));
}
