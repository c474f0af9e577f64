import type postgres from 'postgres';
import { connect, assertReachable, type ConnectOptions, type Sql } from '../db/client';
import { startSessionCheck } from '../db/pooler';
import { StrataError } from '../errors';
import { bindSessionPlace, DATABASE_PLACE, tenantSearchPath, type TargetPlace } from './target-place';

/** The advisory lock key pair every Strata runner takes on a target ("ST", "RA"). */
const LOCK_CLASS = 0x5354;
const LOCK_OBJECT = 0x5241;
/** The same keys as pg_locks shows them (classid, objid), for reading who holds the lock from another session. */
export const RUNNER_LOCK_KEYS = { classid: LOCK_CLASS, objid: LOCK_OBJECT } as const;
/**
 * A tenant schema's lock ("SU" and a hash of the schema's name, computed by the server): one
 * per tenant, so the tenants of one database migrate side by side while one tenant is never
 * migrated twice. Two names that hash alike merely wait for each other.
 */
const TENANT_LOCK_CLASS = 0x5355;
const APP_PREFIX = 'strata:';

export type LockedConnection = postgres.ReservedSql<Record<string, never>>;

/**
 * Runs `work` holding the target's session-level advisory lock on one dedicated
 * connection. A second runner fails at once with "locked by ACTOR since TIME" instead of
 * queueing behind a migration. If this process dies, PostgreSQL ends the session and
 * frees the lock; `client_connection_check_interval` makes it notice a dead client even
 * mid-statement (PostgreSQL 14+). A connection that does not keep its session (a
 * transaction pooler in between) is refused before the lock is taken: POOLER_DETECTED.
 */
export async function withTargetLock<T>(
  url: string,
  actor: string,
  work: (conn: LockedConnection) => Promise<T>,
  options: { waitMs?: number; onNotice?: ConnectOptions['onNotice']; place?: TargetPlace } = {},
): Promise<T> {
  const place = options.place ?? DATABASE_PLACE;
  // A tenant's session resolves every unqualified name in the tenant from its first statement
  // (backups, batched-statement checks and the change sets alike), and RESET comes back to it.
  const searchPath = tenantSearchPath(place) ?? undefined;
  const sql: Sql = connect(url, { max: 1, applicationName: `${APP_PREFIX}${actor}`.slice(0, 63), onNotice: options.onNotice, searchPath });
  // Its second connection connects while this one does (see startSessionCheck).
  const sessionCheck = startSessionCheck(url);
  try {
    await assertReachable(sql, url);
    const conn = await sql.reserve();
    try {
      // Behind a transaction pooler the lock below would outlive this run on a pooled server connection.
      await sessionCheck.assertKept(conn);
      await sessionCheck.close();
      const row = await tryLock(conn, place, options.waitMs ?? 0);
      if (!row?.ok) throw await lockedError(conn, place);
      try {
        if (Number(row.version) >= 140000) await conn`select set_config('client_connection_check_interval', '1000', false)`;
        // Everything that runs on this session works on the place it holds the lock of.
        bindSessionPlace(conn, place);
        if (place.tenant !== null) await assertTenantExists(conn, place.tenant);
        return await work(conn);
      } finally {
        await unlock(conn, place).catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  } finally {
    await sessionCheck.close();
    await sql.end({ timeout: 5 });
  }
}

/**
 * Takes the lock, retrying for up to `waitMs`: the console waits out a short holder (a
 * drift check started by the page it is on) instead of failing; the CLI does not wait.
 */
async function tryLock(conn: LockedConnection, place: TargetPlace, waitMs: number): Promise<{ ok: boolean; version: number } | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = place.tenant === null
      ? await conn`select pg_try_advisory_lock(${LOCK_CLASS}, ${LOCK_OBJECT}) as ok, current_setting('server_version_num')::int as version`
      : await conn`select pg_try_advisory_lock(${TENANT_LOCK_CLASS}, hashtext(${place.tenant}) & 2147483647) as ok, current_setting('server_version_num')::int as version`;
    if (row?.ok || Date.now() >= deadline) return row as { ok: boolean; version: number } | undefined;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/**
 * A search_path naming a schema that does not exist skips it, so a tenant dropped since
 * discovery would have its change sets run in public: refused instead, nothing done.
 */
async function assertTenantExists(conn: LockedConnection, tenant: string): Promise<void> {
  const [row] = await conn`select exists (select 1 from pg_namespace where nspname = ${tenant}) as ok`;
  if (!row?.ok) throw new StrataError('NOT_FOUND', `Tenant schema "${tenant.slice(0, 80)}" does not exist in this database; nothing was run`);
}

function unlock(conn: LockedConnection, place: TargetPlace) {
  return place.tenant === null
    ? conn`select pg_advisory_unlock(${LOCK_CLASS}, ${LOCK_OBJECT})`
    : conn`select pg_advisory_unlock(${TENANT_LOCK_CLASS}, hashtext(${place.tenant}) & 2147483647)`;
}

/** Who holds the lock, read from pg_stat_activity (the holder's application_name). */
export interface LockHolder {
  actor: string;
  since: Date;
  pid: number;
}

export async function findLockHolder(
  sql: Sql | LockedConnection | postgres.TransactionSql<Record<string, never>>,
  place: TargetPlace = DATABASE_PLACE,
): Promise<LockHolder | null> {
  const keys = place.tenant === null
    ? sql`l.classid = ${LOCK_CLASS} and l.objid = ${LOCK_OBJECT}`
    : sql`l.classid = ${TENANT_LOCK_CLASS} and l.objid = (hashtext(${place.tenant}) & 2147483647)::oid and l.objsubid = 2`;
  const [holder] = await sql`
    select a.application_name, a.backend_start, a.pid
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'advisory' and l.granted and ${keys}
      and l.database = (select oid from pg_database where datname = current_database())
    limit 1`;
  if (!holder) return null;
  const name = String(holder.application_name ?? '');
  return {
    actor: name.startsWith(APP_PREFIX) ? name.slice(APP_PREFIX.length) : name || 'an unknown client',
    since: new Date(holder.backend_start),
    pid: Number(holder.pid),
  };
}

async function lockedError(conn: LockedConnection, place: TargetPlace): Promise<StrataError> {
  return lockedBy(await findLockHolder(conn, place));
}

/** LOCKED, naming who holds the target's lock and since when. */
export function lockedBy(holder: LockHolder | null): StrataError {
  const who = holder ? `${holder.actor} since ${holder.since.toISOString()} (backend pid ${holder.pid})` : 'another runner';
  return new StrataError('LOCKED', `Target is locked by ${who}; try again when it finishes`, {
    holder: holder ? { actor: holder.actor, since: holder.since.toISOString() } : null,
  });
}

/** Who holds the target's lock right now, read on a short-lived connection of its own (null: nobody). */
export async function readLockHolder(url: string, place: TargetPlace = DATABASE_PLACE): Promise<LockHolder | null> {
  const sql = connect(url, { max: 1, applicationName: 'strata:lock-check' });
  try {
    await assertReachable(sql, url);
    return await findLockHolder(sql, place);
  } finally {
    await sql.end({ timeout: 5 });
  }
}
