import os from 'node:os';
import path from 'node:path';
import { embeddedSettings } from '../../lib/config/embedded-settings';
import type { Environment, StrataConfig } from '../../lib/config/environments';

/**
 * A configuration of real servers for tests and benches, with what they do not care about
 * filled in: no console owner (the console's role owns its schema), the audit head in the
 * temp folder, no embedded settings in use.
 */
export function externalConfig(fields: {
  consoleDatabaseUrl: string;
  shadowServerUrl: string;
  environments?: Environment[];
  projectDir?: string;
  backupDir?: string | null;
}): StrataConfig {
  return {
    mode: 'external',
    projectDir: fields.projectDir ?? '/nonexistent',
    consoleDatabaseUrl: fields.consoleDatabaseUrl,
    consoleOwnerUrl: null,
    auditHeadFile: path.join(os.tmpdir(), `strata-test-audit-head-${process.pid}.json`),
    shadowServerUrl: fields.shadowServerUrl,
    embedded: embeddedSettings({}, os.tmpdir()),
    environments: fields.environments ?? [],
    backupDir: fields.backupDir ?? null,
  };
}
