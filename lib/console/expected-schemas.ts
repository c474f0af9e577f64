import type postgres from 'postgres';
import { withConsole } from '../auth/console-db';
import type { StrataConfig } from '../config/environments';
import type { SchemaModel } from '../introspect/schema-model';
import type { AppliedChangeSet, ExpectedSchemaStore, StoredExpectedSchema } from '../migrate/expected-schema';

/**
 * Expected schemas kept in the console database (console.expected_schemas), shared by
 * every console process and the CLI. An entry is never stale (its key names everything it
 * was built from); entries computed more than KEEP_DAYS ago are pruned when a new one is
 * stored, so an environment whose applied set has not moved is replayed about once a month.
 */
export const KEEP_DAYS = 30;

const json = (sql: postgres.Sql<Record<string, never>>, value: unknown) => sql.json(value as postgres.JSONValue);

export function consoleExpectedSchemas(config: StrataConfig): ExpectedSchemaStore {
  return {
    get: (key) =>
      withConsole(config, async (sql) => {
        const [row] = await sql`
          select key, applied, server_version, model, computed_at, computed_ms
          from console.expected_schemas where key = ${key}`;
        return row ? toEntry(row) : null;
      }),
    put: (entry) =>
      withConsole(config, async (sql) => {
        // Two processes computing the same key at once both succeed: the content is the same.
        await sql`
          insert into console.expected_schemas (key, applied, server_version, model, computed_at, computed_ms)
          values (${entry.key}, ${json(sql, entry.applied)}, ${entry.serverVersion}, ${json(sql, entry.model)}, ${entry.computedAt}, ${entry.computedMs})
          on conflict (key) do nothing`;
        await sql`delete from console.expected_schemas where computed_at < now() - make_interval(days => ${KEEP_DAYS})`;
      }),
  };
}

function toEntry(row: Record<string, unknown>): StoredExpectedSchema {
  return {
    key: String(row.key),
    applied: row.applied as AppliedChangeSet[],
    serverVersion: Number(row.server_version),
    model: row.model as SchemaModel,
    computedAt: new Date(row.computed_at as string | Date).toISOString(),
    computedMs: Number(row.computed_ms),
  };
}
