import { afterAll, beforeAll, expect, it } from 'vitest';
import { introspectUrl } from '../introspect/introspect';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { renderSchemaDdl } from './render-ddl';
import { diffSchemas } from './schema-diff';

// Models as real introspection produces them: format_type strings, pg_get_indexdef text,
// constraint definitions, and the indexes behind keys that the diff must not double-report.
const SCHEMA = `
create schema shop;
create type shop.status as enum ('new', 'paid');
create table shop.customers (id int primary key, email text not null unique);
create table shop.orders (
  id int primary key,
  customer_id int not null,
  status shop.status not null default 'new',
  note text,
  legacy_code text,
  total int
);
insert into shop.customers values (1, 'a@example.com'), (2, 'b@example.com');
insert into shop.orders values (1, 1, 'new', 'first', 'L1', 10), (2, 2, 'paid', 'second', null, 20);
create schema strata;
create table strata.history (id int);
`;

const ALTERS = [
  'alter table shop.orders add column shipped_at timestamptz',
  'alter table shop.orders drop column legacy_code',
  'alter table shop.orders alter column total type bigint',
  'alter table shop.orders alter column note set not null',
  'create index orders_customer_idx on shop.orders (customer_id)',
  'alter table shop.orders add constraint orders_customer_fkey foreign key (customer_id) references shop.customers (id)',
  "alter type shop.status add value 'shipped'",
  "create view shop.open_orders as select id, total from shop.orders where status = 'new'",
  'alter table strata.history add column at timestamptz',
];

let db: ScratchDatabase;
beforeAll(async () => {
  db = await createScratchDatabase('diff');
  await db.sql.unsafe(SCHEMA);
});
afterAll(async () => {
  await db?.drop();
});

it('diffs a live schema before and after a round of ALTERs, with the risks each one carries', async () => {
  const before = await introspectUrl(db.url);
  const rowCounts = { 'shop.customers': 2, 'shop.orders': 2 };
  for (const statement of ALTERS) await db.sql.unsafe(statement);
  const after = await introspectUrl(db.url);

  const diff = diffSchemas(before, after, { rowCounts });
  expect(diff.changes.map((c) => [c.kind, c.action, c.table, c.name])).toEqual([
    ['view', 'added', 'shop.open_orders', 'shop.open_orders'],
    ['column', 'removed', 'shop.orders', 'legacy_code'],
    ['column', 'changed', 'shop.orders', 'note'],
    ['column', 'added', 'shop.orders', 'shipped_at'],
    ['column', 'changed', 'shop.orders', 'total'],
    ['foreign_key', 'added', 'shop.orders', 'orders_customer_fkey'],
    ['index', 'added', 'shop.orders', 'orders_customer_idx'],
    ['enum', 'changed', 'shop.status', 'shop.status'],
  ]);
  expect(diff.summary).toEqual({ added: 4, removed: 1, changed: 3 });
  const byName = new Map(diff.changes.map((c) => [c.name, c]));
  expect(byName.get('total')).toMatchObject({ attributes: ['type'], before: 'total integer', after: 'total bigint' });
  expect(byName.get('note')).toMatchObject({ attributes: ['nullable'], before: 'note text', after: 'note text NOT NULL' });
  expect(byName.get('orders_customer_fkey')?.after).toBe('FOREIGN KEY (customer_id) REFERENCES shop.customers(id)');
  expect(byName.get('orders_customer_idx')?.after).toBe('CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id)');
  expect(byName.get('shop.status')?.after).toBe("ENUM shop.status ('new', 'paid', 'shipped')");

  expect(diff.risks.map((r) => [r.kind, r.severity, r.table, r.message])).toEqual([
    ['data_loss', 'high', 'shop.orders', 'Drops column shop.orders.legacy_code (2 rows)'],
    ['not_null_on_rows', 'high', 'shop.orders',
      'Sets shop.orders.note NOT NULL: scans every row under ACCESS EXCLUSIVE and fails on any null (2 rows)'],
    ['table_rewrite', 'medium', 'shop.orders', 'Rewrites shop.orders to change total from integer to bigint (2 rows)'],
    ['validation_scan', 'medium', 'shop.orders',
      'Adds FOREIGN KEY orders_customer_fkey on shop.orders, validated against existing rows while writes wait; add it NOT VALID and VALIDATE it separately (2 rows)'],
  ]);

  // The text rendering shows the same tables, and only the touched ones when asked.
  const touched = [...new Set(diff.changes.map((c) => c.table as string))];
  const text = renderSchemaDdl(after, { tables: touched });
  expect(text).toContain('  total bigint,\n');
  expect(text).toContain('CREATE INDEX orders_customer_idx ON shop.orders USING btree (customer_id);');
  expect(text).not.toContain('shop.customers (');
  expect(renderSchemaDdl(before)).not.toContain('strata');
});
