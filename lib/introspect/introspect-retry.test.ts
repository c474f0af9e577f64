import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../db/client';
import { quoteIdent } from '../db/identifiers';
import { introspectOn } from '../migrate/target-reads';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { DDL_RETRY_DELAYS_MS, introspectUrl } from './introspect';

const ATTEMPTS = DDL_RETRY_DELAYS_MS.length + 1;

/**
 * Concurrent DDL makes PostgreSQL's catalog functions fail with XX000 "could not open
 * relation with OID …" mid-introspection. A real race is not reproducible on demand, so
 * PostgreSQL raises the very same error from a function introspection calls: the database's
 * search_path puts `strata_trap` before pg_catalog, so introspection's unqualified
 * current_database() (read before it pins search_path) is the trap's. The trap counts its
 * calls per session with session-level advisory locks, which survive the failed read-only
 * transaction, fails the first `failures` calls and names the attempt in its message.
 */
let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase('ddlrace');
  await db.sql.unsafe(`
    create table public.kept (id int primary key);
    create schema strata_trap;
    create table strata_trap.settings (failures int not null, message text not null);
    insert into strata_trap.settings values (0, '');
    create function strata_trap.current_database() returns name language plpgsql as $$
      declare
        calls int;
        s record;
      begin
        select count(*) + 1 into calls from pg_catalog.pg_locks
          where locktype = 'advisory' and pid = pg_catalog.pg_backend_pid() and classid = 4242;
        perform pg_catalog.pg_advisory_lock(4242, calls);
        select * into s from strata_trap.settings;
        if calls <= s.failures then
          raise exception '% (attempt %)', pg_catalog.format(s.message, 16999), calls using errcode = 'XX000';
        end if;
        return pg_catalog.current_database();
      end $$;
    alter database ${quoteIdent(db.name)} set search_path = strata_trap, pg_catalog, public;`);
});
afterAll(async () => {
  await db?.drop();
});

async function trap(failures: number, message = 'could not open relation with OID %s'): Promise<void> {
  await db.sql`update strata_trap.settings set failures = ${failures}, message = ${message}`;
}

describe('introspection racing concurrent DDL', () => {
  it('the trap really fails the way a race does (and leaves the database readable)', async () => {
    await trap(1);
    const sql = connect(db.url, { max: 1 });
    try {
      const failed = await sql`select current_database()`.catch((e: unknown) => e);
      expect(failed).toMatchObject({ code: 'XX000', message: 'could not open relation with OID 16999 (attempt 1)' });
      const [row] = await sql`select current_database() as name`;
      expect(row!.name).toBe(db.name);
    } finally {
      await sql.end();
    }
  });

  for (const message of ['could not open relation with OID %s', 'cache lookup failed for relation %s', 'cache lookup failed for index %s']) {
    it(`introspectUrl retries on a fresh snapshot until it reads: "${message.replace(' %s', '')}"`, async () => {
      await trap(ATTEMPTS - 1, message);
      const model = await introspectUrl(db.url);
      expect(model.database).toBe(db.name);
      expect(model.tables.map((t) => `${t.schema}.${t.name}`)).toContain('public.kept');
    });
  }

  it('introspectUrl gives up after its last retry: that failure propagates', async () => {
    expect(ATTEMPTS).toBeGreaterThanOrEqual(3);
    await trap(ATTEMPTS);
    const failed = await introspectUrl(db.url).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'XX000', message: `could not open relation with OID 16999 (attempt ${ATTEMPTS})` });
  });

  it('does not retry other internal errors', async () => {
    await trap(1, 'something else broke in relation %s');
    const failed = await introspectUrl(db.url).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'XX000', message: 'something else broke in relation 16999 (attempt 1)' });
  });

  it('on a locked connection outside a transaction (drift checks): retried, up to its limit', async () => {
    const sql = connect(db.url, { max: 1 });
    try {
      const conn = await sql.reserve();
      try {
        await trap(ATTEMPTS - 1);
        expect((await introspectOn(conn, false)).database).toBe(db.name);
        // The same session: its trap count goes on from ATTEMPTS + 1, so fail the next ATTEMPTS calls.
        await trap(2 * ATTEMPTS);
        const failed = await introspectOn(conn, false).catch((e: unknown) => e);
        expect(failed).toMatchObject({ code: 'XX000', message: `could not open relation with OID 16999 (attempt ${2 * ATTEMPTS})` });
        // Its snapshot's transaction was closed after each attempt: SAVEPOINT outside one fails.
        await expect(conn.unsafe('savepoint still_open')).rejects.toMatchObject({ code: '25P01' });
      } finally {
        conn.release();
      }
    } finally {
      await sql.end();
    }
  });

  it("inside a caller's transaction (dry runs): not retried, the caller's transaction is the caller's", async () => {
    const sql = connect(db.url, { max: 1 });
    try {
      const conn = await sql.reserve();
      try {
        await trap(1);
        await conn.unsafe('begin');
        const failed = await introspectOn(conn, true).catch((e: unknown) => e);
        expect(failed).toMatchObject({ code: 'XX000', message: 'could not open relation with OID 16999 (attempt 1)' });
        await conn.unsafe('rollback');
      } finally {
        conn.release();
      }
    } finally {
      await sql.end();
    }
  });

  it('real concurrent DDL: every read that overlaps a burst of drops and creates succeeds', async () => {
    await trap(0);
    const churn = connect(db.url, { max: 1 });
    let churned = 0;
    let reads = 0;
    // Tables with indexes, checks and keys: pg_get_indexdef / pg_get_constraintdef look them
    // up in the live caches, which is where a dropped table makes a stale snapshot fail.
    const ddl = (async () => {
      // A migration-sized burst: 40 tables dropped and made again, then quiet.
      while (churned < 40) {
        const n = churned % 8;
        await churn.unsafe(`
          drop table if exists public.churn_${n};
          create table public.churn_${n} (id int primary key, k int references public.kept, v text check (v <> ''));
          create index on public.churn_${n} (v);`);
        churned++;
      }
    })();
    try {
      // Reads start while the burst runs (and one may finish after it): none fails.
      while (churned < 40) {
        const model = await introspectUrl(db.url);
        expect(model.tables.map((t) => t.name)).toContain('kept');
        reads++;
      }
    } finally {
      await ddl;
      await churn.end();
    }
    expect(reads).toBeGreaterThan(0);
  }, 60_000);
});
