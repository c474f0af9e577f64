import type postgres from 'postgres';
import type { StrataConfig } from '../config/environments';
import { connect, type Sql } from '../db/client';

/**
 * The console database (schema `console`): users, sign-in attempts, change requests and
 * the audit trail. It is Strata's own database, never a target.
 */

/** Anything that runs queries: a pool, a reserved connection or a transaction. */
export type ConsoleQueryable = Sql | postgres.TransactionSql<Record<string, never>> | postgres.ReservedSql<Record<string, never>>;

/** The advisory lock keys of the console schema ("CO", …); two-int keys never meet a target's lock. */
export const CONSOLE_LOCK_CLASS = 0x434f;
export const CONSOLE_LOCKS = { schema: 1, users: 2, audit: 3, signIn: 4 } as const;

interface PoolRegistry {
  pools: Map<string, Sql>;
  ensured: Set<string>;
  ensuring: Map<string, Promise<void>>;
}

// Kept on globalThis so that a development server's module reloads reuse the pools.
const registryKey = Symbol.for('strata.console-db');
function registry(): PoolRegistry {
  const g = globalThis as unknown as Record<symbol, PoolRegistry | undefined>;
  g[registryKey] ??= { pools: new Map(), ensured: new Set(), ensuring: new Map() };
  return g[registryKey]!;
}

/** One cached pool per console database URL (max 4 connections). */
export function consoleSql(config: StrataConfig): Sql {
  const { pools } = registry();
  const url = config.consoleDatabaseUrl;
  let sql = pools.get(url);
  if (!sql) {
    sql = connect(url, { max: 4, applicationName: 'strata:console' });
    pools.set(url, sql);
  }
  return sql;
}

/** Ends the cached pool of this console database (the CLI, before it exits or stops the embedded server). */
export async function closeConsole(config: StrataConfig): Promise<void> {
  const { pools, ensured, ensuring } = registry();
  const url = config.consoleDatabaseUrl;
  const sql = pools.get(url);
  pools.delete(url);
  ensured.delete(url);
  ensuring.delete(url);
  await sql?.end({ timeout: 5 });
}

/** Runs `work` on the console database, its schema created first (once per process and database). */
export async function withConsole<T>(config: StrataConfig, work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = consoleSql(config);
  const { ensured, ensuring } = registry();
  const url = config.consoleDatabaseUrl;
  if (!ensured.has(url)) {
    let pending = ensuring.get(url);
    if (!pending) {
      pending = ensureConsoleSchema(sql).then(
        () => {
          ensured.add(url);
          ensuring.delete(url);
        },
        (error: unknown) => {
          ensuring.delete(url);
          throw error;
        },
      );
      ensuring.set(url, pending);
    }
    await pending;
  }
  return work(sql);
}

/** Creates the console schema when it is missing; one cheap query when it is present. Idempotent. */
export async function ensureConsoleSchema(sql: Sql): Promise<void> {
  if (await schemaPresent(sql)) return;
  await sql.begin(async (tx) => {
    // Two servers starting at once: the second waits, then finds everything in place.
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.schema})`;
    await tx.unsafe(CONSOLE_DDL);
  });
}

async function schemaPresent(sql: Sql): Promise<boolean> {
  const [row] = await sql`
    select to_regclass('console.users') is not null
      and to_regclass('console.sign_in_attempts') is not null
      and to_regclass('console.change_requests') is not null
      and exists (select 1 from pg_trigger where tgrelid = to_regclass('console.audit_log') and tgname = 'audit_log_append_only') as ok`;
  return Boolean(row?.ok);
}

const CONSOLE_DDL = `
  CREATE SCHEMA IF NOT EXISTS console;

  CREATE TABLE IF NOT EXISTS console.users (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username text NOT NULL UNIQUE CHECK (username ~ '^[a-z][a-z0-9._-]{1,39}$'),
    display_name text,
    role text NOT NULL CHECK (role IN ('viewer', 'developer', 'operator', 'admin')),
    -- scrypt$N$r$p$salt$hash; null for users who only sign in through OpenID Connect.
    password_hash text,
    disabled boolean NOT NULL DEFAULT false,
    oidc_subject text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );

  CREATE TABLE IF NOT EXISTS console.sign_in_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip text NOT NULL,
    username text NOT NULL,
    ok boolean NOT NULL,
    -- invalid, disabled or throttled when not ok.
    reason text CHECK (reason IN ('invalid', 'disabled', 'throttled')),
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  CREATE INDEX IF NOT EXISTS sign_in_attempts_ip_at ON console.sign_in_attempts (ip, at);

  CREATE TABLE IF NOT EXISTS console.change_requests (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('apply', 'rollback')),
    to_tag text,
    steps integer,
    plan jsonb NOT NULL,
    dry_run jsonb,
    requested_by text NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now(),
    reason text NOT NULL,
    status text NOT NULL DEFAULT 'pending'
      CHECK (status IN ('pending', 'approved', 'rejected', 'executing', 'executed', 'failed', 'expired')),
    decided_by text,
    decided_at timestamptz,
    decision_comment text,
    expires_at timestamptz NOT NULL,
    executed_by text,
    executed_at timestamptz,
    result jsonb
  );
  CREATE INDEX IF NOT EXISTS change_requests_environment ON console.change_requests (environment, id);
  CREATE INDEX IF NOT EXISTS change_requests_open ON console.change_requests (expires_at) WHERE status IN ('pending', 'approved');

  -- id is assigned by the appender (previous id + 1, under an advisory lock), so a gap means a deleted entry.
  CREATE TABLE IF NOT EXISTS console.audit_log (
    id bigint PRIMARY KEY,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    environment text,
    target text,
    outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    duration_ms integer,
    detail text,
    prev_hash text NOT NULL,
    hash text NOT NULL
  );
  CREATE INDEX IF NOT EXISTS audit_log_actor ON console.audit_log (actor, id);
  CREATE INDEX IF NOT EXISTS audit_log_environment ON console.audit_log (environment, id);
  -- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE (the hash chain catches the rest).
  CREATE OR REPLACE FUNCTION console.audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'console.audit_log is append-only'; END $$;
  DROP TRIGGER IF EXISTS audit_log_append_only ON console.audit_log;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON console.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_is_append_only();
`;
