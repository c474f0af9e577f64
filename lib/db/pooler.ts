import type postgres from 'postgres';
import { connect } from './client';
import { StrataError } from '../errors';

type Connection = postgres.ReservedSql<Record<string, never>>;

/** What the probe saw: the backend pids behind the two client connections. */
export interface PoolerProbe {
  pooled: boolean;
  /** Backend pid of the held connection before and during the other connection's transaction (null: not needed). */
  heldPids: [number, number | null];
  /** Backend pid serving the other connection's transaction (null: the pooler refused the transaction). */
  otherPid: number | null;
}

/**
 * Whether a connection keeps one PostgreSQL session from one statement to the next, which
 * Strata's session-level advisory lock and session settings rely on. A transaction (or
 * statement) pooler such as PgBouncer hands each transaction whichever server connection
 * is free, so the lock would stay behind on a pooled connection and never be released.
 *
 * One connection alone proves nothing: an idle pooler hands the same server connection
 * back. So a second client connection opens a transaction, which makes it hold a server
 * connection, and the held connection's backend pid is read before and during it:
 * - a direct (or session-pooled) connection keeps its pid, and the second one has its own;
 * - a transaction pooler gives the second client the server connection the first one just
 *   released (the same pid), or gives the first one another server connection (a new pid).
 * The first test is made before the second read, so a pool of one server connection, which
 * the second client's transaction then holds, cannot make the held connection wait on it.
 * PgBouncer in statement mode refuses the second client's transaction (it closes that
 * connection).
 *
 * The second connection is opened when the check starts, so that it connects while the
 * caller connects its own: the check then costs a few round trips, not a connection.
 */
export interface SessionCheck {
  probe(conn: Connection): Promise<PoolerProbe>;
  /** Throws POOLER_DETECTED when `conn` does not keep its session. */
  assertKept(conn: Connection): Promise<void>;
  /** Closes the second connection; always call it. */
  close(): Promise<void>;
}

export function startSessionCheck(url: string): SessionCheck {
  const other = connect(url, { max: 1, applicationName: 'strata:pooler-check' });
  const reserved = other.reserve();
  // Awaited by probe(); a caller that fails before probing must not leave an unhandled rejection.
  reserved.catch(() => undefined);
  let finished = false;

  async function probe(conn: Connection): Promise<PoolerProbe> {
    const second = await reserved;
    const before = await backendPid(conn);
    let otherPid: number;
    try {
      // One round trip: BEGIN and the pid read go as one simple-protocol query.
      const results = (await second.unsafe('begin; select pg_backend_pid() as pid').simple()) as unknown as Array<Array<{ pid: number }>>;
      otherPid = Number(results.at(-1)?.[0]?.pid);
    } catch (error) {
      // No more queries on `second`: postgres.js crashes writing to a reserved connection that closed.
      second.release();
      if (isStatementPoolingRefusal(error)) return { pooled: true, heldPids: [before, null], otherPid: null };
      throw error;
    }
    try {
      if (otherPid === before) return { pooled: true, heldPids: [before, null], otherPid };
      const during = await backendPid(conn);
      return { pooled: during !== before, heldPids: [before, during], otherPid };
    } finally {
      await second.unsafe('rollback').catch(() => undefined);
      second.release();
      finished = true;
    }
  }

  return {
    probe,
    async assertKept(conn) {
      const seen = await probe(conn);
      if (seen.pooled) throw poolerDetected(seen);
    },
    async close() {
      // A connection that failed (PgBouncer closes it) or never finished connecting would
      // hold a graceful end up: drop those at once.
      await other.end({ timeout: finished ? 5 : 0 });
    },
  };
}

function poolerDetected(probe: PoolerProbe): StrataError {
  return new StrataError(
    'POOLER_DETECTED',
    'This target is reached through a connection pooler in transaction or statement mode (PgBouncer or similar): ' +
      'consecutive statements on one connection were served by different PostgreSQL sessions. ' +
      'Strata holds a session-level advisory lock and session settings for a whole run; behind such a pooler they would stay ' +
      'on a pooled server connection and the lock would never be released. ' +
      'Point this environment at PostgreSQL directly, or at a pool in session mode (PgBouncer pool_mode = session). Nothing was changed.',
    { heldPids: probe.heldPids, otherPid: probe.otherPid },
  );
}

async function backendPid(conn: Connection): Promise<number> {
  const [row] = await conn`select pg_backend_pid() as pid`;
  return Number(row!.pid);
}

/**
 * PgBouncer's answer to BEGIN in pool_mode = statement: it closes the client connection
 * (postgres.js then reports CONNECTION_CLOSED without PgBouncer's words). That connection
 * has just connected to the server the held connection reaches, so a close right at BEGIN
 * is taken as that refusal; refusing the run is the safe reading of it anyway.
 */
function isStatementPoolingRefusal(error: unknown): boolean {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
  return e.code === 'CONNECTION_CLOSED' || /statement pooling mode/i.test(String(e.message ?? ''));
}
