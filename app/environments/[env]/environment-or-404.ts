import 'server-only';
import { notFound } from 'next/navigation';
import { readProject, type Project } from '@/lib/changesets/project';
import { findEnvironment, loadConfig, type Environment, type StrataConfig } from '@/lib/config/environments';
import { isStrataError } from '@/lib/errors';

/** The configured environment named in the URL, with config and project; Next's 404 page otherwise. */
export function environmentOr404(name: string): { config: StrataConfig; environment: Environment; project: Project } {
  const config = loadConfig();
  try {
    return { config, environment: findEnvironment(config, name), project: readProject(config.projectDir) };
  } catch (error) {
    if (isStrataError(error, 'UNKNOWN_ENVIRONMENT')) notFound();
    throw error;
  }
}
