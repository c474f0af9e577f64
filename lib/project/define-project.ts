import type { BackupMode, Protection } from '../config/types';
import type { TablePolicy } from '../retention/types';
import type { SeedSet } from '../seed/types';

/**
 * One target database declared in the config file. Its URL is a secret, so the file names the
 * environment variable that holds it (`urlEnv`); a literal `url` is accepted only without a
 * password (e.g. peer or certificate authentication) and refused with one.
 */
export interface EnvironmentSettings {
  /** The environment variable holding the URL, e.g. 'PRODUCTION_DATABASE_URL'. */
  urlEnv?: string;
  /** A URL without a password; one with a password is refused (put it in a variable). */
  url?: string;
  /** Unset: protected, the safest level. */
  protection?: Protection;
  /** Unset keys: the default for the protection (lib/backup/policy.ts). */
  backup?: { mode?: BackupMode; keep?: number; maxAgeDays?: number };
  /** Retries after a lock timeout; 0 fails at once. Unset: 5. */
  lockRetries?: number;
  /** A duration such as '10s' or '500ms': replay lag above which batched statements wait. */
  maxReplicationLag?: string;
  /** Makes this entry a fleet (many target databases, lib/fleet/) instead of one database: then neither urlEnv nor url. */
  fleet?: FleetSettings;
}

/**
 * Where a fleet's targets come from, exactly one of: the variable holding their URLs (comma or
 * whitespace separated), a file of URLs (one a line, relative to this file; it holds secrets, so
 * keep it out of the repository), or discovery of databases on one server by a LIKE pattern.
 */
export interface FleetSettings {
  /** e.g. 'TENANT_DATABASE_URLS': a variable holding the URLs, comma or whitespace separated. */
  urlsEnv?: string;
  /** e.g. './tenants.txt': one URL per line, # comments. */
  urlsFile?: string;
  /** Every database on the server of `serverUrlEnv` (a variable holding a URL) whose name matches `databases` (SQL LIKE, e.g. 'tenant_%'). */
  discover?: { serverUrlEnv: string; databases: string };
  /**
   * Schema-per-tenant on one database (README, "Schema-per-tenant fleets"): every schema whose
   * name matches this LIKE pattern (e.g. 'tenant_%') is a target. The database is the entry's
   * own urlEnv or url (or STRATA_ENV_<NAME>_URL).
   */
  schemas?: string;
}

/**
 * Strata's settings, as an alternative to its environment variables. A variable that is set
 * wins over the file, key by key (README, "The config file").
 */
export interface StrataSettings {
  /** The Drizzle project folder (migrations/ and rollback/), relative to this file. Unset: STRATA_PROJECT_DIR, else drizzle/demo. */
  projectDir?: string;
  /** The targets, in the order the console lists them (STRATA_ENVIRONMENTS and STRATA_ENV_<NAME>_…). */
  environments?: Record<string, EnvironmentSettings>;
  /** The console's own database (STRATA_CONSOLE_DATABASE_URL): the variable holding its URL. */
  console?: { urlEnv: string };
  /** What a two-person approval needs: how long a change request stays open before it expires. */
  approvals?: { requestHours?: number };
}

/**
 * What a managed project brings besides its change sets, declared in `strata.config.ts` at
 * the root of its folder (beside `migrations/` and `rollback/`) or beside drizzle.config.ts
 * with `projectDir` naming the folder; it may also carry Strata's settings (StrataSettings):
 *
 * ```ts
 * import { defineProject } from '…/lib/project/define-project';
 * import { policies } from './policies';
 * import { seeds } from './seeds';
 *
 * export default defineProject({ policies, seeds });
 * ```
 *
 * The config imports the values themselves rather than naming files, so a project's
 * policies (`retentionPolicy(table, …)`) and seed steps are type-checked against its own
 * Drizzle tables, and Strata loads them at run time (lib/project/load-project.ts).
 */
export interface ProjectDefinition extends StrataSettings {
  /** Retention and classification per table; tables without one are "unclassified". */
  policies?: TablePolicy[];
  /** The deterministic data `strata seed` and the console's seed and reset write; omit for none. */
  seeds?: SeedSet;
  /**
   * Tags of change sets an operator may skip on an environment (`strata skip TAG`). Declared
   * here, not in the SQL file, so that declaring one never changes the checksum of history
   * already applied.
   */
  optional?: string[];
}

/** Types a project's `strata.config.ts` default export, as drizzle-kit's `defineConfig` does. */
export function defineProject(definition: ProjectDefinition): ProjectDefinition {
  return definition;
}

/** The same helper under the name `strata init` writes: settings, policies and seeds share one file. */
export const defineStrataConfig = defineProject;
