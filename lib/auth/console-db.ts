import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import type { StrataConfig } from '../config/environments';
import { connect, type Sql } from '../db/client';
import { parseDatabaseUrl } from '../db/connection-url';
import { quoteIdent } from '../db/identifiers';
import { ensureQueueSchema } from '../queue/queue-schema';

/**
 * The console database (schema `console`): users, sign-in attempts, change requests and
 * the audit trail. It is Strata's own database, never a target.
 */

/** Anything that runs queries: a pool, a reserved connection or a transaction. */
export type ConsoleQueryable = Sql | postgres.TransactionSql<Record<string, never>> | postgres.ReservedSql<Record<string, never>>;

/** The advisory lock keys of the console schema ("CO", …); two-int keys never meet a target's lock. */
export const CONSOLE_LOCK_CLASS = 0x434f;
export const CONSOLE_LOCKS = { schema: 1, users: 2, audit: 3, signIn: 4 } as const;
/**
 * A job-queue worker process (lib/queue/worker-registry.ts) holds the key
 * QUEUE_WORKER_LOCK_BASE + its console.queue_workers id for its lifetime, on a connection of
 * its own: PostgreSQL drops the lock when that process dies, which is how others know.
 * Far above CONSOLE_LOCKS, so the two never meet.
 */
export const QUEUE_WORKER_LOCK_BASE = 1_000_000;

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

/**
 * One cached pool per console database URL. Ten connections: sign-in holds one only for
 * milliseconds (never while hashing), so pages are not starved by a burst of sign-ins.
 */
export function consoleSql(config: StrataConfig): Sql {
  const { pools } = registry();
  const url = config.consoleDatabaseUrl;
  let sql = pools.get(url);
  if (!sql) {
    sql = connect(url, { max: 10, applicationName: 'strata:console' });
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

/** Ends every cached console pool: a CLI process, once its command is done, so it exits at once. */
export async function closeConsolePools(): Promise<void> {
  const { pools, ensured, ensuring } = registry();
  const open = [...pools.values()];
  pools.clear();
  ensured.clear();
  ensuring.clear();
  await Promise.all(open.map((sql) => sql.end({ timeout: 5 })));
}

/** Runs `work` on the console database, its schema created or upgraded first (once per process and database). */
export async function withConsole<T>(config: StrataConfig, work: (sql: Sql) => Promise<T>): Promise<T> {
  const sql = consoleSql(config);
  const { ensured, ensuring } = registry();
  const url = config.consoleDatabaseUrl;
  if (!ensured.has(url)) {
    let pending = ensuring.get(url);
    if (!pending) {
      pending = ensureFor(config, sql).then(
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

/**
 * The schema is created (or upgraded) by the owner role when one is configured
 * (STRATA_CONSOLE_OWNER_URL; the embedded demo's superuser), which then grants the
 * console's own role what it needs and no more: it can append to the audit trail and read
 * it, never change or remove a row. Without an owner the console's role creates the schema
 * itself and owns the audit table, which `auditProtection` reports.
 */
async function ensureFor(config: StrataConfig, sql: Sql): Promise<void> {
  if (await schemaCurrent(sql)) return;
  const ownerUrl = config.consoleOwnerUrl;
  // The job queue's schema (graphile_worker, lib/queue) lives beside the console's, installed
  // and upgraded by the same role, which grants the console's role what a worker needs.
  if (!ownerUrl || ownerUrl === config.consoleDatabaseUrl) {
    await ensureQueueSchema(config.consoleDatabaseUrl, null);
    return ensureConsoleSchema(sql);
  }
  const owner = connect(ownerUrl, { max: 1, applicationName: 'strata:console-owner' });
  try {
    await ensureQueueSchema(ownerUrl, userOf(config.consoleDatabaseUrl));
    await ensureConsoleSchema(owner, userOf(config.consoleDatabaseUrl));
  } finally {
    await owner.end({ timeout: 5 });
  }
}

function userOf(url: string): string {
  return decodeURIComponent(parseDatabaseUrl(url).username);
}

/**
 * Creates or upgrades the console schema when its DDL changed; one cheap query when it is
 * current. Idempotent. `grantTo`: the console's own role, given table rights but only
 * SELECT and INSERT on the audit trail.
 */
export async function ensureConsoleSchema(owner: Sql, grantTo: string | null = null): Promise<void> {
  if ((await schemaCurrent(owner)) && !grantTo) return;
  await owner.begin(async (tx) => {
    // Two servers starting at once: the second waits, then finds everything in place.
    await tx`select pg_advisory_xact_lock(${CONSOLE_LOCK_CLASS}, ${CONSOLE_LOCKS.schema})`;
    await tx.unsafe(CONSOLE_DDL);
    if (grantTo) await tx.unsafe(grants(grantTo));
    await tx`insert into console.schema_meta (id, ddl_sha) values (1, ${CONSOLE_DDL_SHA}) on conflict (id) do update set ddl_sha = excluded.ddl_sha`;
  });
}

function grants(role: string): string {
  const r = quoteIdent(role);
  return `
    REVOKE ALL ON SCHEMA console FROM ${r};
    GRANT USAGE ON SCHEMA console TO ${r};
    GRANT SELECT ON console.schema_meta TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${CONSOLE_TABLES.map((t) => `console.${t}`).join(', ')} TO ${r};
    REVOKE ALL ON console.audit_log FROM ${r};
    GRANT SELECT, INSERT ON console.audit_log TO ${r};
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA console TO ${r};
    GRANT SELECT, UPDATE ON console.queue_workers_id_seq TO ${r};`;
}

async function schemaCurrent(sql: Sql): Promise<boolean> {
  try {
    const [row] = await sql`select to_regclass('console.schema_meta') is not null as present`;
    if (!row?.present) return false;
    const [queue] = await sql`select to_regclass('graphile_worker.migrations') is not null as present`;
    if (!queue?.present) return false;
    // A dropped or disabled append-only trigger counts as out of date: it is put back.
    const [meta] = await sql`
      select ddl_sha, exists (select 1 from pg_trigger where tgrelid = to_regclass('console.audit_log')
                              and tgname = 'audit_log_append_only' and tgenabled <> 'D') as guarded
      from console.schema_meta where id = 1`;
    return meta?.ddl_sha === CONSOLE_DDL_SHA && Boolean(meta?.guarded);
  } catch {
    return false;
  }
}

/** How well the audit trail is protected from the console's own database role. */
export interface AuditProtection {
  /** True when the console's role can only read and append audit entries. */
  appendOnly: boolean;
  /** What the role could do to existing entries, in words; empty when appendOnly. */
  risks: string[];
}

/** Asks PostgreSQL what the connected role may do to console.audit_log. */
export async function auditProtection(sql: Sql): Promise<AuditProtection> {
  const [row] = await sql`
    select r.rolsuper as superuser,
           pg_has_role(current_user, c.relowner, 'USAGE') as owner,
           has_table_privilege(current_user, 'console.audit_log', 'UPDATE') as can_update,
           has_table_privilege(current_user, 'console.audit_log', 'DELETE') as can_delete,
           has_table_privilege(current_user, 'console.audit_log', 'TRUNCATE') as can_truncate,
           has_table_privilege(current_user, 'console.audit_log', 'TRIGGER') as can_trigger
    from pg_class c, pg_roles r
    where c.oid = 'console.audit_log'::regclass and r.rolname = current_user`;
  const risks: string[] = [];
  if (row?.superuser) risks.push('the console connects as a superuser, which can disable the append-only trigger');
  else if (row?.owner) risks.push('the console\'s role owns console.audit_log, so it can disable the append-only trigger');
  const verbs = ['update', 'delete', 'truncate', 'trigger'].filter((v) => row?.[`can_${v}`]);
  if (!row?.superuser && verbs.length) risks.push(`the console's role holds ${verbs.map((v) => v.toUpperCase()).join(', ')} on console.audit_log`);
  return { appendOnly: risks.length === 0, risks };
}

/** Every console table the console's role reads and writes (the audit trail is granted apart). */
const CONSOLE_TABLES = ['users', 'sign_in_attempts', 'change_requests', 'expected_schemas', 'operations', 'erd_views', 'fleet_targets', 'queue_workers', 'rollouts', 'rollout_targets'];

const CONSOLE_DDL = `
  CREATE SCHEMA IF NOT EXISTS console;

  -- Which version of this DDL the schema was last brought to (its sha256).
  CREATE TABLE IF NOT EXISTS console.schema_meta (
    id integer PRIMARY KEY CHECK (id = 1),
    ddl_sha text NOT NULL
  );

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
  -- Who made the account and who gave it its current role, and when: an approval counts
  -- only from someone the requester did not make or promote, before the request.
  ALTER TABLE console.users ADD COLUMN IF NOT EXISTS created_by text;
  ALTER TABLE console.users ADD COLUMN IF NOT EXISTS role_changed_by text;
  ALTER TABLE console.users ADD COLUMN IF NOT EXISTS role_changed_at timestamptz;
  UPDATE console.users SET role_changed_at = created_at WHERE role_changed_at IS NULL;
  ALTER TABLE console.users ALTER COLUMN role_changed_at SET DEFAULT now();
  ALTER TABLE console.users ALTER COLUMN role_changed_at SET NOT NULL;

  CREATE TABLE IF NOT EXISTS console.sign_in_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ip text NOT NULL,
    username text NOT NULL,
    ok boolean NOT NULL,
    -- invalid, disabled, throttled or pending when not ok.
    reason text CHECK (reason IN ('invalid', 'disabled', 'throttled', 'pending')),
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
  CREATE INDEX IF NOT EXISTS sign_in_attempts_ip_at ON console.sign_in_attempts (ip, at);
  CREATE INDEX IF NOT EXISTS sign_in_attempts_username_at ON console.sign_in_attempts (username, at);
  -- An attempt is reserved as 'pending' (counted as a failure) before its password is
  -- hashed outside any transaction, then settled (consoles made before 'pending' existed
  -- get the new check). slot_at: when an attempt slowed by the per-user rule may be
  -- checked (lib/auth/sign-in.ts).
  ALTER TABLE console.sign_in_attempts DROP CONSTRAINT IF EXISTS sign_in_attempts_reason_check;
  ALTER TABLE console.sign_in_attempts ADD CONSTRAINT sign_in_attempts_reason_check CHECK (reason IN ('invalid', 'disabled', 'throttled', 'pending'));
  ALTER TABLE console.sign_in_attempts ADD COLUMN IF NOT EXISTS slot_at timestamptz;
  -- The addresses a user signed in from (exempt from the per-user rule).
  CREATE INDEX IF NOT EXISTS sign_in_attempts_known ON console.sign_in_attempts (username, ip, at) WHERE ok;

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
  -- The session executing a request (its application_name on the target), so that a
  -- restart can tell a running execution from one whose process is gone.
  ALTER TABLE console.change_requests ADD COLUMN IF NOT EXISTS executor text;
  -- What a request asks for: 'change' (an apply or rollback: direction, to_tag, steps) or a
  -- kind whose input is its payload, validated by the kind (lib/console/request-kinds.ts) —
  -- 'resolve', 'skip', 'unskip'. Requests filed before kinds existed are changes.
  ALTER TABLE console.change_requests ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'change';
  ALTER TABLE console.change_requests ADD COLUMN IF NOT EXISTS payload jsonb;
  ALTER TABLE console.change_requests ALTER COLUMN direction DROP NOT NULL;
  ALTER TABLE console.change_requests DROP CONSTRAINT IF EXISTS change_requests_kind_check;
  ALTER TABLE console.change_requests ADD CONSTRAINT change_requests_kind_check CHECK (kind ~ '^[a-z][a-z-]{1,39}$');
  ALTER TABLE console.change_requests DROP CONSTRAINT IF EXISTS change_requests_change_direction;
  ALTER TABLE console.change_requests ADD CONSTRAINT change_requests_change_direction CHECK (kind <> 'change' OR direction IS NOT NULL);
  CREATE INDEX IF NOT EXISTS change_requests_environment ON console.change_requests (environment, id);
  CREATE INDEX IF NOT EXISTS change_requests_open ON console.change_requests (expires_at) WHERE status IN ('pending', 'approved');
  -- The rehearsal started for an apply request when it was filed (an operation of kind
  -- 'rehearse'): its approver sees what the plan did on a scratch copy beside the diff.
  ALTER TABLE console.change_requests ADD COLUMN IF NOT EXISTS rehearsal_operation bigint;

  -- The schema a list of applied change sets (tag and checksum, in order) produces, built
  -- once on a shadow database and kept: a drift check is then one introspection and a diff.
  CREATE TABLE IF NOT EXISTS console.expected_schemas (
    key text PRIMARY KEY,
    applied jsonb NOT NULL,
    server_version integer NOT NULL,
    model jsonb NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    computed_ms integer NOT NULL
  );

  -- Every apply, rollback, dry run, seed, reset and request execution the console starts: its
  -- input, who started it, its state, the progress the engine reported and its outcome, so a
  -- reload, a second browser or a restart all see the same thing.
  CREATE TABLE IF NOT EXISTS console.operations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('apply', 'rollback', 'dry-run', 'seed', 'reset', 'request-execution', 'backup-restore', 'promotion', 'rehearse')),
    environment text NOT NULL,
    request jsonb NOT NULL,
    actor text NOT NULL,
    role text NOT NULL,
    state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'succeeded', 'failed', 'interrupted')),
    events jsonb NOT NULL DEFAULT '[]',
    event_count integer NOT NULL DEFAULT 0,
    result jsonb,
    error jsonb,
    -- host:pid of the process running it: a restart tells a live run from one whose process is gone.
    executor text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  );
  -- Who asked to cancel a run waiting for a lock (lib/console/lock-wait-control.ts): the run reads it before each retry.
  ALTER TABLE console.operations ADD COLUMN IF NOT EXISTS cancel_requested_by text;
  ALTER TABLE console.operations ADD COLUMN IF NOT EXISTS cancel_requested_at timestamptz;
  -- Operations run on the queue (lib/console/operation-execution.ts): no executor until a worker takes the job.
  ALTER TABLE console.operations ALTER COLUMN executor DROP NOT NULL;
  CREATE INDEX IF NOT EXISTS operations_environment ON console.operations (environment, id);
  CREATE INDEX IF NOT EXISTS operations_running ON console.operations (environment) WHERE state = 'running';
  -- Rehearsals (the plan run for real on a scratch copy, lib/rehearse) are operations too.
  ALTER TABLE console.operations DROP CONSTRAINT IF EXISTS operations_kind_check;
  ALTER TABLE console.operations ADD CONSTRAINT operations_kind_check
    CHECK (kind IN ('apply', 'rollback', 'dry-run', 'seed', 'reset', 'request-execution', 'backup-restore', 'promotion', 'rehearse'));

  -- Named ERD views (lib/console/erd-views.ts): a view's canonical query string
  -- (lib/erd/view-state.ts) and the table positions its author arranged, shared by link.
  -- Names are unique per environment whatever their case, so two concurrent saves of one
  -- name cannot both win.
  CREATE TABLE IF NOT EXISTS console.erd_views (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    environment text NOT NULL,
    name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
    query text NOT NULL,
    positions jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(positions) = 'object'),
    created_by text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE UNIQUE INDEX IF NOT EXISTS erd_views_name ON console.erd_views (environment, lower(name));

  -- The fleet overview's cache (lib/fleet/fleet-overview.ts): where each target of a fleet
  -- stood when it was last read, for the project version project_key names. Counts, filters
  -- and pages of the fleet page are queries over it; rows older than a few minutes, or of
  -- another project version, are read again from the targets.
  CREATE TABLE IF NOT EXISTS console.fleet_targets (
    fleet text NOT NULL,
    target text NOT NULL,
    project_key text NOT NULL,
    state text NOT NULL CHECK (state IN ('at-head', 'pending', 'failed', 'out-of-order', 'drifted', 'unreachable')),
    applied integer NOT NULL,
    pending integer NOT NULL,
    last_tag text,
    last_migration_at timestamptz,
    -- Each change set's state on the target, in journal order (lib/migrate/target-state.ts's names).
    cells jsonb NOT NULL CHECK (jsonb_typeof(cells) = 'array'),
    drift_changes integer,
    problem text,
    checked_at timestamptz NOT NULL,
    check_ms integer NOT NULL,
    PRIMARY KEY (fleet, target)
  );
  CREATE INDEX IF NOT EXISTS fleet_targets_state ON console.fleet_targets (fleet, state, target);

  -- The processes running job-queue workers (lib/queue/worker-registry.ts): each holds the
  -- advisory lock (CONSOLE_LOCK_CLASS, QUEUE_WORKER_LOCK_BASE + id) while it lives, so any other
  -- worker can tell a dead one and free the jobs its graphile-worker ids had locked.
  CREATE TABLE IF NOT EXISTS console.queue_workers (
    id integer PRIMARY KEY,
    worker_ids text[] NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE SEQUENCE IF NOT EXISTS console.queue_workers_id_seq AS integer;

  -- Rollouts of a project to a fleet in waves (lib/fleet/rollout-*.ts). Target URLs are never
  -- stored (they carry passwords): a job resolves the fleet again from the configuration, or
  -- from fleet_file, the path of the CLI's --fleet-file. driver: the queue_workers id of the
  -- process that waits for it (a CLI rollout); a rerun takes over a rollout whose driver is gone.
  CREATE TABLE IF NOT EXISTS console.rollouts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fleet text NOT NULL,
    fleet_file text,
    project_dir text NOT NULL,
    to_tag text,
    waves jsonb NOT NULL,
    concurrency integer NOT NULL CHECK (concurrency >= 1),
    max_failures integer NOT NULL CHECK (max_failures >= 0),
    state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'succeeded', 'failed')),
    actor text NOT NULL,
    driver integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    error text
  );
  -- One unfinished rollout per fleet: a second one is refused by the database itself.
  CREATE UNIQUE INDEX IF NOT EXISTS rollouts_one_open_per_fleet ON console.rollouts (fleet) WHERE state IN ('running', 'paused');
  -- A protected fleet's rollout: the approved change request (kind 'rollout') that started it.
  ALTER TABLE console.rollouts ADD COLUMN IF NOT EXISTS request bigint;
  CREATE TABLE IF NOT EXISTS console.rollout_targets (
    rollout bigint NOT NULL REFERENCES console.rollouts (id) ON DELETE CASCADE,
    name text NOT NULL,
    wave integer NOT NULL CHECK (wave >= 0),
    state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'running', 'succeeded', 'failed', 'skipped-at-head')),
    applied text[] NOT NULL DEFAULT '{}',
    error text,
    attempts integer NOT NULL DEFAULT 0,
    started_at timestamptz,
    finished_at timestamptz,
    PRIMARY KEY (rollout, name)
  );
  CREATE INDEX IF NOT EXISTS rollout_targets_state ON console.rollout_targets (rollout, wave, state);

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
  -- An intent ('started') is written before every change; its outcome row names it.
  ALTER TABLE console.audit_log ADD COLUMN IF NOT EXISTS intent_id bigint;
  ALTER TABLE console.audit_log DROP CONSTRAINT IF EXISTS audit_log_outcome_check;
  ALTER TABLE console.audit_log ADD CONSTRAINT audit_log_outcome_check CHECK (outcome IN ('started', 'ok', 'denied', 'failed'));
  CREATE INDEX IF NOT EXISTS audit_log_actor ON console.audit_log (actor, id);
  CREATE INDEX IF NOT EXISTS audit_log_environment ON console.audit_log (environment, id);
  CREATE INDEX IF NOT EXISTS audit_log_intent ON console.audit_log (intent_id) WHERE intent_id IS NOT NULL;
  -- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE (the hash chain and the
  -- head kept outside the database catch the rest).
  CREATE OR REPLACE FUNCTION console.audit_log_is_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'console.audit_log is append-only'; END $$;
  DROP TRIGGER IF EXISTS audit_log_append_only ON console.audit_log;
  CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON console.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION console.audit_log_is_append_only();
`;

const CONSOLE_DDL_SHA = createHash('sha256').update(CONSOLE_DDL).digest('hex');
