import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { connect } from '../db/client';
import { quoteIdent } from '../db/identifiers';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { introspect, introspectUrl } from './introspect';

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('introspect_edge');
});
afterEach(async () => {
  await db.drop();
});

describe('introspect: edge cases', () => {
  it('an empty database gives a valid model with no tables', async () => {
    const model = await introspectUrl(db.url);
    expect(model).toMatchObject({
      database: db.name,
      schemas: [{ name: 'public', bookkeeping: false, comment: 'standard public schema', owner: 'pg_database_owner' }],
      tables: [],
      views: [],
      enums: [],
      extensions: [{ name: 'plpgsql', version: '1.0', schema: 'pg_catalog' }],
      inaccessibleSchemas: [],
    });
    // Plain JSON: it travels to the browser as is.
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('a table of 300 columns keeps every column in order', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
    await db.sql.unsafe(`create table wide (${names.map((n) => `${quoteIdent(n)} integer`).join(', ')})`);
    const [wide] = (await introspect(db.sql)).tables;
    expect(wide.columns).toHaveLength(300);
    expect(wide.columns.map((c) => c.name)).toEqual(names);
    expect(wide.columns.map((c) => c.position)).toEqual(names.map((_, i) => i + 1));
  });

  it('keeps names with quotes, spaces and unicode exactly as stored', async () => {
    await db.sql.unsafe(`
      create schema "my schema";
      create type "my schema"."mood ""x""" as enum ('it''s', 'ok');
      create table "my schema"."we""ird name" (
        "id ""q""" int primary key,
        "Mixed Case" text,
        feeling "my schema"."mood ""x"""
      );
      create table "my schema"."ünïcødé tåble" (
        "naïve" int references "my schema"."we""ird name" ("id ""q"""),
        "日本" text
      );
      create index "ïdx ""1""" on "my schema"."ünïcødé tåble" ("naïve", lower("日本"));
      comment on column "my schema"."we""ird name"."Mixed Case" is 'it''s "quoted"';
    `);
    const model = await introspect(db.sql);
    expect(model.schemas.map((s) => s.name)).toEqual(['my schema', 'public']);
    expect(model.tables.map((t) => t.id)).toEqual(['my schema.we"ird name', 'my schema.ünïcødé tåble']);
    const [weird, unicode] = model.tables;
    expect(weird).toMatchObject({ schema: 'my schema', name: 'we"ird name', primaryKey: { name: 'we"ird name_pkey', columns: ['id "q"'] } });
    expect(weird.columns.map((c) => [c.name, c.type, c.enumType, c.comment])).toEqual([
      ['id "q"', 'integer', null, null],
      ['Mixed Case', 'text', null, 'it\'s "quoted"'],
      ['feeling', '"my schema"."mood ""x"""', 'my schema.mood "x"', null],
    ]);
    expect(model.enums).toEqual([{ id: 'my schema.mood "x"', schema: 'my schema', name: 'mood "x"', values: ["it's", 'ok'], comment: null }]);
    expect(unicode.foreignKeys).toMatchObject([
      { columns: ['naïve'], references: { table: 'my schema.we"ird name', columns: ['id "q"'] } },
    ]);
    // Column keys are names as stored; expression keys are SQL text (quoted as SQL needs).
    expect(unicode.indexes.map((i) => [i.name, i.keys.map((k) => k.column ?? k.expression)])).toEqual([
      ['ïdx "1"', ['naïve', 'lower("日本")']],
    ]);
  });

  it('lists a schema without USAGE in inaccessibleSchemas and reads the rest', async () => {
    const role = `introspect_reader_${randomBytes(4).toString('hex')}`;
    const password = randomBytes(12).toString('hex');
    await db.sql.unsafe(`
      create schema hidden;
      create table hidden.secret (id int primary key);
      create table public.visible (id int primary key, secret_id int references hidden.secret (id));
      create role ${quoteIdent(role)} login password '${password}';
      revoke all on schema hidden from public;
    `);
    try {
      const url = new URL(db.url);
      url.username = role;
      url.password = password;
      const model = await introspectUrl(url.toString());
      expect(model.inaccessibleSchemas).toEqual(['hidden']);
      expect(model.schemas.map((s) => s.name)).toEqual(['hidden', 'public']);
      expect(model.tables.map((t) => t.id)).toEqual(['public.visible']);
      // The FK into the unread schema is still reported, pointing at a table the model does not hold.
      expect(model.tables[0].foreignKeys.map((fk) => fk.references)).toEqual([{ table: 'hidden.secret', columns: ['id'] }]);
      // A superuser sees everything.
      expect((await introspect(db.sql)).inaccessibleSchemas).toEqual([]);
    } finally {
      const admin = connect(inject('pgAdminUrl'), { max: 1 });
      await admin.unsafe(`drop role if exists ${quoteIdent(role)}`).finally(() => admin.end());
    }
  });

  it('inside an open transaction: sees uncommitted changes and leaves the search_path as it was', async () => {
    await db.sql.begin(async (tx) => {
      await tx.unsafe(`create type public.mood as enum ('sad', 'ok'); create table public.draft (m public.mood)`);
      await tx.unsafe(`set local search_path = public`);
      const model = await introspect(tx);
      // Names are qualified whatever the session's search_path.
      expect(model.tables.map((t) => [t.id, t.columns[0].type])).toEqual([['public.draft', 'public.mood']]);
      const [{ path }] = await tx<Array<{ path: string }>>`select current_setting('search_path') as path`;
      expect(path).toBe('public');
    });
  });

  it('bookkeeping schemas are listed and marked; their tables are read only when asked', async () => {
    await db.sql.unsafe(`
      create schema strata; create table strata.change_log (id int);
      create schema drizzle; create table drizzle.__drizzle_migrations (id int);
      create table public.users (id int);
    `);
    const model = await introspect(db.sql);
    expect(model.schemas.map((s) => [s.name, s.bookkeeping])).toEqual([
      ['drizzle', true],
      ['public', false],
      ['strata', true],
    ]);
    expect(model.tables.map((t) => t.id)).toEqual(['public.users']);
    const full = await introspect(db.sql, { includeBookkeeping: true });
    expect(full.tables.map((t) => t.id)).toEqual(['drizzle.__drizzle_migrations', 'public.users', 'strata.change_log']);
  });
});
