import path from 'node:path';
import { demoPolicies } from '../../drizzle/demo/policies';
import type { TablePolicy } from './types';

/**
 * Policy sets by the project folder they describe (its last two path segments), the same
 * way seed sets are found: `drizzle/demo/policies.ts` serves `drizzle/demo`. Registered
 * statically rather than loaded from a path at run time so the console's server bundle and
 * the CLI read the very same, type-checked declarations.
 */
const POLICY_SETS: Record<string, TablePolicy[]> = {
  'drizzle/demo': demoPolicies,
};

/** The declared policies of a project folder; none (every table "unclassified") for others. */
export function policiesFor(projectDir: string): TablePolicy[] {
  const key = path.resolve(projectDir).split(path.sep).filter(Boolean).slice(-2).join('/');
  return POLICY_SETS[key] ?? [];
}
