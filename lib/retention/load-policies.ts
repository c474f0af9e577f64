import { loadProject } from '../project/load-project';
import type { TablePolicy } from './types';

/**
 * The retention policies a project folder declares in its strata.config.ts; none (every
 * table "unclassified") when it has no config or the config declares none.
 */
export async function policiesFor(projectDir: string): Promise<TablePolicy[]> {
  return (await loadProject(projectDir)).definition.policies ?? [];
}
