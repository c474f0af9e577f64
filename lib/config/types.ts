import type { EmbeddedSettings } from './embedded-settings';

/*
 * The shape of Strata's configuration (loadConfig in environments.ts reads it from
 * environment variables). This module imports nothing of config but the embedded
 * settings, so every config module can name these without an import cycle.
 */

/**
 * How much care an environment needs: `open` allows seed/reset, `guarded` asks for
 * confirmation on one-click actions, `protected` needs two-person approval.
 */
export const protectionLevels = ['open', 'guarded', 'protected'] as const;
export type Protection = (typeof protectionLevels)[number];

/**
 * When Strata copies data before a change set runs (lib/backup/policy.ts): `destructive`
 * copies what it can destroy, `always` every table it touches, `off` nothing; and how many
 * copies it keeps, for how long.
 */
export const backupModes = ['off', 'destructive', 'always'] as const;
export type BackupMode = (typeof backupModes)[number];

export interface BackupPolicy {
  mode: BackupMode;
  /** Keep at most this many backups per environment (the newest). */
  keep: number;
  /** Remove backups older than this many days. */
  maxAgeDays: number;
}

/** A named target database. The URL is a secret: it never leaves the server. */
export interface Environment {
  name: string;
  url: string;
  protection: Protection;
  /** Copies before change sets and their retention (STRATA_ENV_<NAME>_BACKUP…); unset: the default for its protection (see backupPolicyOf). */
  backup?: BackupPolicy;
  /** Retries after a lock timeout (STRATA_ENV_<NAME>_LOCK_RETRIES, 0: fail at once); unset: the default, 5 (lib/migrate/lock-wait.ts). */
  lockRetries?: number;
  /** Replay lag above which batched statements wait (STRATA_ENV_<NAME>_MAX_REPLICATION_LAG, e.g. 10s); unset: 10 s (lib/migrate/batched-run.ts). */
  maxReplicationLagMs?: number;
  /**
   * Schema-per-tenant (a target of a `schemas` fleet): the tenant's schema in the database of
   * `url`. The project's SQL runs with it as search_path and the history is kept apart, in
   * `strata_t_<schema>` (lib/migrate/target-place.ts). Unset: the whole database, history in `strata`.
   */
  schema?: string;
}

/** Where a fleet's targets come from. */
export type FleetSource =
  /** A fixed list: STRATA_ENV_<NAME>_URLS, STRATA_ENV_<NAME>_URLS_FILE (one URL per line), or `--fleet-file FILE`. */
  | { kind: 'urls'; urls: string[] }
  /** Discovery on one server: every database whose name matches `pattern` (SQL LIKE), found when the fleet is read. */
  | { kind: 'databases'; serverUrl: string; pattern: string }
  /** Schema-per-tenant on one database: every schema whose name matches `pattern` (SQL LIKE) is a target (STRATA_ENV_<NAME>_DISCOVER_SCHEMAS). */
  | { kind: 'schemas'; url: string; pattern: string };

/**
 * A fleet: one project rolled out to many target databases (a database per tenant, or many
 * regional copies of one service). Each target is migrated exactly as a single environment
 * is; the fleet adds where the targets come from, the rollout in waves, and an overview.
 */
export interface Fleet {
  name: string;
  /** Applies to every target: a protected fleet's rollout needs two-person approval, as a whole. */
  protection: Protection;
  source: FleetSource;
  backup?: BackupPolicy;
  lockRetries?: number;
}

export interface StrataConfig {
  /** `embedded`: Strata starts its own PostgreSQL under .strata/; `external`: URLs from the environment. */
  mode: 'embedded' | 'external';
  environments: Environment[];
  consoleDatabaseUrl: string;
  /**
   * The role that owns the console schema and creates or upgrades it, granting the
   * console's role (consoleDatabaseUrl) only SELECT and INSERT on the audit trail:
   * STRATA_CONSOLE_OWNER_URL, or the embedded superuser. Null: the console's role owns it.
   */
  consoleOwnerUrl: string | null;
  /**
   * The server on which shadow databases (shadow dry runs, drift checks, docs) are built:
   * STRATA_SHADOW_DATABASE_URL, else the console database's server. Never a target's.
   */
  shadowServerUrl: string;
  /** The Drizzle project folder Strata manages. */
  projectDir: string;
  /**
   * Where the audit chain's head (newest id and hash) is also kept, outside the console
   * database, so that cutting the newest entries is noticed: STRATA_AUDIT_HEAD_FILE, else
   * audit-head.json under STRATA_HOME.
   */
  auditHeadFile: string;
  embedded: EmbeddedSettings;
  /**
   * STRATA_BACKUP_DIR: backups go there as compressed COPY files, one folder per
   * environment, instead of into a schema of the target. Null: into the target.
   */
  backupDir: string | null;
  /** The strata.config.ts the settings were read from (README, "The config file"); null or unset: none. */
  configFile?: string | null;
  /** Fleets: one project rolled out to many databases (lib/fleet/); unset: none. */
  fleets?: Fleet[];
  /** What two-person approval needs: a change request expires this many hours after it is filed (unset: 24). */
  approvals?: { requestHours?: number };
}
