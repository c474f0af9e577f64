import type { TablePolicy } from '../retention/types';
import type { SeedSet } from '../seed/types';

/**
 * What a managed project brings besides its change sets, declared in `strata.config.ts` at
 * the root of its folder (beside `migrations/` and `rollback/`):
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
export interface ProjectDefinition {
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
