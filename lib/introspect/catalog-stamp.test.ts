import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { catalogStamp, STAMP_QUERIES } from './catalog-stamp';
import { StampedSchemaReader } from './stamped-reader';

let db: ScratchDatabase;

beforeAll(async () => {
  db = await createScratchDatabase('stamp');
  await db.sql.unsafe(`
    create type public.mood as enum ('sad', 'happy');
    create table public.owners (id int primary key, name text);
    create table public.pets (id int primary key, owner_id int, mood public.mood, note text);
    create table public.events (id int, at date not null) partition by range (at);
    create table public.events_2026 (id int, at date not null);
    -- An autoanalyze of owners (500 rows go in below) would rewrite its estimates in place at a
    -- moment of its choosing, changing the stamp under a test that expects it to hold.
    alter table public.owners set (autovacuum_enabled = false);`);
});
afterAll(async () => {
  await db?.drop();
});

describe('catalogStamp', () => {
  // Both forms of the stamp (hashxid, and the cast for servers without it) must notice each one.
  const both = async () => Promise.all(Object.values(STAMP_QUERIES).map(async (q) => ((await db.sql.unsafe(q)) as unknown as Array<{ stamp: string }>)[0]!.stamp));
  it('is the same for two reads of an unchanged database, and short', async () => {
    const a = await catalogStamp(db.sql);
    const b = await catalogStamp(db.sql);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(await both()).toEqual(await both());
  });

  // One DDL statement each, in order (later ones rely on earlier ones): every one must change the stamp.
  const changes: Array<[string, string]> = [
    ['create table', 'create table public.tags (id int primary key, label text)'],
    ['add column', 'alter table public.tags add column colour text'],
    ['drop column', 'alter table public.tags drop column colour'],
    ['rename column', 'alter table public.tags rename column label to name'],
    ['alter column type', 'alter table public.tags alter column name type varchar(80)'],
    ['add foreign key', 'alter table public.pets add constraint pets_owner_fk foreign key (owner_id) references public.owners (id)'],
    ['drop foreign key', 'alter table public.pets drop constraint pets_owner_fk'],
    ['add index', 'create index pets_note_idx on public.pets (note)'],
    ['comment on table', `comment on table public.pets is 'Animals'`],
    ['comment on column', `comment on column public.pets.note is 'Free text'`],
    ['add enum value', `alter type public.mood add value 'calm'`],
    ['drop table and create the same name', 'drop table public.tags; create table public.tags (id int primary key, label text)'],
    ['create schema', 'create schema billing'],
    ['attach partition', `alter table public.events attach partition public.events_2026 for values from ('2026-01-01') to ('2027-01-01')`],
    ['rename a function a default calls', `create function public.next_id() returns int language sql as 'select 1'; alter table public.owners alter column id set default public.next_id()`],
    ['…then the function only', 'alter function public.next_id() rename to make_id'],
    ['create a table an extension then claims', 'create table public.claimed (id int)'],
    ['…the claim alone (pg_depend only)', 'alter extension plpgsql add table public.claimed'],
    ['create a view', 'create view public.pet_notes as select id, note from public.pets'],
    ['replace the view, same columns', 'create or replace view public.pet_notes as select id, note from public.pets where note is not null'],
  ];
  for (const [what, ddl] of changes) {
    it(`changes on ${what}`, async () => {
      const before = await both();
      await db.sql.unsafe(ddl);
      const after = await both();
      expect(after[0]).not.toBe(before[0]);
      expect(after[1]).not.toBe(before[1]);
    });
  }

  it('changes when ANALYZE writes new row estimates in place (no new xmin)', async () => {
    await db.sql.unsafe('insert into public.owners (id, name) select g, g::text from generate_series(1, 500) g');
    const before = await catalogStamp(db.sql);
    await db.sql.unsafe('analyze public.owners');
    expect(await catalogStamp(db.sql)).not.toBe(before);
  });

  it('does not change on plain data changes (sizes are covered by the max age instead)', async () => {
    const before = await catalogStamp(db.sql);
    await db.sql.unsafe(`update public.owners set name = name || '!' where id <= 10`);
    expect(await catalogStamp(db.sql)).toBe(before);
  });
});

/**
 * Runs `reads` until the database's stamp held from before it to after it. An autovacuum of a
 * catalog may rewrite row estimates in place at any moment (the stamp changes, and one more
 * introspection is then the design), so a test of reuse only counts runs the stamp held across.
 */
async function whileStampHolds<T>(reads: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const stampBefore = await catalogStamp(db.sql);
    const result = await reads();
    if ((await catalogStamp(db.sql)) === stampBefore) return result;
  }
  throw new Error('the catalog stamp changed during five attempts');
}

/** Two reads in a row while the stamp holds, and how many introspections the second cost. */
const readTwiceWhileStampHolds = (reader: StampedSchemaReader) =>
  whileStampHolds(async () => {
    const first = await reader.read('env', db.url);
    const count = reader.introspections;
    const second = await reader.read('env', db.url);
    return { first, second, introspectionsBetween: reader.introspections - count };
  });

describe('StampedSchemaReader', () => {
  it('returns the very same model, without introspecting, while the stamp is unchanged; a new one after a change', async () => {
    const reader = new StampedSchemaReader();
    const first = await reader.read('env', db.url);
    expect(reader.introspections).toBe(1);
    const held = await readTwiceWhileStampHolds(reader);
    expect(held.second).toBe(held.first);
    expect(held.introspectionsBetween).toBe(0);

    await db.sql.unsafe('alter table public.owners add column email text');
    const before = reader.introspections;
    const changed = await reader.read('env', db.url);
    expect(changed).not.toBe(first);
    expect(reader.introspections).toBe(before + 1);
    expect(changed.tables.find((t) => t.name === 'owners')?.columns.map((c) => c.name)).toContain('email');
    const heldAgain = await readTwiceWhileStampHolds(reader);
    expect(heldAgain.second).toBe(heldAgain.first);
    expect(heldAgain.first.tables.find((t) => t.name === 'owners')?.columns.map((c) => c.name)).toContain('email');
    expect(heldAgain.introspectionsBetween).toBe(0);
  });

  it('reads again once the kept model is older than the max age, even when the stamp is unchanged', async () => {
    let clock = 1_000_000;
    const reader = new StampedSchemaReader({ maxAgeMs: 60_000, now: () => clock });
    const { first, second, introspectionsBetween } = await whileStampHolds(async () => {
      reader.forget('env');
      const first = await reader.read('env', db.url);
      clock += 59_000;
      const count = reader.introspections;
      const second = await reader.read('env', db.url);
      return { first, second, introspectionsBetween: reader.introspections - count };
    });
    expect(second).toBe(first);
    expect(introspectionsBetween).toBe(0);
    clock += 2_000;
    const count = reader.introspections;
    const reread = await reader.read('env', db.url);
    expect(reread).not.toBe(first);
    expect(reader.introspections).toBe(count + 1);
  });

  it('reads one schema alone when asked (a tenant of a schema fleet, for its ERD)', async () => {
    await db.sql.unsafe('create schema if not exists tenant_a; create table if not exists tenant_a.invoices (id int primary key)');
    const reader = new StampedSchemaReader();
    const tenant = await reader.read('fleet/tenant_a', db.url, { onlySchema: 'tenant_a' });
    expect(tenant.tables.map((t) => `${t.schema}.${t.name}`)).toEqual(['tenant_a.invoices']);
    const whole = await reader.read('env-whole', db.url);
    expect(whole.tables.map((t) => t.schema)).toContain('public');
  });

  it('shares one read between concurrent callers of one key', async () => {
    const reader = new StampedSchemaReader();
    const [a, b] = await Promise.all([reader.read('env', db.url), reader.read('env', db.url)]);
    expect(a).toBe(b);
    expect(reader.introspections).toBe(1);
  });

  it('keeps keys apart: another environment is introspected on its own', async () => {
    const reader = new StampedSchemaReader();
    const a = await reader.read('one', db.url);
    const b = await reader.read('two', db.url);
    expect(b).not.toBe(a);
    expect(reader.introspections).toBe(2);
  });
});
