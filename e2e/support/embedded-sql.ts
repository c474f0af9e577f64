import fs from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';

/**
 * A direct connection to one database of the e2e cluster (what a developer's CLI would do):
 * user `strata`, the password generated on this fresh start, port 54349 (STRATA_E2E_PG_PORT).
 */
export function embeddedSql(database: string): postgres.Sql {
  const { password } = JSON.parse(fs.readFileSync(path.resolve('.strata/e2e/credentials.json'), 'utf8')) as { password: string };
  return postgres({ host: 'localhost', port: Number(process.env.STRATA_E2E_PG_PORT ?? 54349), user: 'strata', password, database, max: 1, onnotice: () => {} });
}
