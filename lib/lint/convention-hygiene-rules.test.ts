import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../changesets/project';
import { DEFAULT_LINT_CONFIG } from './config';
import { findingsOf, lintFixture, rulesForLastStatement as rules, WITH_TIMEOUT } from '../../test/lint/lint-fixtures';
import { lintProject } from './lint-project';
import { projectFromSql } from './sql-project';

const STAMPS = 'created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()';

describe('naming conventions', () => {
  it('flags names that are not snake_case', async () => {
    expect(await rules(`CREATE TABLE public."LineItems" (id bigint PRIMARY KEY, "unitCount" integer, ${STAMPS});`)).toEqual(['snake-case-names']);
    expect(await rules(`CREATE TABLE public.line_items (id bigint PRIMARY KEY, unit_count integer, ${STAMPS});`)).toEqual([]);
  });

  it('accepts the configured index prefixes and suffixes (the demo uses ix_, idx_ and …_idx)', async () => {
    const create = (name: string) => `CREATE TABLE public.t (id bigint PRIMARY KEY, v text, ${STAMPS});\nCREATE INDEX ${name} ON public.t (v);`;
    for (const name of ['ix_t_v', 'idx_t_v', 't_v_idx', 'uq_t_v']) expect(await rules(create(name)), name).toEqual([]);
    expect(await rules(create('t_by_value'))).toEqual(['index-name-pattern']);
    expect(await rules(create('t_by_value'), { config: { indexPrefixes: ['t_by_'] } })).toEqual([]);
  });

  it('flags identifiers PostgreSQL would truncate to 63 bytes, measured in bytes', async () => {
    const long = `orders_with_a_name_that_goes_on_and_on_and_on_past_the_limit_of_63`;
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts RENAME COLUMN nickname TO ${long};`)).toEqual(['identifier-too-long', 'rename-column']);
    expect(await rules(`CREATE TABLE public."${'é'.repeat(32)}" (id bigint PRIMARY KEY, ${STAMPS});`)).toEqual(['identifier-too-long', 'snake-case-names']);
    expect(await rules(`CREATE TABLE public.${'a'.repeat(63)} (id bigint PRIMARY KEY, ${STAMPS});`)).toEqual([]);
  });
});

describe('table conventions', () => {
  it('wants an index led by every new foreign key by the end of its change set', async () => {
    const child = `CREATE TABLE public.payments (id bigint PRIMARY KEY, order_id bigint NOT NULL REFERENCES public.orders (id), ${STAMPS});`;
    expect(await rules(child)).toEqual(['foreign-key-without-index']);
    const covered = findingsOf(await lintFixture(`${child}\nCREATE INDEX ix_payments_order ON public.payments (order_id, created_at);`));
    expect(covered.filter((f) => f.ruleId === 'foreign-key-without-index')).toEqual([]);
    const partial = (where: string) => lintFixture(`${child}\nCREATE INDEX ix_payments_order ON public.payments (order_id) WHERE ${where};`);
    expect(findingsOf(await partial('order_id IS NOT NULL')).filter((f) => f.ruleId === 'foreign-key-without-index')).toEqual([]);
    expect(findingsOf(await partial('created_at > now()')).map((f) => f.ruleId)).toContain('foreign-key-without-index');
    // A GIN index or one led by another column does not serve the lookup.
    const other = findingsOf(await lintFixture(`${child}\nCREATE INDEX ix_payments_created ON public.payments (created_at, order_id);`));
    expect(other.map((f) => f.ruleId)).toContain('foreign-key-without-index');
  });

  it('wants created_at and updated_at on new tables, from the CREATE or a later ALTER of the same change set', async () => {
    expect(await rules('CREATE TABLE public.tags (id bigint PRIMARY KEY, label text);')).toEqual(['missing-timestamp-columns']);
    const later = 'CREATE TABLE public.tags (id bigint PRIMARY KEY, label text);\nALTER TABLE public.tags ADD COLUMN created_at timestamptz, ADD COLUMN updated_at timestamptz;';
    expect(findingsOf(await lintFixture(later)).filter((f) => f.ruleId === 'missing-timestamp-columns')).toEqual([]);
    expect(await rules('CREATE TABLE public.tags (id bigint PRIMARY KEY, inserted timestamptz);', { config: { timestampColumns: ['inserted'] } })).toEqual([]);
    // Partitions follow their parent.
    const partitioned = `CREATE TABLE public.ev (at timestamptz NOT NULL, ${STAMPS}) PARTITION BY RANGE (at);\nCREATE TABLE public.ev_2026 PARTITION OF public.ev FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`;
    expect(await rules(partitioned)).toEqual([]);
  });

  it('wants soft-delete columns all present or all absent', async () => {
    expect(await rules(`CREATE TABLE public.docs (id bigint PRIMARY KEY, deleted_at timestamptz, ${STAMPS});`)).toEqual(['soft-delete-columns-incomplete']);
    expect(await rules(`CREATE TABLE public.docs (id bigint PRIMARY KEY, is_deleted boolean, deleted_at timestamptz, ${STAMPS});`)).toEqual(['soft-delete-columns-incomplete']);
    expect(await rules(`CREATE TABLE public.docs (id bigint PRIMARY KEY, is_deleted boolean, deleted_at timestamptz, deleted_by text, ${STAMPS});`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN deleted_at timestamptz;`)).toEqual(['soft-delete-columns-incomplete']);
  });

  it('flags secrets and personal data stored as plain text, not hashes, prefixes, bytes or timestamps', async () => {
    expect(await rules(`CREATE TABLE public.creds (id bigint PRIMARY KEY, password text, api_key varchar(64), ${STAMPS});`)).toEqual([
      'sensitive-column-plaintext',
      'varchar-length-limit',
    ]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN contact_email text;`)).toEqual(['sensitive-column-plaintext']);
    const safe = `CREATE TABLE public.creds (id bigint PRIMARY KEY, password_hash text, api_key_prefix text, email_hmac text, refresh_token bytea, email_verified_at timestamptz, input_tokens integer, ${STAMPS});`;
    expect(await rules(safe)).toEqual([]);
  });
});

describe('hygiene', () => {
  it('flags a change set without rollback, and a rollback that leaves created objects behind', async () => {
    const forward = `CREATE TABLE public.tags (id bigint PRIMARY KEY, ${STAMPS});\nCREATE INDEX ix_accounts_code ON public.accounts (code);\nALTER TABLE public.orders ADD COLUMN tag_id bigint;`;
    const none = findingsOf(await lintFixture(forward, { rollback: null })).filter((f) => f.category === 'hygiene');
    expect(none.map((f) => [f.ruleId, f.file, f.line])).toEqual([['missing-rollback', 'migrations/0001_under_test.sql', 1]]);
    const partial = findingsOf(await lintFixture(forward, { rollback: 'DROP TABLE public.tags;' })).filter((f) => f.category === 'hygiene');
    expect(partial.map((f) => [f.ruleId, f.fileKind, f.file, f.message])).toEqual([
      ['rollback-incomplete', 'rollback', 'rollback/0001_under_test.sql', 'the rollback leaves behind index public.ix_accounts_code, column public.orders.tag_id'],
    ]);
    const complete = 'ALTER TABLE public.orders DROP COLUMN tag_id;\nDROP INDEX ix_accounts_code;\nDROP TABLE public.tags;';
    expect(findingsOf(await lintFixture(forward, { rollback: complete })).filter((f) => f.category === 'hygiene')).toEqual([]);
  });

  it('counts objects dropped with their schema, table or column as undone', async () => {
    const forward = `CREATE SCHEMA billing;\nCREATE TYPE billing.state AS ENUM ('open', 'paid');\nCREATE TABLE billing.invoices (id bigint PRIMARY KEY, state billing.state, ${STAMPS});\nCREATE INDEX ix_invoices_state ON billing.invoices (state);`;
    expect(findingsOf(await lintFixture(forward, { rollback: 'DROP SCHEMA billing CASCADE;' })).filter((f) => f.category === 'hygiene')).toEqual([]);
    const left = findingsOf(await lintFixture(forward, { rollback: 'DROP TABLE billing.invoices;' })).filter((f) => f.ruleId === 'rollback-incomplete');
    expect(left.map((f) => f.message)).toEqual(['the rollback leaves behind schema billing, type billing.state']);
  });

  it('flags transaction control inside a change set Strata wraps, and an explicit transaction left open', async () => {
    expect(await rules(`${WITH_TIMEOUT}UPDATE public.accounts SET score = 0;\nCOMMIT;`)).toEqual(['transaction-control-in-change-set']);
    const open = findingsOf(await lintFixture('-- strata:no-transaction\nBEGIN;\nUPDATE public.accounts SET score = 0;'));
    expect(open.map((f) => [f.ruleId, f.line])).toEqual([['transaction-control-in-change-set', 2]]);
    expect(findingsOf(await lintFixture('-- strata:no-transaction\nBEGIN;\nUPDATE public.accounts SET score = 0;\nCOMMIT;'))).toEqual([]);
  });

  it('reports SQL that does not parse as a finding at its line, and keeps linting the other change sets', async () => {
    const project = projectFromSql([
      { name: 'broken', forward: 'SELECT 1;\n\nCREATE TABLE (;', rollback: '-- none' },
      { name: 'fine', forward: `CREATE TABLE public.t (id bigint PRIMARY KEY, ${STAMPS});`, rollback: 'DROP TABLE public.t;' },
    ]);
    const report = await lintProject(project, { config: DEFAULT_LINT_CONFIG });
    expect(report.changeSets.map((c) => c.findings.map((f) => [f.ruleId, f.line]))).toEqual([[['sql-syntax-error', 3]], []]);
    expect(report.errors).toBe(1);
  });
});

describe('the demo project', () => {
  it('has complete rollbacks and no unparsable SQL (its known findings are design and locking ones)', async () => {
    const report = await lintProject(readProject(path.resolve('drizzle/demo')));
    const ids = new Set(report.changeSets.flatMap((c) => c.findings.map((f) => f.ruleId)));
    for (const id of ['rollback-incomplete', 'missing-rollback', 'sql-syntax-error', 'lint-ignore-needs-reason', 'snake-case-names', 'identifier-too-long']) {
      expect(ids.has(id), id).toBe(false);
    }
    expect(ids.has('create-index-without-concurrently')).toBe(true);
    expect(report.changeSets).toHaveLength(readProject(path.resolve('drizzle/demo')).changeSets.length);
  });
});
