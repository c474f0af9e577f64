import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type StrataConfig } from '../config/environments';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { randomBytes } from 'node:crypto';
import { withDatabase } from '../db/connection-url';
import { appendAudit, verifyAudit } from './audit';
import { auditProtection, closeConsole, consoleSql, ensureConsoleSchema, withConsole } from './console-db';

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
    expect(app!.n).toBeLessThanOrEqual(10);
  });

  it('ensureConsoleSchema is idempotent and keeps existing rows', async () => {
    await db.sql`insert into console.users (username, role) values ('keep.me', 'viewer') on conflict do nothing`;
    await ensureConsoleSchema(db.sql);
    // Even when the fast check fails (trigger missing), recreating keeps the data.
    await db.sql`drop trigger audit_log_append_only on console.audit_log`;
    await ensureConsoleSchema(db.sql);
    await db.sql`alter table console.audit_log disable trigger audit_log_append_only`;
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

describe('the console role may only append to the audit trail', () => {
  let owned: ScratchDatabase;
  let limited: StrataConfig;
  const role = `console_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  beforeAll(async () => {
    owned = await createScratchDatabase('consolerole');
    await owned.sql.unsafe(`create role ${role} login password '${password}'`);
    const url = new URL(owned.url);
    url.username = role;
    url.password = password;
    limited = loadConfig({
      STRATA_ENVIRONMENTS: 'x',
      STRATA_ENV_X_URL: owned.url,
      STRATA_CONSOLE_DATABASE_URL: url.toString(),
      STRATA_CONSOLE_OWNER_URL: owned.url,
    });
  });
  afterAll(async () => {
    await closeConsole(limited);
    await owned.drop();
    const admin = (await import('../db/client')).connect(withDatabase(owned.url, 'postgres'), { max: 1 });
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.end();
  });

  it('the owner creates the schema; the console role appends and reads, and cannot edit, delete, truncate or disable the trigger', async () => {
    const key = 'k'.repeat(32);
    await withConsole(limited, (sql) => appendAudit(sql, key, { actor: 'a', role: 'admin', action: 'test', outcome: 'ok' }));
    await withConsole(limited, (sql) => appendAudit(sql, key, { actor: 'b', role: 'admin', action: 'test', outcome: 'ok' }));
    const [owner] = await owned.sql`select pg_get_userbyid(relowner) as owner from pg_class where oid = 'console.audit_log'::regclass`;
    expect(owner!.owner).not.toBe(role);
    await withConsole(limited, async (sql) => {
      expect(await auditProtection(sql)).toEqual({ appendOnly: true, risks: [] });
      await expect(sql`delete from console.audit_log where id = 2`).rejects.toThrow(/permission denied/);
      await expect(sql`update console.audit_log set actor = 'x'`).rejects.toThrow(/permission denied/);
      await expect(sql`truncate console.audit_log`).rejects.toThrow(/permission denied/);
      await expect(sql`alter table console.audit_log disable trigger audit_log_append_only`).rejects.toThrow(/must be owner/);
      await expect(sql`drop table console.audit_log`).rejects.toThrow(/must be owner/);
      // What it needs still works: users, requests, sign-in attempts.
      await sql`insert into console.users (username, role) values ('role.test', 'viewer')`;
      await sql`update console.users set role = 'developer' where username = 'role.test'`;
      expect((await verifyAudit(sql, key)).ok).toBe(true);
    });
    const [{ n }] = (await owned.sql`select count(*)::int as n from console.audit_log`) as unknown as [{ n: number }];
    expect(n).toBe(2);
  });

  it('reports the risks when the console connects as the owner or a superuser', async () => {
    const protection = await auditProtection(owned.sql);
    expect(protection.appendOnly).toBe(false);
    expect(protection.risks.join(' ')).toMatch(/superuser/);
  });
});
