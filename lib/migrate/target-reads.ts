import type postgres from 'postgres';
import type { Project } from '../changesets/project';
import { introspect, introspectInOwnSnapshot } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { loadDrizzleRows, loadHistory } from './history-store';
import type { LockedConnection } from './target-lock';
import { computeTargetStatus, type TargetStatus } from './target-state';
import { sessionPlace, type TargetPlace } from './target-place';

/** The target's status read on a connection (locked, or in a snapshot), writing nothing (no adoption, no bookkeeping tables). */
export async function readStatusOn(
  conn: LockedConnection | postgres.TransactionSql<Record<string, never>>,
  project: Project,
  place: TargetPlace = sessionPlace(conn),
): Promise<TargetStatus> {
  const [history, drizzleRows] = await Promise.all([loadHistory(conn, place), loadDrizzleRows(conn, place)]);
  return computeTargetStatus(project, history, drizzleRows);
}

/**
 * Introspects on a locked connection. Inside an open transaction it reads in a savepoint
 * that is rolled back, because introspection pins `search_path` with SET LOCAL and the
 * change sets that run next must see the session's own search_path. Outside one it reads
 * in a read-only snapshot of its own, retried (a few times, with a short pause) if concurrent DDL raced it.
 */
export async function introspectOn(conn: LockedConnection, inTransaction: boolean): Promise<SchemaModel> {
  if (inTransaction) {
    await conn.unsafe('savepoint strata_introspect');
    try {
      return await introspect(conn);
    } finally {
      await conn.unsafe('rollback to savepoint strata_introspect');
    }
  }
  return introspectInOwnSnapshot(conn);
}
