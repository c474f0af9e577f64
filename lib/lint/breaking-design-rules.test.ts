import { describe, expect, it } from 'vitest';
import { findingsOf, lintFixture, rulesForLastStatement as rules, WITH_TIMEOUT } from '../../test/lint/lint-fixtures';

const table = (columns: string) => `CREATE TABLE public.items (${columns}, created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now());`;

describe('breaking changes', () => {
  it('flags renames of existing columns and tables, not of ones this change set created', async () => {
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts RENAME COLUMN nickname TO handle;`)).toEqual(['rename-column']);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts RENAME TO customers;`)).toEqual(['rename-table']);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN handl text;\nALTER TABLE public.accounts RENAME COLUMN handl TO handle;`)).toEqual([]);
    expect(await rules(`${table('id bigint PRIMARY KEY')}\nALTER TABLE public.items RENAME TO products;`)).toEqual([]);
  });

  it('flags dropped columns and tables with data, and TRUNCATE', async () => {
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts DROP COLUMN nickname;`)).toEqual(['drop-column']);
    expect(await rules(`${WITH_TIMEOUT}DROP TABLE public.orders;`)).toEqual(['drop-table']);
    expect(await rules(`${WITH_TIMEOUT}TRUNCATE public.orders;`)).toEqual(['truncate-table']);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN tmp text;\nALTER TABLE public.accounts DROP COLUMN tmp;`)).toEqual([]);
  });

  it('flags SET NOT NULL on an existing column unless a validated CHECK proves it (PostgreSQL 12+)', async () => {
    const setNotNull = `${WITH_TIMEOUT}ALTER TABLE public.accounts ALTER COLUMN nickname SET NOT NULL;`;
    expect(await rules(setNotNull)).toEqual(['set-not-null-on-existing-column']);
    const checked = `${(await import('../../test/lint/lint-fixtures')).EXISTING_TABLES}
ALTER TABLE public.accounts ADD CONSTRAINT accounts_nickname_not_null CHECK (nickname IS NOT NULL) NOT VALID;`;
    const validate = `${WITH_TIMEOUT}ALTER TABLE public.accounts VALIDATE CONSTRAINT accounts_nickname_not_null;\n`;
    expect(await rules(`${validate}ALTER TABLE public.accounts ALTER COLUMN nickname SET NOT NULL;`, { setup: checked })).toEqual([]);
    expect(await rules(`${validate}ALTER TABLE public.accounts ALTER COLUMN nickname SET NOT NULL;`, { setup: checked, serverVersion: 11 })).toEqual([
      'set-not-null-on-existing-column',
    ]);
    // The check must be on that column and validated.
    expect(await rules(setNotNull, { setup: checked })).toEqual(['set-not-null-on-existing-column']);
  });
});

describe('column design', () => {
  it('flags serial types (prefer identity) and integer surrogate keys', async () => {
    expect(await rules(table('id bigserial PRIMARY KEY'))).toEqual(['serial-column']);
    expect(await rules(table('id serial PRIMARY KEY'))).toEqual(['int-primary-key', 'serial-column']);
    expect(await rules(table('id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY'))).toEqual(['int-primary-key']);
    expect(await rules(table('id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY'))).toEqual([]);
    // A natural integer key (a version number) cannot run out the way a sequence can.
    expect(await rules(table('version integer PRIMARY KEY'))).toEqual([]);
    expect(await rules(table('id integer, PRIMARY KEY (id)'))).toEqual(['int-primary-key']);
  });

  it('flags timestamp without time zone, varchar(n) and char(n), not timestamptz, text or varchar', async () => {
    expect(await rules(table('id bigint PRIMARY KEY, due timestamp'))).toEqual(['timestamp-without-time-zone']);
    expect(await rules(table('id bigint PRIMARY KEY, due timestamp(3) without time zone'))).toEqual(['timestamp-without-time-zone']);
    expect(await rules(table('id bigint PRIMARY KEY, due timestamptz, at timestamp with time zone'))).toEqual([]);
    expect(await rules(table('id bigint PRIMARY KEY, label varchar(40)'))).toEqual(['varchar-length-limit']);
    expect(await rules(table("id bigint PRIMARY KEY, label text CHECK (char_length(label) <= 40), other varchar"))).toEqual([]);
    expect(await rules(table('id bigint PRIMARY KEY, country char(2)'))).toEqual(['char-column']);
    // text → timestamp is not a known widening: values may fail to convert.
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ALTER COLUMN nickname TYPE timestamp USING now();`)).toEqual([
      'narrowed-column-type',
      'timestamp-without-time-zone',
    ]);
  });

  it('flags money in floats or the money type, not numeric money or non-money floats', async () => {
    expect(await rules(table('id bigint PRIMARY KEY, unit_price double precision'))).toEqual(['money-column-type']);
    expect(await rules(table('id bigint PRIMARY KEY, fees real'))).toEqual(['money-column-type']);
    expect(await rules(table('id bigint PRIMARY KEY, balance money'))).toEqual(['money-column-type']);
    expect(await rules(table('id bigint PRIMARY KEY, unit_price numeric(18, 6), latitude double precision'))).toEqual([]);
  });

  it('names every offending column of a statement in one finding', async () => {
    const findings = findingsOf(await lintFixture(table('id bigint PRIMARY KEY, a varchar(10), b varchar(20)')));
    expect(findings.filter((f) => f.ruleId === 'varchar-length-limit').map((f) => f.message)).toEqual(['public.items: a varchar(10), b varchar(20)']);
  });
});
