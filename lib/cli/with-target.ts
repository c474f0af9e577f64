import { readProject, type Project } from '../changesets/project';
import { loadConfig, type StrataConfig } from '../config/environments';
import { ensureEmbeddedRunning } from '../embedded/ensure-running';
import { engineLogger } from '../observability/logger';
import { alreadyAudited, isDenial } from '../console/audited';
import { auditRefusal } from '../console/refusals';
import type { StrataError } from '../errors';
import { resolveActor, resolveTarget, type Target } from './targets';

/** The flags that pick a target (TARGET_FLAGS), the command's name and actor for a refusal's audit entry, and the project (PROJECT_FLAGS). */
export interface TargetOptions {
  command: string;
  env?: string;
  databaseUrl?: string;
  actor?: string;
  dir?: string;
  /** A run's --backup MODE (BACKUP_FLAGS), where the command takes it. */
  backup?: string;
}

/** Runs `body` with the target reachable: starts the embedded demo when it is needed and not running. */
export async function withReachableTarget<T>(options: TargetOptions, body: (target: Target, config: StrataConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const target = resolveTarget(config, options);
  const embedded = target.embedded ? await ensureEmbeddedRunning(config, engineLogger()) : null;
  try {
    return await body(target, config);
  } catch (error) {
    // A refusal (unconfirmed, protected, forbidden) on a configured environment is audited like the console's.
    if (target.name !== null && isDenial(error) && !alreadyAudited(error)) {
      await auditRefusal(config, {
        actor: resolveActor(options.actor),
        role: 'cli',
        action: options.command,
        environment: target.name,
        detail: `${(error as StrataError).code}: ${(error as StrataError).message}`,
        source: 'cli',
      });
    }
    throw error;
  } finally {
    await embedded?.stop();
  }
}

/** Like withReachableTarget, with the Drizzle project (--dir) read and validated first. */
export async function withTarget<T>(options: TargetOptions, body: (target: Target, project: Project, config: StrataConfig) => Promise<T>): Promise<T> {
  const project = readProject(options.dir ?? loadConfig().projectDir);
  return withReachableTarget(options, (target, config) => body(target, project, config));
}

