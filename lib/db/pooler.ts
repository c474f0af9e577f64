import type postgres from 'postgres';
import { connect } from './client';
import { StrataError } from '../errors';

type Connection = postgres.ReservedSql<Record<string, never>>;

/** What the probe saw: the backend pids behind the two client connections. */
export interface PoolerProbe {
  pooled: boolean;
  /** Every backend pid that served the held connection, in order. */
  heldPids: number[];
  /** Every backend pid that served the other connection, in order (none: the pooler refused its transaction). */
  otherPids: number[];
}

/** Rounds of the probe: the second catches a pool that the first could not (see below). */
const ROUNDS = 2;

/**
 * Whether a connection keeps one PostgreSQL session from one statement to the next, which
 * Strata's session-level advisory lock and session settings rely on. A transaction (or
 * statement) pooler such as PgBouncer hands each transaction whichever server connection
 * is free, so the lock would stay behind on a pooled connection and never be released.
 *
 * One connection alone proves nothing: an idle pooler hands the same server connection
 * back. So a second client connection opens a transaction, which makes it hold a server
 * connection, while the held connection's backend pid is read before, during and after it;
 * after its ROLLBACK the second client reads its own pid once more, outside a transaction.
 * A direct (or session-pooled) connection is served by one pid throughout, and the second
 * connection by its own. A transaction pooler shows itself in one of these ways:
 * - it gives the second client a server connection the held one was served by (the same pid);
 * - it gives the held connection another server connection (a new pid);
 * - it gives the second client another server connection than before.
 * One round is not enough. A server connection PgBouncer opened a moment earlier (for the
 * second client's login) can become the free one just before the second client's BEGIN, so
 * the held connection keeps its pid by chance (about one run in twenty here); and a pool
 * handing out two idle server connections round robin (`server_round_robin = 1`) gives the
 * held connection the same one every time. In the first case the second round's reads land
 * on the connection used last, in the second the second client's read after ROLLBACK lands
 * on the held connection's (lib/db/pooler.test.ts runs both against a real PgBouncer).
 * The held connection is never read while the second client holds the only free server
 * connection (the pid is compared first), so a pool of one cannot make it wait on itself.
 * PgBouncer in statement mode refuses the second client's transaction (it closes that connection).
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
    const heldPids: number[] = [];
    const otherPids: number[] = [];
    const switched = (pids: number[]) => pids.some((pid) => pid !== pids[0]);
    const heldSwitched = async () => {
      heldPids.push(await backendPid(conn));
      return switched(heldPids);
    };
    // Set when `second` failed: no more queries on it (postgres.js crashes writing to a
    // reserved connection that closed), and close() drops it at once.
    let broken = false;

    async function pooled(): Promise<boolean> {
      for (let round = 0; round < ROUNDS; round++) {
        if (await heldSwitched()) return true;
        let results: Array<Array<{ pid: number }>>;
        try {
          // One round trip: BEGIN and the pid read go as one simple-protocol query.
          results = (await second.unsafe('begin; select pg_backend_pid() as pid').simple()) as unknown as Array<Array<{ pid: number }>>;
        } catch (error) {
          broken = true;
          if (isStatementPoolingRefusal(error)) return true;
          throw error;
        }
        otherPids.push(Number(results.at(-1)?.[0]?.pid));
        try {
          if (heldPids.includes(otherPids.at(-1)!) || switched(otherPids)) return true;
          if (await heldSwitched()) return true;
        } finally {
          await second.unsafe('rollback');
        }
        // Outside a transaction the second client is as unpinned as the held one.
        otherPids.push(await backendPid(second));
        if (heldPids.includes(otherPids.at(-1)!) || switched(otherPids)) return true;
      }
      return heldSwitched();
    }

    try {
      return { pooled: await pooled(), heldPids, otherPids };
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      second.release();
      finished = !broken;
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
    { heldPids: probe.heldPids, otherPids: probe.otherPids },
  );
}

/** Either connection: the held one, or the second client's. */
async function backendPid(conn: Pick<Connection, 'unsafe'>): Promise<number> {
  const [row] = (await conn.unsafe('select pg_backend_pid() as pid')) as unknown as Array<{ pid: number }>;
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
