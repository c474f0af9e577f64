import { readProject } from '../../lib/changesets/project';
import { loadConfig } from '../../lib/config/environments';
import { startOperation } from '../../lib/console/operations';
import { applyChangeSets } from '../../lib/migrate/apply';
import { createLogger } from '../../lib/observability/logger';

/**
 * A console in miniature, for the test that kills one during an operation: it starts an
 * apply of STRATA_PROJECT_DIR on the configured environment `prod` as a recorded operation
 * (configuration from the environment, as the console reads it) and prints the id.
 */
const config = loadConfig();
const environment = config.environments[0]!;
const principal = { username: 'olga', role: 'operator' as const, via: 'console' as const };
const started = await startOperation(config, principal, { kind: 'apply', environment: environment.name, request: { kind: 'run', direction: 'apply' } }, (onProgress) =>
  applyChangeSets({ url: environment.url, environment: environment.name, actor: principal.username, logger: createLogger(2), onProgress }, readProject(config.projectDir)),
);
process.stdout.write(`OPERATION ${started.id}\n`);
await started.done;
