import { readProject, type Project } from '../changesets/project';
import type { Environment, Protection, StrataConfig } from '../config/environments';
import { failureReason } from '../db/client';
import { safeMessage, secretUrlsOf } from '../db/safe-message';
import { isStrataError } from '../errors';
import { readTargetStatus } from '../migrate/read-status';

/**
 * What the home page cards and GET /api/health show for one environment. It carries no
 * connection string: this object is sent to browsers.
 */
export interface EnvironmentHealth {
  name: string;
  protection: Protection;
  reachable: boolean;
  /** Tag of the last applied change set, or null when none is applied. */
  schemaVersion: string | null;
  /** Position of that change set in the journal (0-based), for "N of M" displays. */
  schemaVersionIndex: number | null;
  totalChangeSets: number;
  applied: number;
  lastMigrationAt: string | null;
  pending: number;
  failed: number;
  /** No-transaction runs with no outcome (running now, or stopped half-way); they block like failures. */
  interrupted: number;
  outOfOrder: number;
  checksumMismatch: number;
  error: string | null;
  checkedAt: string;
}

/** `secretUrls`: every URL whose parts the error must not show (the configuration's, see secretUrlsOf). */
export async function environmentHealth(env: Environment, project: Project, secretUrls: readonly string[] = [env.url]): Promise<EnvironmentHealth> {
  const base = {
    name: env.name,
    protection: env.protection,
    totalChangeSets: project.changeSets.length,
    checkedAt: new Date().toISOString(),
  };
  try {
    const status = await readTargetStatus(env.url, project);
    const index = status.schemaVersion ? project.changeSets.findIndex((c) => c.tag === status.schemaVersion) : -1;
    return {
      ...base,
      reachable: true,
      schemaVersion: status.schemaVersion,
      schemaVersionIndex: index >= 0 ? index : null,
      lastMigrationAt: status.lastMigrationAt?.toISOString() ?? null,
      applied: status.counts.applied,
      pending: status.counts.pending,
      failed: status.counts.failed,
      interrupted: status.counts.interrupted,
      outOfOrder: status.counts.out_of_order,
      checksumMismatch: status.counts.checksum_mismatch,
      error: null,
    };
  } catch (error) {
    return {
      ...base,
      reachable: false,
      schemaVersion: null,
      schemaVersionIndex: null,
      lastMigrationAt: null,
      applied: 0,
      pending: 0,
      failed: 0,
      interrupted: 0,
      outOfOrder: 0,
      checksumMismatch: 0,
      // This object goes to browsers: what went wrong, never where the target is or who logs in.
      error: safeMessage(isStrataError(error, 'CONNECTION_FAILED') ? `Cannot connect: ${failureReason(error)}` : failureReason(error), [env.url, ...secretUrls]),
    };
  }
}

/** Health of every configured environment, checked in parallel. */
export async function allEnvironmentHealth(config: StrataConfig): Promise<EnvironmentHealth[]> {
  const project = readProject(config.projectDir);
  const secretUrls = secretUrlsOf(config);
  return Promise.all(config.environments.map((env) => environmentHealth(env, project, secretUrls)));
}
