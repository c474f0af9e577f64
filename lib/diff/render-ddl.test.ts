import { describe, expect, it } from 'vitest';
import { col, fk, idx, modelOf, platformModel, tbl } from '../../test/erd/test-model';
import { displayId, displayIdent, extensionSummary, renderSchemaDdl, schemaSummary } from './render-ddl';

describe('displayIdent', () => {
  it.each([
    ['users', 'users'],
    ['_x1', '_x1'],
    ['time', 'time'],
    ['Users', '"Users"'],
    ['1st', '"1st"'],
    ['user', '"user"'],
    ['order', '"order"'],
    ['left', '"left"'],
    ['prix €', '"prix €"'],
    ['say "hi"', '"say ""hi"""'],
  ])('%s → %s', (name, shown) => {
    expect(displayIdent(name)).toBe(shown);
  });

  it('shows a model id part by part', () => {
    expect(displayId('app.Order Items')).toBe('app."Order Items"');
  });
});

describe('renderSchemaDdl', () => {
  const model = () =>
    modelOf([
      tbl('app', 'order', [
        col('id', 'bigint', { nullable: false, identity: 'always' }),
        col('customer', 'text', { collation: 'C' }),
        col('total', 'numeric(12,2)', { nullable: false, default: '0' }),
        col('total_cents', 'bigint', { generated: '(total * (100)::numeric)' }),
      ], {
        primaryKey: { name: 'order_pkey', columns: ['id'] },
        uniqueConstraints: [{ name: 'order_customer_key', columns: ['customer'], nullsNotDistinct: true, deferrable: false }],
        checkConstraints: [{ name: 'order_total_check', definition: 'CHECK ((total >= (0)::numeric)) NOT VALID', validated: false }],
        foreignKeys: [fk('order_customer_fkey', ['customer'], 'app.customers', ['name'])],
        indexes: [
          idx('order_pkey', ['id'], { primary: true, unique: true, constraint: 'order_pkey' }),
          idx('order_customer_key', ['customer'], { unique: true, constraint: 'order_customer_key' }),
          idx('order_total_idx', ['total'], { definition: 'CREATE INDEX order_total_idx ON app."order" USING btree (total)' }),
        ],
        rlsEnabled: true,
        persistence: 'unlogged',
      }),
      tbl('app', 'customers', [col('name', 'text', { nullable: false })], { rowEstimate: 12, totalBytes: 999 }),
      tbl('app', 'log', [col('at', 'timestamp with time zone')], { kind: 'partitioned', partitionKey: 'RANGE (at)', partitions: ['app.log_2026'] }),
      tbl('app', 'log_2026', [col('at', 'timestamp with time zone')], {
        kind: 'partition', partitionOf: 'app.log', partitionBound: "FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
        indexes: [idx('log_2026_at_idx', ['at'], { partitioned: true }), idx('log_2026_local_idx', ['at'], { definition: 'CREATE INDEX log_2026_local_idx ON app.log_2026 USING brin (at)' })],
      }),
      tbl('app', 'empty', []),
      tbl('strata', 'change_log', [col('id', 'bigint')]),
      tbl('strata_backup_20260101', 'order', [col('id', 'bigint')]),
    ], {
      enums: [{ id: 'app.mood', schema: 'app', name: 'mood', values: ['ok', "won't"], comment: null }],
      views: [{
        id: 'app.totals', schema: 'app', name: 'totals', materialized: true, definition: ' SELECT sum(total) AS total\n   FROM app."order";',
        columns: [{ name: 'total', type: 'numeric' }], comment: null,
        indexes: [idx('totals_idx', ['total'], { definition: 'CREATE INDEX totals_idx ON app.totals USING btree (total)' })],
      }],
    });

  it('renders enums, tables by id with their standalone indexes, then views', () => {
    expect(renderSchemaDdl(model())).toBe(`CREATE SCHEMA app;

CREATE TYPE app.mood AS ENUM ('ok', 'won''t');

CREATE TABLE app.customers (
  name text NOT NULL
);

CREATE TABLE app.empty ();

CREATE TABLE app.log (
  at timestamp with time zone
) PARTITION BY RANGE (at);

CREATE TABLE app.log_2026 PARTITION OF app.log FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX log_2026_local_idx ON app.log_2026 USING brin (at);

CREATE UNLOGGED TABLE app."order" (
  id bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
  customer text COLLATE "C",
  total numeric(12,2) NOT NULL DEFAULT 0,
  total_cents bigint GENERATED ALWAYS AS ((total * (100)::numeric)),
  CONSTRAINT order_pkey PRIMARY KEY (id),
  CONSTRAINT order_customer_key UNIQUE NULLS NOT DISTINCT (customer),
  CONSTRAINT order_total_check CHECK ((total >= (0)::numeric)) NOT VALID,
  CONSTRAINT order_customer_fkey FOREIGN KEY (customer) REFERENCES app.customers(name)
);
ALTER TABLE app."order" ENABLE ROW LEVEL SECURITY;
CREATE INDEX order_total_idx ON app."order" USING btree (total);

CREATE MATERIALIZED VIEW app.totals AS
 SELECT sum(total) AS total
   FROM app."order";
CREATE INDEX totals_idx ON app.totals USING btree (total);
`);
  });

  it('restricts to the given ids (tables, enums and views alike)', () => {
    expect(renderSchemaDdl(model(), { tables: ['app.customers', 'app.mood', 'strata.change_log'] })).toBe(`CREATE SCHEMA app;

CREATE TYPE app.mood AS ENUM ('ok', 'won''t');

CREATE TABLE app.customers (
  name text NOT NULL
);
`);
    expect(renderSchemaDdl(model(), { tables: [] })).toBe('');
  });

  describe('schemas and extensions', () => {
    const withMore = () => {
      const m = model();
      m.schemas.push({ name: 'Archive', bookkeeping: false, comment: null, owner: 'app' }, { name: 'strata_shadow_1', bookkeeping: false, comment: null, owner: 'app' });
      m.tables.push(tbl('Archive', 'old', [col('id', 'integer')]));
      m.extensions = [
        { name: 'uuid-ossp', version: '1.1', schema: 'public' },
        { name: 'pg_trgm', version: '1.6', schema: 'public' },
      ];
      return m;
    };

    it('come first, each by name, user schemas only', () => {
      expect(withMore().schemas.map((s) => s.name)).toEqual(['app', 'strata', 'strata_backup_20260101', 'Archive', 'strata_shadow_1']);
      expect(renderSchemaDdl(withMore()).split('CREATE TYPE')[0]).toBe(`CREATE SCHEMA "Archive";
CREATE SCHEMA app;

CREATE EXTENSION pg_trgm WITH SCHEMA public VERSION '1.6';
CREATE EXTENSION "uuid-ossp" WITH SCHEMA public VERSION '1.1';

`);
    });

    it('are restricted to the schemas of the given ids, with no extensions', () => {
      expect(renderSchemaDdl(withMore(), { tables: ['Archive.old'] })).toBe('CREATE SCHEMA "Archive";\n\nCREATE TABLE "Archive".old (\n  id integer\n);\n');
      expect(renderSchemaDdl(withMore(), { tables: ['strata.change_log', 'nowhere.t'] })).toBe('');
    });

    it('have one-line summaries for the diff', () => {
      expect(schemaSummary({ name: 'files', bookkeeping: false, comment: null, owner: 'app' })).toBe('SCHEMA files');
      expect(schemaSummary({ name: 'Files', bookkeeping: false, comment: "Bob's\nfiles", owner: 'user' })).toBe(`SCHEMA "Files" (comment 'Bob''s files')`);
      expect(extensionSummary({ name: 'pg_trgm', version: '1.6', schema: 'public' })).toBe('EXTENSION pg_trgm 1.6 (schema public)');
    });
  });

  it('is stable: model order, statistics and introspection time do not show', () => {
    const shuffled = model();
    shuffled.tables.reverse();
    shuffled.introspectedAt = '2031-05-05T00:00:00.000Z';
    for (const table of shuffled.tables) table.rowEstimate = 123456;
    expect(renderSchemaDdl(shuffled)).toBe(renderSchemaDdl(model()));
  });

  it('quotes what needs quoting in a realistic model', () => {
    const text = renderSchemaDdl(platformModel());
    expect(text).toContain('CREATE TABLE platform."café ""menu"" items" (\n  id integer NOT NULL,\n  "prix €" numeric(12,2),');
    expect(text).not.toContain('change_log');
  });
});
