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
    // graphile-worker turns on row-level security for its private tables (so that an API
    // layer over the database cannot see them): a role that does not own them sees and
    // writes no row until a policy lets it.
    const { rows } = await client.query<{ table: string }>(`select tablename as table from pg_tables where schemaname = 'graphile_worker' and rowsecurity`);
    const policy = quoteIdent(`strata console ${grantTo}`);
    for (const { table } of rows) {
      const t = `graphile_worker.${quoteIdent(table)}`;
      await client.query(`DROP POLICY IF EXISTS ${policy} ON ${t}; CREATE POLICY ${policy} ON ${t} TO ${r} USING (true) WITH CHECK (true)`);
    }
  } finally {
    await client.end();
  }
}
