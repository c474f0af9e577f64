import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyDigest, demoApiKeySecret, emailHash } from '../../seeds/demo/platform';
import { SEED_NOW } from '../../seeds/demo/clock';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import type { ProgressEvent } from '../migrate/run-context';
import { catalogFingerprint } from '../../test/support/catalog-fingerprint';
import { writeFixtureProject } from '../../test/support/fixture-project';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase } from '../../test/support/scratch-database';
import { readProject } from '../changesets/project';
import { plannedSteps, seedDatabase, seedSetFor } from './run-seed';
import { cloneDatabase, createDemoTemplate, demoProject, snapshot, type TableSnapshot } from '../../test/support/seed-support';

let template: Awaited<ReturnType<typeof createDemoTemplate>>;
/** The state one uninterrupted seed of a fresh demo database leaves: the reference. */
let reference: Record<string, TableSnapshot>;

beforeAll(async () => {
  template = await createDemoTemplate();
  const db = await cloneDatabase(template.name);
  try {
    await seedDatabase(testContext(db.url), demoProject);
    reference = await snapshot(db.sql);
  } finally {
    await db.drop();
  }
});
afterAll(async () => {
  await template?.drop();
});

const keysOf = (s: Record<string, TableSnapshot>) => Object.fromEntries(Object.entries(s).map(([t, v]) => [t, { rows: v.rows, keys: v.keys }]));

describe('seedDatabase', () => {
  it('fills every table of the five demo schemas, table by table, and a rerun leaves identical rows and keys', async () => {
    const db = await cloneDatabase(template.name);
    try {
      const events: ProgressEvent[] = [];
      const ctx = testContext(db.url, { onProgress: (e) => events.push(e) });
      const first = await seedDatabase(ctx, demoProject);
      const once = await snapshot(db.sql);
      expect(once).toEqual(reference);
      // Every table has rows: every screen has something to show.
      expect(Object.entries(once).filter(([, v]) => v.rows === 0).map(([t]) => t)).toEqual([]);
      expect(Object.keys(once)).toHaveLength(35);

      // Progress: one seed-table event per step, positions 0..total-1; one log line per table.
      const tableEvents = events.filter((e) => e.type === 'seed-table');
      const steps = plannedSteps(await seedSetFor(demoProject), 0);
      expect(tableEvents.map((e) => e.table)).toEqual(steps.map((s) => s.table));
      expect(tableEvents.map((e) => e.position)).toEqual(steps.map((_, i) => i));
      expect(new Set(tableEvents.map((e) => e.total))).toEqual(new Set([steps.length]));
      expect(ctx.logLines.filter((l) => l.msg === 'seeded table')).toHaveLength(steps.length);
      expect(first.tables.find((t) => t.table === 'platform.usage_events')!.rows).toBe(once['platform.usage_events']!.rows);
      expect(first.reset).toBe(false);

      const second = await seedDatabase(testContext(db.url), demoProject);
      expect(keysOf(await snapshot(db.sql))).toEqual(keysOf(once));
      expect(await snapshot(db.sql)).toEqual(once);
      expect(second.tables.map((t) => [t.table, t.rows])).toEqual(first.tables.map((t) => [t.table, t.rows]));
    } finally {
      await db.drop();
    }
  });

  it('a seed interrupted half-way, then rerun, ends exactly like an uninterrupted one', async () => {
    const db = await cloneDatabase(template.name);
    try {
      let seen = 0;
      const interrupted = seedDatabase(testContext(db.url, {
        onProgress: (e) => {
          if (e.type === 'seed-table' && ++seen === 3) throw new Error('interrupted on the third table');
        },
      }), demoProject);
      await expect(interrupted).rejects.toThrow('interrupted on the third table');
      const half = await snapshot(db.sql);
      expect(half['platform.api_keys']!.rows).toBeGreaterThan(0);
      expect(half['platform.models']!.rows).toBe(0);
      expect(half['platform.usage_events']!.rows).toBe(0);

      await seedDatabase(testContext(db.url), demoProject);
      expect(await snapshot(db.sql)).toEqual(reference);
    } finally {
      await db.drop();
    }
  });

  it('reset truncates the managed tables, restarts identities and seeds again; bookkeeping and other schemas stay', async () => {
    const db = await cloneDatabase(template.name);
    try {
      await seedDatabase(testContext(db.url), demoProject);
      const [{ max: lockoutsMax }] = (await db.sql`select max(id)::int as max from risk.lockouts`) as unknown as [{ max: number }];
      // Rows the seed does not know, a sequence moved on, a table outside the project, history.
      await db.sql`insert into risk.lockouts (account_id, rule_id, reason) values (1, 'manual', 'by hand')`;
      await db.sql`select nextval(pg_get_serial_sequence('risk.lockouts', 'id')) from generate_series(1, 20)`;
      await db.sql`insert into platform.organizations (name, slug) values ('Hand Made', 'hand-made')`;
      await db.sql`delete from dataservice.ds_events where created_at < now() - interval '2 years'`;
      await db.sql`create table public.keep_me (id int primary key)`;
      await db.sql`insert into public.keep_me values (1)`;
      const history = await db.sql`select count(*)::int as n, max(id)::int as last from strata.change_log`;
      const drizzleRows = await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`;

      const events: ProgressEvent[] = [];
      const result = await seedDatabase(testContext(db.url, { onProgress: (e) => events.push(e) }), demoProject, { reset: true });
      expect(result.reset).toBe(true);
      expect(result.truncated).toHaveLength(35);
      expect(result.truncated!.every((t) => /^(platform|dataservice|lifegraph|files|risk)\./.test(t))).toBe(true);
      expect(events.some((e) => e.type === 'phase' && /Reset: truncating 35 tables/.test(e.label))).toBe(true);

      const after = await snapshot(db.sql);
      // The same as a fresh seed, except schema_version, whose rows the migration wrote and the seed rewrites.
      const { 'risk.schema_version': sv, ...rest } = after;
      const { 'risk.schema_version': refSv, ...refRest } = reference;
      expect(rest).toEqual(refRest);
      expect({ rows: sv!.rows, keys: sv!.keys }).toEqual({ rows: refSv!.rows, keys: refSv!.keys });

      // Identity restarted: the sequence is back at the seed's largest id, and the next row follows it.
      expect(await db.sql`select min(id)::int as min, max(id)::int as max from risk.lockouts`).toEqual([{ min: 1, max: lockoutsMax }]);
      expect(await db.sql`select pg_sequence_last_value(pg_get_serial_sequence('risk.lockouts', 'id')::regclass)::int as v`).toEqual([{ v: lockoutsMax }]);
      const [inserted] = await db.sql`insert into risk.lockouts (account_id, rule_id, reason) values (1, 'manual', 'after reset') returning id`;
      expect(inserted!.id).toBe(lockoutsMax + 1);
      const [audit] = await db.sql`insert into platform.audit_log (actor, action, entity_type) values ('t', 'test', 'x') returning id`;
      expect(Number(audit!.id)).toBe(reference['platform.audit_log']!.rows + 1);

      expect(await db.sql`select count(*)::int as n, max(id)::int as last from strata.change_log`).toEqual(history);
      expect(await db.sql`select count(*)::int as n from drizzle.__drizzle_migrations`).toEqual(drizzleRows);
      expect(await db.sql`select id from public.keep_me`).toEqual([{ id: 1 }]);
    } finally {
      await db.drop();
    }
  });

  it('--scale N streams exactly N more usage events with COPY (none again on a rerun) and recomputes the rollups', async () => {
    const db = await cloneDatabase(template.name);
    try {
      await seedDatabase(testContext(db.url), demoProject);
      const base = reference['platform.usage_events']!.rows;
      const catalog = await catalogFingerprint(db.sql);
      const foreignKeys = () => db.sql`
        select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def, convalidated
        from pg_constraint where contype = 'f' and connamespace = 'platform'::regnamespace order by 1, 2`;
      const keysBefore = await foreignKeys();
      const events: ProgressEvent[] = [];
      const result = await seedDatabase(testContext(db.url, { onProgress: (e) => events.push(e) }), demoProject, { scale: 5000 });
      expect(result.scaledRows).toBe(5000);
      const count = async () => Number((await db.sql`select count(*)::int as n from platform.usage_events`)[0]!.n);
      expect(await count()).toBe(base + 5000);
      const seedTables = events.filter((e) => e.type === 'seed-table');
      expect(seedTables.filter((e) => e.table === 'platform.usage_events').map((e) => e.rows)).toEqual([base, 5000]);
      expect(seedTables[0]!.total).toBe(plannedSteps(await seedSetFor(demoProject), 0).length + 1);
      // The COPY drops the table's foreign keys and adds them back, validated, in its transaction.
      expect(await catalogFingerprint(db.sql)).toEqual(catalog);
      expect(await foreignKeys()).toEqual(keysBefore);
      expect(keysBefore.filter((k) => k.t.startsWith('platform.usage_events'))).toHaveLength(4 * 26);

      // Rollups cover every event, scale ones included.
      expect(await db.sql`
        select (select sum(request_count)::int from platform.usage_hourly) as hourly,
               (select sum(request_count)::int from platform.usage_daily) as daily,
               (select count(*)::int from platform.usage_events) as events`).toEqual([{ hourly: base + 5000, daily: base + 5000, events: base + 5000 }]);

      const again = await seedDatabase(testContext(db.url), demoProject, { scale: 5000 });
      expect(again.scaledRows).toBe(0);
      expect(await count()).toBe(base + 5000);
      await seedDatabase(testContext(db.url), demoProject, { scale: 6000 });
      expect(await count()).toBe(base + 6000);
    } finally {
      await db.drop();
    }
  });

  it('is refused while change sets are pending, naming them, with nothing changed (reset included)', async () => {
    const db = await createScratchDatabase('seedpend');
    try {
      await applyChangeSets(testContext(db.url), demoProject, { to: '0014_files_workspace_scope_backfill' });
      await db.sql`insert into platform.organizations (name, slug) values ('Keep', 'keep')`;
      const error = await seedDatabase(testContext(db.url), demoProject, { reset: true }).catch((e: unknown) => e);
      expect(isStrataError(error, 'INVALID_STATE')).toBe(true);
      expect((error as Error).message).toMatch(/5 change sets are not applied: 0015_risk_v1, 0016_risk_v2, 0017_risk_daily_unrealized_pnl, 0018_platform_usage_events_fk_indexes, 0019_platform_usage_events_total_tokens/);
      expect(await db.sql`select slug from platform.organizations`).toEqual([{ slug: 'keep' }]);
    } finally {
      await db.drop();
    }
  });

  it('NOT_FOUND for a project without a strata.config.ts, before connecting; BAD_USAGE for a bad scale', async () => {
    const dir = writeFixtureProject([{ name: 'a', up: 'create table public.a (id int);', down: 'drop table public.a;' }]);
    const error = await seedDatabase(testContext('postgres://nobody@127.0.0.1:1/none'), readProject(dir)).catch((e: unknown) => e);
    expect(isStrataError(error, 'NOT_FOUND')).toBe(true);
    expect((error as Error).message).toMatch(/^no seed set for \S+: it has no strata\.config\.ts \(export default defineProject\(\{ seeds \}\) there to declare one\); nothing was seeded$/);
    const bad = await seedDatabase(testContext('postgres://nobody@127.0.0.1:1/none'), demoProject, { scale: -1 }).catch((e: unknown) => e);
    expect(isStrataError(bad, 'BAD_USAGE')).toBe(true);
  });

  it('writes data a service can use: hashed credentials only, consistent rollups, retention on both sides of its limits', async () => {
    const db = await cloneDatabase(template.name);
    try {
      await seedDatabase(testContext(db.url), demoProject);
      // The sample service authenticates with a key whose secret is never stored.
      const secret = demoApiKeySecret('acme-analytics', 'production-backend');
      const { keyHash } = apiKeyDigest(secret);
      const [key] = await db.sql`
        select k.key_prefix, o.slug, o.status, u.email_hash
        from platform.api_keys k join platform.organizations o on o.id = k.organization_id join platform.users u on u.id = k.user_id
        where k.key_hash = ${keyHash} and k.status = 'active' and k.deleted_at is null`;
      expect(key).toMatchObject({ key_prefix: secret.slice(0, 12), slug: 'acme-analytics', status: 'active', email_hash: emailHash('daniel.okafor@acme-analytics.example') });
      const leaks = await db.sql`select count(*)::int as n from platform.api_keys where key_hash like 'sk_demo_%' or length(key_prefix) > 12`;
      expect(leaks).toEqual([{ n: 0 }]);

      // Rollups are the aggregates of the events.
      expect(await db.sql`
        select (select sum(request_count)::int from platform.usage_hourly) = (select count(*)::int from platform.usage_events) as hourly,
               (select sum(cost_usd) from platform.usage_daily) = (select sum(cost_usd) from platform.usage_events) as daily`).toEqual([{ hourly: true, daily: true }]);
      // 30 days of events end at the fixed seed date.
      const [window] = await db.sql`select max(occurred_at) as last, count(*) filter (where occurred_at >= ${new Date(SEED_NOW.getTime() - 30 * 86_400_000)})::int as recent from platform.usage_events`;
      expect(window!.last.getTime()).toBeLessThan(SEED_NOW.getTime());
      expect(window!.recent).toBeGreaterThan(3000);

      // Retention: soft-deleted uploads past and within 90 days; audit events past and within 2 years.
      const now = SEED_NOW.toISOString();
      expect(await db.sql`
        select count(*) filter (where is_deleted and deleted_at < ${now}::timestamp - interval '90 days')::int as past,
               count(*) filter (where is_deleted and deleted_at >= ${now}::timestamp - interval '90 days')::int as within
        from dataservice.ds_uploads`).toEqual([{ past: 4, within: 3 }]);
      const [events] = await db.sql`
        select count(*) filter (where created_at < ${now}::timestamp - interval '2 years')::int as past,
               count(*) filter (where created_at >= ${now}::timestamp - interval '2 years')::int as within
        from dataservice.ds_events`;
      expect(events!.past).toBeGreaterThan(0);
      expect(events!.within).toBeGreaterThan(0);
      // Ledgers balance.
      expect(await db.sql`
        select count(*)::int as n from dataservice.ds_ledgers l
        where l.is_balanced and abs((select sum(amount) from dataservice.ds_ledger_entries e where e.ledger_id = l.id)) > 0.001`).toEqual([{ n: 0 }]);
    } finally {
      await db.drop();
    }
  });
});
