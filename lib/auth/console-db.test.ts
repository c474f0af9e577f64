import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type StrataConfig } from '../config/environments';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database';
import { closeConsole, consoleSql, ensureConsoleSchema, withConsole } from './console-db';

let db: ScratchDatabase;
let config: StrataConfig;
beforeAll(async () => {
  db = await createScratchDatabase('consoledb');
  config = loadConfig({ STRATA_ENVIRONMENTS: 'x', STRATA_ENV_X_URL: db.url, STRATA_CONSOLE_DATABASE_URL: db.url });
});
afterAll(async () => {
  await closeConsole(config);
  await db.drop();
});

describe('console database', () => {
  it('withConsole creates the schema on first use and reuses one pool per URL', async () => {
    expect(consoleSql(config)).toBe(consoleSql(config));
    const results = await Promise.all([1, 2, 3].map((n) => withConsole(config, async (sql) => (await sql`select ${n}::int as n`)[0]!.n)));
    expect(results).toEqual([1, 2, 3]);
    const [row] = await db.sql`select to_regclass('console.audit_log') is not null as ok`;
    expect(row!.ok).toBe(true);
    const [app] = await db.sql`select count(*)::int as n from pg_stat_activity where application_name = 'strata:console' and datname = ${db.name}`;
    expect(app!.n).toBeGreaterThan(0);
    expect(app!.n).toBeLessThanOrEqual(4);
  });

  it('ensureConsoleSchema is idempotent and keeps existing rows', async () => {
    await db.sql`insert into console.users (username, role) values ('keep.me', 'viewer') on conflict do nothing`;
    await ensureConsoleSchema(db.sql);
    // Even when the fast check fails (trigger missing), recreating keeps the data.
    await db.sql`drop trigger audit_log_append_only on console.audit_log`;
    await ensureConsoleSchema(db.sql);
    const [row] = await db.sql`select count(*)::int as n from console.users where username = 'keep.me'`;
    expect(row!.n).toBe(1);
    await expect(db.sql`delete from console.audit_log`).rejects.toThrow(/append-only/);
  });

  it('closeConsole ends the pool; the next use opens a new one', async () => {
    const before = consoleSql(config);
    await closeConsole(config);
    expect(consoleSql(config)).not.toBe(before);
    expect(await withConsole(config, async (sql) => (await sql`select 1 as one`)[0]!.one)).toBe(1);
  });
});
