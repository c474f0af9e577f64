import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { embeddedSettings, embeddedUrl } from '../../lib/config/embedded-settings';
import { startCluster } from '../../lib/embedded/cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser URL of the test cluster's `postgres` database; tests create their own databases. */
    pgAdminUrl: string;
  }
}

/**
 * Starts one real PostgreSQL (embedded) for the whole vitest run, in a fresh data
 * directory, on its own port so it never meets a running `npm start`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = process.cwd();
  // Overridable so that two vitest runs on one machine (say, two people's terminals) never share a cluster.
  const env = { STRATA_HOME: process.env.STRATA_TEST_HOME ?? '.strata/test', STRATA_EMBEDDED_PORT: process.env.STRATA_TEST_PG_PORT ?? '54339' };
  const settings = embeddedSettings(env, root);
  fs.rmSync(path.join(settings.home), { recursive: true, force: true });
  const cluster = await startCluster(settings);
  project.provide('pgAdminUrl', embeddedUrl(settings, 'postgres'));
  return async () => {
    await cluster.stop();
  };
}
