import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeConsole, withConsole } from '../auth/console-db';
import { readProject } from '../changesets/project';
import { loadConfig, type StrataConfig } from '../config/environments';
import { quoteIdent } from '../db/identifiers';
import { isStrataError } from '../errors';
import { applyChangeSets } from '../migrate/apply';
import { checkDriftWithStatus } from '../migrate/drift';
import { readTarget } from '../migrate/read-status';
import { rollbackChangeSets } from '../migrate/rollback';
import { listBackups, settingsOf } from '../backup/backups';
import { withTargetLock } from '../migrate/target-lock';
import { tenantPlace } from '../migrate/target-place';
import { engineLogger } from '../observability/logger';
import { readFleetStatus } from '../cli/fleet-status';
import { cli } from '../../test/support/cli-runner';
import { consoleTestEnv } from '../../test/support/console-env';
import { testContext } from '../../test/support/run-context';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { findFleet } from './resolve-fleet';
import { fleetTargets } from './fleet-targets';
import { checkTarget, refreshFleet } from './fleet-overview';
import { dryRunRollout, runRollout } from './rollout-run';
import { parseWaves } from './rollout-waves';
import type { Fleet } from './types';

/**
 * Schema-per-tenant fleets (README, "Schema-per-tenant fleets"): 200 tenant schemas in one
 * database, rolled out in waves, each with its own history; drift made in one tenant is
 * reported for that tenant only, from one replay; tenant names that try to be SQL are only
 * ever identifiers; one tenant's history is never read for another; one tenant is never
 * migrated twice at once while its neighbours migrate freely.
 */
const PROJECT_DIR = path.resolve(__dirname, '../../test/fixtures/tenants');
const project = readProject(PROJECT_DIR);
const TAGS = project.changeSets.map((c) => c.tag);
const TENANTS = Array.from({ length: 200 }, (_, i) => `tenant_${String(i).padStart(3, '0')}`);

let consoleDb: ScratchDatabase;
let tenantsDb: ScratchDatabase;
let config: StrataConfig;
let fleet: Fleet;

/** Each tag's applied rows in a tenant's own history. */
async function appliedCounts(db: ScratchDatabase, tenant: string): Promise<Record<string, number>> {
  const history = tenantPlace(tenant).history;
  const rows = await db.sql`select tag, count(*)::int as n from ${db.sql.unsafe(quoteIdent(history))}.change_log where status = 'applied' group by tag order by tag`;
  return Object.fromEntries(rows.map((r) => [String(r.tag), Number(r.n)]));
}

async function tablesIn(db: ScratchDatabase, schema: string): Promise<string[]> {
  const rows = await db.sql`select c.relname::text as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = ${schema} and c.relkind in ('r', 'v') order by 1`;
  return rows.map((r) => String(r.name));
}

const tenantCtx = (db: ScratchDatabase, tenant: string, overrides = {}) =>
  testContext(db.url, { environment: `tenants/${tenant}`, place: tenantPlace(tenant), ...overrides });

beforeAll(async () => {
  consoleDb = await createScratchDatabase('tsconsole');
  tenantsDb = await createScratchDatabase('tstenants');
  // 200 tenants, a schema that is no tenant, and one an extension owns.
  await tenantsDb.sql.unsafe(`${TENANTS.map((t) => `create schema ${t};`).join('\n')} create schema reporting;`);
  const env = {
    ...consoleTestEnv({ label: 'tenantschemas', environment: { name: 'solo', url: consoleDb.url }, consoleUrl: consoleDb.url, shadowUrl: inject('pgAdminUrl'), projectDir: PROJECT_DIR }),
    STRATA_ENVIRONMENTS: 'solo,tenants',
    STRATA_ENV_TENANTS_URL: tenantsDb.url,
    STRATA_ENV_TENANTS_DISCOVER_SCHEMAS: 'tenant_%',
    STRATA_ENV_TENANTS_PROTECTION: 'guarded',
    // Backups of tenants are tested on a few tenants below; 200 of them would only slow this down.
    STRATA_ENV_TENANTS_BACKUP: 'off',
  };
  Object.assign(process.env, env);
  config = loadConfig();
  fleet = findFleet(config, 'tenants');
  await withConsole(config, async () => undefined);
}, 120_000);

afterAll(async () => {
  await closeConsole(config);
  await tenantsDb.drop();
  await consoleDb.drop();
}, 120_000);

describe('a schema-per-tenant fleet of 200 schemas in one database', () => {
  it('is read from STRATA_ENV_<NAME>_DISCOVER_SCHEMAS: one target per matching schema, named by it', async () => {
    expect(fleet.source).toEqual({ kind: 'schemas', url: tenantsDb.url, pattern: 'tenant_%' });
    const targets = await fleetTargets(fleet);
    expect(targets.map((t) => t.name)).toEqual(TENANTS);
    expect(targets[137]).toMatchObject({ fleet: 'tenants', name: 'tenant_137', schema: 'tenant_137', url: tenantsDb.url });
  });

  it('dry-runs a rollout on its first tenant, on a shadow, writing nothing in the tenants\' database', async () => {
    const request = { fleet, fleetFile: null, project, toTag: null, waves: parseWaves('1,10%,100%'), concurrency: 8, maxFailures: 0, actor: 'tester' };
    const dry = await dryRunRollout(config, request);
    expect(dry.target).toBe('tenant_000');
    expect(dry.waves).toEqual([1, 19, 180]);
    expect(dry.result.failed).toBeNull();
    expect(dry.result.changeSets.map((c) => c.tag)).toEqual(TAGS);
    expect(await tablesIn(tenantsDb, 'tenant_000')).toEqual([]);
    const [history] = await tenantsDb.sql`select to_regnamespace('strata_t_tenant_000') as schema`;
    expect(history).toEqual({ schema: null });
  }, 120_000);

  it('rolls out in waves to every tenant: each schema has the tables and its own history shows each change set once; nothing lands in public', async () => {
    const request = { fleet, fleetFile: null, project, toTag: null, waves: parseWaves('1,10%,100%'), concurrency: 8, maxFailures: 0, actor: 'tester' };
    const events: string[] = [];
    const outcome = await runRollout(config, request, { slots: 8, onEvent: (e) => events.push(e) });
    expect(outcome.rollout.state).toBe('succeeded');
    expect(outcome.targets).toHaveLength(200);
    expect(outcome.targets.filter((t) => t.state !== 'succeeded')).toEqual([]);
    expect(events.filter((e) => e.startsWith('wave '))).toHaveLength(3);
    for (const tenant of TENANTS) expect(await appliedCounts(tenantsDb, tenant)).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
    expect(await tablesIn(tenantsDb, 'tenant_137')).toEqual(['account_totals', 'accounts', 'invoices']);
    expect(await tablesIn(tenantsDb, 'public')).toEqual([]);
    // No database-wide history, no drizzle table: a tenant's bookkeeping is its own.
    const [shared] = await tenantsDb.sql`select to_regclass('strata.change_log') as strata, to_regclass('drizzle.__drizzle_migrations') as drizzle`;
    expect(shared).toEqual({ strata: null, drizzle: null });
    // The histories are never taken for tenants, whatever the pattern.
    const everything = await fleetTargets({ ...fleet, source: { kind: 'schemas', url: tenantsDb.url, pattern: '%' } });
    expect(everything.map((t) => t.name)).toEqual(['reporting', ...TENANTS]);
    // A rerun finds every tenant at the head.
    const again = await runRollout(config, request, { slots: 8, onEvent: () => undefined });
    expect(new Set(again.targets.map((t) => t.state))).toEqual(new Set(['skipped-at-head']));
    for (const tenant of ['tenant_000', 'tenant_199']) expect(await appliedCounts(tenantsDb, tenant)).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
    // `strata status --env tenants` reads each tenant's own history.
    const report = await readFleetStatus(fleet, await fleetTargets(fleet), project);
    expect(report.counts).toMatchObject({ 'at-head': 200, pending: 0, failed: 0, unreachable: 0 });
  }, 180_000);

  it('strata status --env tenants reads every tenant\'s own history; strata apply refuses the fleet', async () => {
    await tenantsDb.sql`create schema tenant_200`;
    try {
      const text = await cli('status', '--env', 'tenants', '--dir', PROJECT_DIR);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`tenants (fleet, guarded): 201 targets, head ${TAGS[2]}; 200 at head, 1 pending, 0 failed, 0 out of order, 0 unreachable`);
      expect(text.stdout).toMatch(/tenant_200\s+pending/);
      const apply = await cli('apply', '--env', 'tenants', '--dir', PROJECT_DIR);
      expect(apply.code).toBe(2);
      expect(apply.stderr).toContain('"tenants" is a fleet, not a single environment');
    } finally {
      await tenantsDb.sql`drop schema tenant_200`;
    }
  });

  it('reports drift made in tenant_137 for tenant_137 only, from one replay of the expected schema', async () => {
    await tenantsDb.sql`alter table tenant_137.accounts add column notes text`;
    const before = await withConsole(config, (sql) => sql`select count(*)::int as n from console.expected_schemas`);
    const result = await refreshFleet({ config, fleet, project, logger: engineLogger(), actor: 'tester' }, { force: true, maxAgeSeconds: 0 });
    expect(result).toEqual({ checked: 200, total: 200 });
    const rows = await withConsole(config, (sql) => sql`select target, state, drift_changes, problem from console.fleet_targets where fleet = 'tenants' order by target`);
    expect(rows).toHaveLength(200);
    const drifted = rows.filter((r) => r.state !== 'at-head' || r.drift_changes !== 0);
    expect(drifted.map((r) => ({ target: r.target, state: r.state, drift: r.drift_changes }))).toEqual([{ target: 'tenant_137', state: 'drifted', drift: 1 }]);
    const after = await withConsole(config, (sql) => sql`select count(*)::int as n from console.expected_schemas`);
    expect(after[0]!.n - before[0]!.n).toBe(1);
    await tenantsDb.sql`alter table tenant_137.accounts drop column notes`;
  }, 180_000);
});

describe('tenants as identifiers, histories and locks of their own', () => {
  let db: ScratchDatabase;
  const HOSTILE = ['tenant_b"; drop schema tenant_a cascade; --', "tenant_c'); drop table tenant_a.accounts; --", 'Tenant D.x'];

  beforeAll(async () => {
    db = await createScratchDatabase('tsown');
    await db.sql.unsafe(['tenant_a', 'tenant_e', 'tenant_f', ...HOSTILE].map((s) => `create schema ${quoteIdent(s)};`).join('\n'));
  });
  afterAll(async () => {
    await db.drop();
  });

  it('treats schema names with quotes, ; and dots as names: each hostile tenant gets its tables and history, and tenant_a is untouched', async () => {
    await applyChangeSets(tenantCtx(db, 'tenant_a'), project);
    for (const tenant of HOSTILE) {
      const result = await applyChangeSets(tenantCtx(db, tenant), project);
      expect(result.failed).toBeNull();
      expect(await tablesIn(db, tenant)).toEqual(['account_totals', 'accounts', 'invoices']);
      expect(await appliedCounts(db, tenant)).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
    }
    expect(await tablesIn(db, 'tenant_a')).toEqual(['account_totals', 'accounts', 'invoices']);
    expect(await appliedCounts(db, 'tenant_a')).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
    // Discovery finds them by pattern, as they are.
    const targets = await fleetTargets({ name: 'f', protection: 'open', source: { kind: 'schemas', url: db.url, pattern: 'tenant%' } });
    expect(targets.map((t) => t.name)).toEqual(['tenant_a', ...HOSTILE.slice(0, 2), 'tenant_e', 'tenant_f']);
  });

  it('checks drift of tenants whose names need quoting (PostgreSQL prints them quoted inside definitions): none after their run, and an edit is found', async () => {
    for (const tenant of [HOSTILE[0]!, HOSTILE[2]!]) {
      const clean = await checkDriftWithStatus(tenantCtx(db, tenant), project, { shadowServerUrl: inject('pgAdminUrl'), store: null });
      expect(clean.report.diff.changes).toEqual([]);
    }
    await db.sql`alter table ${db.sql.unsafe(quoteIdent(HOSTILE[2]!))}.invoices alter column total_cents drop not null`;
    const edited = await checkDriftWithStatus(tenantCtx(db, HOSTILE[2]!), project, { shadowServerUrl: inject('pgAdminUrl'), store: null });
    expect(edited.report.diff.changes.map((c) => c.table)).toEqual(['public.invoices']);
    await db.sql`alter table ${db.sql.unsafe(quoteIdent(HOSTILE[2]!))}.invoices alter column total_cents set not null`;
  });

  it('refuses a tenant schema that does not exist (dropped since discovery) instead of running its change sets in public', async () => {
    const refused = await applyChangeSets(tenantCtx(db, 'tenant_gone'), project).catch((error: unknown) => error);
    expect(isStrataError(refused, 'NOT_FOUND')).toBe(true);
    expect((refused as Error).message).toBe('Tenant schema "tenant_gone" does not exist in this database; nothing was run');
    expect(await tablesIn(db, 'public')).toEqual([]);
    const [history] = await db.sql`select to_regnamespace('strata_t_tenant_gone') as schema`;
    expect(history).toEqual({ schema: null });
  });

  it('refuses a tenant name whose history schema PostgreSQL could not hold, naming the limit, before anything is created', async () => {
    const long = `tenant_${'x'.repeat(50)}`;
    expect(() => tenantPlace(long)).toThrow(/too long: .* 66 bytes, and PostgreSQL names hold 63 \(tenant names up to 54 bytes\)/);
    for (const reserved of ['strata', 'strata_t_tenant_a', 'public', 'pg_catalog', 'drizzle', '']) {
      let error: unknown;
      try {
        tenantPlace(reserved);
      } catch (e) {
        error = e;
      }
      expect(isStrataError(error, 'BAD_USAGE')).toBe(true);
    }
  });

  it('never reads one tenant\'s history for another: tenant_e, untouched, has everything pending beside an applied tenant_a', async () => {
    const a = await readTarget(db.url, project, tenantPlace('tenant_a'));
    const e = await readTarget(db.url, project, tenantPlace('tenant_e'));
    expect(a.status.counts).toMatchObject({ applied: 3, pending: 0 });
    expect(e.status.counts).toMatchObject({ applied: 0, pending: 3 });
    expect(e.history).toEqual([]);
    expect(a.history.every((h) => h.environment === 'tenants/tenant_a')).toBe(true);
  });

  it('locks per tenant: a second run of tenant_e is refused while one holds it, and tenant_a of the same database is not held up', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = withTargetLock(db.url, 'first-runner', async () => {
      entered();
      await held;
    }, { place: tenantPlace('tenant_e') });
    await inside;
    try {
      const refused = await applyChangeSets(tenantCtx(db, 'tenant_e'), project).catch((error: unknown) => error);
      expect(isStrataError(refused, 'LOCKED')).toBe(true);
      expect((refused as Error).message).toMatch(/locked by first-runner since/);
      // The refusal changed nothing.
      expect((await readTarget(db.url, project, tenantPlace('tenant_e'))).history).toEqual([]);
      expect(await tablesIn(db, 'tenant_e')).toEqual([]);
      // Another tenant of the database migrates meanwhile (a rollback and a reapply of its last change set).
      await rollbackChangeSets(tenantCtx(db, 'tenant_a'), project, { steps: 1 });
      const reapplied = await applyChangeSets(tenantCtx(db, 'tenant_a'), project);
      expect(reapplied.records.map((r) => [r.tag, r.status])).toEqual([[TAGS[2], 'applied']]);
    } finally {
      release();
      await holder;
    }
    // Free again: tenant_e's own run applies everything once.
    await applyChangeSets(tenantCtx(db, 'tenant_e'), project);
    expect(await appliedCounts(db, 'tenant_e')).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
  });

  it('keeps each tenant\'s backups its own: copied from its tables, listed and pruned for it alone', async () => {
    for (const tenant of ['tenant_a', 'tenant_e']) {
      await rollbackChangeSets(tenantCtx(db, tenant), project, { steps: 1 });
      await db.sql`insert into ${db.sql(tenant)}.accounts (name, legacy_code) values (${tenant}, ${`code of ${tenant}`})`;
      const result = await applyChangeSets(tenantCtx(db, tenant), project);
      expect(result.backups).toHaveLength(1);
      expect(result.backups[0]!.tables.map((t) => t.source)).toEqual([`${tenant}.accounts`]);
    }
    const listed = async (tenant: string) =>
      withTargetLock(db.url, 'tester', (conn) => listBackups(conn, settingsOf(tenantCtx(db, tenant))), { place: tenantPlace(tenant) });
    const [a, e] = [await listed('tenant_a'), await listed('tenant_e')];
    expect(a.length).toBeGreaterThanOrEqual(1);
    expect(e.length).toBeGreaterThanOrEqual(1);
    expect(a.every((b) => b.tables.every((t) => t.source.startsWith('tenant_a.')))).toBe(true);
    expect(e.every((b) => b.tables.every((t) => t.source.startsWith('tenant_e.')))).toBe(true);
    expect(a.map((b) => b.id).filter((id) => e.some((b) => b.id === id))).toEqual([]);
  });

  it('two concurrent runs of one tenant: one applies each change set, the other is refused or finds nothing to do', async () => {
    const runs = await Promise.allSettled([applyChangeSets(tenantCtx(db, 'tenant_f'), project), applyChangeSets(tenantCtx(db, 'tenant_f'), project)]);
    const applied = runs.flatMap((r) => (r.status === 'fulfilled' ? r.value.records.filter((x) => x.status === 'applied').map((x) => x.tag) : []));
    expect(applied.sort()).toEqual(TAGS);
    for (const r of runs) if (r.status === 'rejected') expect(isStrataError(r.reason, 'LOCKED')).toBe(true);
    expect(await appliedCounts(db, 'tenant_f')).toEqual(Object.fromEntries(TAGS.map((t) => [t, 1])));
  });

  it('a tenant whose name is too long is one unreachable target of the overview, named, not a broken fleet', async () => {
    const long = `tenant_${'y'.repeat(50)}`;
    const f: Fleet = { name: 'own', protection: 'open', source: { kind: 'schemas', url: db.url, pattern: 'tenant%' } };
    const overview = await checkTarget({ fleet: 'own', name: long, url: db.url, schema: long }, { config, fleet: f, project, logger: engineLogger(), actor: 'tester' });
    expect(overview).toMatchObject({ target: long, state: 'unreachable' });
    expect(overview.problem).toMatch(/is too long: its history schema "strata_t_…" would be 66 bytes/);
    expect(overview.problem).not.toContain(db.url);
  });
});
