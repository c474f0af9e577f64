import os from 'node:os';
import path from 'node:path';

/**
 * The environment variables of a console with one configured environment on real scratch
 * databases, as a test's process (or a child it spawns) reads them with loadConfig: the
 * secrets a console needs, its audit head in the temp folder, the shared test server as the
 * shadow server. `label` keeps the secrets and the head file apart between test files.
 */
export function consoleTestEnv(options: {
  label: string;
  environment: { name: string; url: string; protection?: 'open' | 'guarded' | 'protected' };
  consoleUrl: string;
  shadowUrl?: string;
  projectDir?: string;
}): Record<string, string> {
  const key = `STRATA_ENV_${options.environment.name.toUpperCase().replace(/-/g, '_')}`;
  return {
    STRATA_ENVIRONMENTS: options.environment.name,
    [`${key}_URL`]: options.environment.url,
    ...(options.environment.protection ? { [`${key}_PROTECTION`]: options.environment.protection } : {}),
    STRATA_CONSOLE_DATABASE_URL: options.consoleUrl,
    ...(options.shadowUrl ? { STRATA_SHADOW_DATABASE_URL: options.shadowUrl } : {}),
    STRATA_AUDIT_KEY: `${options.label}-audit-key-0123456789`,
    AUTH_SECRET: `${options.label}-auth-secret-0123456789`,
    STRATA_AUDIT_HEAD_FILE: path.join(os.tmpdir(), `strata-${options.label}-head-${process.pid}.json`),
    ...(options.projectDir ? { STRATA_PROJECT_DIR: options.projectDir } : {}),
  };
}
