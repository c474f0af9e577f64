import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStrataError } from '../errors';
import type { ProgressEvent } from '../migrate/run-context';
import { testContext } from '../../test/support/run-context';
import { cloneDatabase, createDemoTemplate, DEMO_SCHEMAS, demoProject, snapshot, type TableSnapshot } from '../../test/support/seed-support';
import { planTableSeed, previewTableSeed, seedDatabase, seedSetFor } from './run-seed';
import { foreignKeyEdges, parseTableName } from './table-graph';

let template: Awaited<ReturnType<typeof createDemoTemplate>>;
/** A fully seeded demo database: the reference every per-table seed must agree with. */
let reference: Record<string, TableSnapshot>;

beforeAll(async () => {
  template = await createDemoTemplate('seedtbl_tmpl');
  const db = await cloneDatabase(template.name, 'seedtbl_ref');
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

/** The tables whose row count or content differs between two snapshots. */
const changed = (a: Record<string, TableSnapshot>, b: Record<string, TableSnapshot>) =>
  Object.keys({ ...a, ...b })
    .filter((t) => JSON.stringify(a[t]) !== JSON.stringify(b[t]))
    .sort();

const NOWHERE = 'postgres://nobody@127.0.0.1:1/none';

describe('seed one table', () => {
  it('writes that table and the parents its foreign keys need — every other table keeps its row count and rows — and a rerun changes nothing', async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      const before = await snapshot(db.sql);
      const events: ProgressEvent[] = [];
      const ctx = testContext(db.url, { onProgress: (e) => events.push(e) });
      const result = await seedDatabase(ctx, demoProject, { table: 'platform.api_keys' });
      const after = await snapshot(db.sql);

      // api_keys points at organizations and users; users at organizations: nothing else.
      expect(changed(before, after)).toEqual(['platform.api_keys', 'platform.organizations', 'platform.users']);
      expect(result.tables.map((t) => t.table)).toEqual(['platform.organizations', 'platform.users', 'platform.api_keys']);
      expect(result.table).toBe('platform.api_keys');
      // The rows are exactly those of a whole-environment seed.
      for (const t of changed(before, after)) expect(after[t], t).toEqual(reference[t]);

      // The same progress as a whole seed: one seed-table event per table, positions 0..n-1 of n.
      const tableEvents = events.filter((e) => e.type === 'seed-table');
      expect(tableEvents.map((e) => [e.table, e.position, e.total])).toEqual([
        ['platform.organizations', 0, 3],
        ['platform.users', 1, 3],
        ['platform.api_keys', 2, 3],
      ]);

      const again = await seedDatabase(testContext(db.url), demoProject, { table: 'platform.api_keys' });
      expect(await snapshot(db.sql)).toEqual(after);
      expect(again.tables.map((t) => [t.table, t.rows])).toEqual(result.tables.map((t) => [t.table, t.rows]));
    } finally {
      await db.drop();
    }
  });

  it('follows foreign keys transitively, across schemas, from the live catalog (a key added by hand counts)', async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      const set = await seedSetFor(demoProject);
      const plan = await planTableSeed(db.sql, set, 'platform.usage_events', 'test');
      // Every parent is an FK target of the table or of another parent; the table comes last.
      const edges = await foreignKeyEdges(db.sql);
      expect(plan.seeds.at(-1)).toBe('platform.usage_events');
      for (const parent of plan.seeds.slice(0, -1)) {
        expect(edges.some((e) => e.parent === parent && plan.seeds.includes(e.child)), parent).toBe(true);
      }
      expect(plan.seeds).toContain('platform.organizations');

      // A table with no foreign keys needs no parent…
      expect((await planTableSeed(db.sql, set, 'risk.schema_version', 'test')).seeds).toEqual(['risk.schema_version']);
      // …until one is added live: the plan reads the catalog, not a list.
      // (api_keys points at users and organizations, users at organizations: users is a grandparent only.)
      await db.sql`alter table risk.schema_version add column key_id uuid references platform.api_keys (id)`;
      expect((await planTableSeed(db.sql, set, 'risk.schema_version', 'test')).seeds).toEqual(['platform.organizations', 'platform.users', 'platform.api_keys', 'risk.schema_version']);
    } finally {
      await db.drop();
    }
  });

  it("reset's preview lists exactly the tables TRUNCATE … CASCADE empties", async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      await seedDatabase(testContext(db.url), demoProject);
      // The demo's cascades are all one hop deep: a chain by hand makes them transitive.
      await db.sql`create table public.key_notes (id int primary key, key_id uuid not null references platform.api_keys (id))`;
      await db.sql`create table public.key_note_tags (note_id int not null references public.key_notes (id), tag text)`;
      await db.sql`insert into public.key_notes select row_number() over (), id from platform.api_keys`;
      await db.sql`insert into public.key_note_tags select id, 'x' from public.key_notes`;
      const schemas = [...DEMO_SCHEMAS, 'public'];
      const seeded = await snapshot(db.sql, schemas);
      for (const table of ['platform.organizations', 'platform.users', 'platform.api_keys', 'lifegraph.parties', 'files.data_boundary_contracts', 'risk.reset_schedule']) {
        const plan = await previewTableSeed(db.url, demoProject, table, 'test');
        // What PostgreSQL itself empties, found by doing it and rolling back.
        const emptied = await db.sql
          .begin(async (tx) => {
            const { schema, name } = parseTableName(table);
            await tx.unsafe(`truncate table "${schema}"."${name}" cascade`);
            const now = await snapshot(tx as never, schemas);
            throw Object.assign(new Error('rollback'), { now });
          })
          .catch((e: { now: Record<string, TableSnapshot> }) => e.now);
        const nowEmpty = Object.entries(emptied).filter(([t, s]) => s.rows === 0 && seeded[t]!.rows > 0).map(([t]) => t);
        expect([plan.table, ...plan.alsoEmpties].sort(), table).toEqual(nowEmpty.sort());
      }
      const orgs = await previewTableSeed(db.url, demoProject, 'platform.organizations', 'test');
      expect(orgs.alsoEmpties).toEqual(expect.arrayContaining(['platform.users', 'platform.api_keys', 'platform.usage_events', 'public.key_notes', 'public.key_note_tags']));
      expect(orgs.alsoEmpties).not.toContain('platform.organizations');
    } finally {
      await db.drop();
    }
  });

  it('reset truncates the table and its cascade, then reseeds the table and its parents; other tables keep their rows', async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      await seedDatabase(testContext(db.url), demoProject);
      // A row the seed does not know: the reset removes it.
      await db.sql`insert into platform.users (organization_id, email_hash, display_name) select id, encode(sha256('hand-made'), 'hex'), 'Hand Made' from platform.organizations order by slug limit 1`;
      const before = await snapshot(db.sql);
      const plan = await previewTableSeed(db.url, demoProject, 'platform.users', 'test');
      expect(plan.alsoEmpties.length).toBeGreaterThan(0);

      const events: ProgressEvent[] = [];
      const result = await seedDatabase(testContext(db.url, { onProgress: (e) => events.push(e) }), demoProject, {
        table: 'platform.users',
        reset: true,
        confirmCascade: plan.alsoEmpties,
      });
      expect(result.truncated).toEqual(['platform.users', ...plan.alsoEmpties]);
      expect(events.some((e) => e.type === 'phase' && e.label.startsWith(`Reset: truncating platform.users and ${plan.alsoEmpties.length} tables`))).toBe(true);
      const after = await snapshot(db.sql);
      for (const t of plan.alsoEmpties) expect(after[t]!.rows, t).toBe(0);
      expect(after['platform.users']).toEqual(reference['platform.users']);
      expect(after['platform.organizations']).toEqual(reference['platform.organizations']);
      expect(changed(before, after)).toEqual(['platform.users', ...plan.alsoEmpties].sort());
    } finally {
      await db.drop();
    }
  });

  it('a reset whose confirmed cascade differs from the live one is refused and changes nothing', async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      await seedDatabase(testContext(db.url), demoProject);
      const before = await snapshot(db.sql);
      const error = await seedDatabase(testContext(db.url), demoProject, { table: 'platform.users', reset: true, confirmCascade: ['platform.api_keys'] }).catch((e: unknown) => e);
      expect(isStrataError(error, 'CONFIRMATION_REQUIRED')).toBe(true);
      expect((error as Error).message).toMatch(/^Resetting platform\.users would also empty platform\.\S+, .*not what was confirmed \(platform\.api_keys\); nothing was changed$/);
      expect(await snapshot(db.sql)).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('an unknown table is NOT_FOUND and a table without seed data is refused naming it; nothing changes', async () => {
    const db = await cloneDatabase(template.name, 'seedtbl');
    try {
      await db.sql`create table platform.extra (id int primary key, organization_id uuid references platform.organizations (id))`;
      const before = await snapshot(db.sql, ['platform']);
      for (const [table, message] of [
        ['platform.nope', /^test has no table platform\.nope; nothing was changed$/],
        ['strata.change_log', /^test has no table strata\.change_log; nothing was changed$/],
        ['platform.extra', /^The demo seed set has no seed data for platform\.extra; nothing was changed$/],
      ] as const) {
        for (const reset of [false, true]) {
          const error = await seedDatabase(testContext(db.url), demoProject, { table, reset, confirmCascade: [] }).catch((e: unknown) => e);
          expect(isStrataError(error, 'NOT_FOUND'), `${table} ${reset}`).toBe(true);
          expect((error as Error).message).toMatch(message);
        }
        await expect(previewTableSeed(db.url, demoProject, table, 'test')).rejects.toThrow(message);
      }
      expect(await snapshot(db.sql, ['platform'])).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('refuses a malformed table name before loading or connecting (BAD_USAGE)', async () => {
    for (const table of ['users', 'platform.users; drop table platform.users', 'platform."users"', 'a.b.c', ' platform.users', 'platform.users--', "platform.users'", '', 'platform.', '1x.users', `platform.${'x'.repeat(64)}`]) {
      const error = await seedDatabase(testContext(NOWHERE), demoProject, { table }).catch((e: unknown) => e);
      expect(isStrataError(error, 'BAD_USAGE'), JSON.stringify(table)).toBe(true);
      expect((error as Error).message).toMatch(/^A table is named schema\.table/);
      await expect(previewTableSeed(NOWHERE, demoProject, table, 'test')).rejects.toThrow(/^A table is named schema\.table/);
    }
    const scaled = await seedDatabase(testContext(NOWHERE), demoProject, { table: 'platform.users', scale: 10 }).catch((e: unknown) => e);
    expect(isStrataError(scaled, 'BAD_USAGE')).toBe(true);
  });
});
