import { quoteIdent } from '../db/identifiers';
import { queueLogger } from './queue-logger';

/**
 * Installs or upgrades graphile-worker's schema (graphile_worker) in the console database,
 * as the role that owns the console schema, and grants the console's own role what a worker
 * and the job-adding SQL function need: it is not a superuser on the embedded demo and
 * must not own the queue's tables. Idempotent (graphile-worker keeps its own migrations).
 */
export async function ensureQueueSchema(ownerUrl: string, grantTo: string | null): Promise<void> {
  const { runMigrations } = await import('graphile-worker');
  await runMigrations({ connectionString: ownerUrl, logger: await queueLogger() });
  if (!grantTo) return;
  const { Client } = await import('pg');
  const client = new Client({ connectionString: ownerUrl, application_name: 'strata:queue-owner' });
  await client.connect();
  try {
    const r = quoteIdent(grantTo);
    await client.query(`
      GRANT USAGE ON SCHEMA graphile_worker TO ${r};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${r};
      GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${r};
      GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${r};`);
  } finally {
    await client.end();
  }
}
