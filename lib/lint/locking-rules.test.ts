import { describe, expect, it } from 'vitest';
import { EXISTING_TABLES, findingsOf, lintFixture, rulesForLastStatement as rules, WITH_TIMEOUT } from '../../test/lint/lint-fixtures';

// Each unsafe statement must draw exactly the expected rule(s), and its safe variant none
// of them: an extra rule firing is a false positive and fails the test.

const NO_TX = '-- strata:no-transaction\n';

describe('index locks', () => {
  it('flags CREATE INDEX without CONCURRENTLY on an existing table only', async () => {
    expect(await rules(`${WITH_TIMEOUT}CREATE INDEX ix_accounts_name ON public.accounts (name);`)).toEqual(['create-index-without-concurrently']);
    expect(await rules(`${NO_TX}CREATE INDEX CONCURRENTLY ix_accounts_name ON public.accounts (name);`)).toEqual([]);
    const sameChangeSet = `CREATE TABLE public.notes (id bigint PRIMARY KEY, body text, created_at timestamptz, updated_at timestamptz);
CREATE INDEX ix_notes_body ON public.notes (body);`;
    expect(await rules(sameChangeSet)).toEqual([]);
  });

  it('builds a partitioned table\'s index the non-blocking way: ON ONLY the parent, partitions CONCURRENTLY, attached; the rollback may drop the parent alone', async () => {
    const setup = `${EXISTING_TABLES}
CREATE TABLE public.events (id bigint NOT NULL, account_id bigint, at timestamptz NOT NULL, created_at timestamptz, updated_at timestamptz) PARTITION BY RANGE (at);
CREATE TABLE public.events_2026 PARTITION OF public.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`;
    const forward = `CREATE INDEX IF NOT EXISTS ix_events_account_id ON ONLY public.events (account_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_events_2026_account_id ON public.events_2026 (account_id);
ALTER INDEX public.ix_events_account_id ATTACH PARTITION public.ix_events_2026_account_id;`;
    const report = await lintFixture(forward, { setup, noTransaction: true, rollback: 'DROP INDEX IF EXISTS public.ix_events_account_id;' });
    expect(findingsOf(report).map((f) => f.ruleId)).toEqual([]);
    // Without ONLY, the partitioned parent's index is built on every partition under the lock; ONLY on a plain table still builds.
    expect(await rules(`${WITH_TIMEOUT}CREATE INDEX ix_events_account_id ON public.events (account_id);`, { setup })).toEqual(['create-index-without-concurrently']);
    expect(await rules(`${WITH_TIMEOUT}CREATE INDEX ix_accounts_name ON ONLY public.accounts (name);`)).toEqual(['create-index-without-concurrently']);
    // A rollback that drops neither the parent nor the attached index leaves both behind.
    const partial = await lintFixture(forward, { setup, noTransaction: true, rollback: '-- forgot' });
    expect(findingsOf(partial).find((f) => f.ruleId === 'rollback-incomplete')?.message).toMatch(/ix_events_account_id.*ix_events_2026_account_id|ix_events_2026_account_id.*ix_events_account_id/);
  });

  it('flags CONCURRENTLY inside a transaction: Strata wraps change sets unless told not to', async () => {
    expect(await rules(`${WITH_TIMEOUT}CREATE INDEX CONCURRENTLY ix_accounts_name ON public.accounts (name);`)).toEqual(['concurrently-in-transaction']);
    expect(await rules(`${NO_TX}BEGIN;\nCREATE INDEX CONCURRENTLY ix_accounts_name ON public.accounts (name);`)).toEqual(['concurrently-in-transaction']);
    expect(await rules(`${NO_TX}VACUUM public.accounts;`)).toEqual([]);
  });

  it('flags DROP INDEX without CONCURRENTLY unless the index came with this change set', async () => {
    expect(await rules(`${WITH_TIMEOUT}DROP INDEX public.ix_orders_created_at;`)).toEqual(['drop-index-without-concurrently']);
    expect(await rules(`${NO_TX}DROP INDEX CONCURRENTLY public.ix_orders_created_at;`)).toEqual([]);
    expect(await rules(`CREATE TABLE public.t (id bigint PRIMARY KEY, created_at timestamptz, updated_at timestamptz);
CREATE INDEX ix_t_id ON public.t (id);
DROP INDEX public.ix_t_id;`)).toEqual([]);
  });

  it('flags REINDEX and DETACH PARTITION without CONCURRENTLY', async () => {
    expect(await rules(`${WITH_TIMEOUT}REINDEX TABLE public.accounts;`)).toEqual(['reindex-without-concurrently']);
    expect(await rules(`${NO_TX}REINDEX TABLE CONCURRENTLY public.accounts;`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.events DETACH PARTITION public.events_2024;`)).toEqual(['detach-partition-without-concurrently']);
    expect(await rules(`${NO_TX}ALTER TABLE public.events DETACH PARTITION public.events_2024 CONCURRENTLY;`)).toEqual([]);
  });
});

describe('NOT NULL columns', () => {
  const add = `${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN region text NOT NULL;`;

  it('warns when the row count is unknown, errs when the table has rows, and is quiet on an empty one', async () => {
    const unknown = findingsOf(await lintFixture(add)).filter((f) => f.ruleId === 'add-not-null-column-without-default');
    expect(unknown.map((f) => f.severity)).toEqual(['warning']);
    const full = findingsOf(await lintFixture(add, { tableRows: (t) => (t === 'public.accounts' ? 1200 : null) }));
    expect(full.filter((f) => f.ruleId === 'add-not-null-column-without-default').map((f) => [f.severity, f.message])).toEqual([
      ['error', 'NOT NULL column region is added to public.accounts without a default: fails, public.accounts has 1,200 rows'],
    ]);
    expect(await rules(add, { tableRows: () => 0 })).toEqual([]);
    expect(await rules(add)).toEqual(['add-not-null-column-without-default']);
  });

  it('accepts a default, an identity, a nullable column, and a table created in the same change set', async () => {
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN region text NOT NULL DEFAULT 'eu';`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN region text;`)).toEqual([]);
    expect(await rules(`CREATE TABLE public.t (id bigint PRIMARY KEY, created_at timestamptz, updated_at timestamptz);
ALTER TABLE public.t ADD COLUMN region text NOT NULL;`)).toEqual([]);
  });
});

describe('column type changes', () => {
  const retype = (from: string, to: string) => `${WITH_TIMEOUT}ALTER TABLE public.accounts ALTER COLUMN ${from} TYPE ${to};`;

  it('accepts binary-coercible changes: longer varchar, varchar to text', async () => {
    expect(await rules(retype('name', 'varchar(200)'))).toEqual(['varchar-length-limit']);
    expect(await rules(retype('name', 'text'))).toEqual([]);
    expect(await rules(retype('balance', 'numeric(14, 2)'))).toEqual([]);
  });

  it('flags rewrites as locking and narrowings as breaking', async () => {
    expect(await rules(retype('score', 'bigint'))).toEqual(['column-type-rewrite']);
    expect(await rules(retype('name', 'varchar(50)'))).toEqual(['narrowed-column-type', 'varchar-length-limit']);
    expect(await rules(retype('id', 'integer'))).toEqual(['narrowed-column-type']);
  });

  it('flags a retype whose current type is unknown (table not created by the project)', async () => {
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.legacy ALTER COLUMN note TYPE text;`)).toEqual(['column-type-rewrite']);
  });
});

describe('constraints', () => {
  it('flags FOREIGN KEY and CHECK without NOT VALID on existing tables only', async () => {
    const fk = `ALTER TABLE public.orders ADD CONSTRAINT orders_account_fk2 FOREIGN KEY (account_id) REFERENCES public.accounts (id)`;
    expect(await rules(`${WITH_TIMEOUT}${fk};`)).toEqual(['constraint-without-not-valid']);
    expect(await rules(`${WITH_TIMEOUT}${fk} NOT VALID;`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD CONSTRAINT accounts_score_check CHECK (score >= 0);`)).toEqual(['constraint-without-not-valid']);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD CONSTRAINT accounts_score_check CHECK (score >= 0) NOT VALID;`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.orders ADD COLUMN parent_id bigint REFERENCES public.orders (id);`)).toEqual([
      'constraint-without-not-valid',
      'foreign-key-without-index',
    ]);
  });

  it('flags VALIDATE in the transaction that added the constraint NOT VALID, not in a later change set', async () => {
    const add = `${WITH_TIMEOUT}ALTER TABLE public.accounts ADD CONSTRAINT accounts_score_check CHECK (score >= 0) NOT VALID;\n`;
    expect(await rules(`${add}ALTER TABLE public.accounts VALIDATE CONSTRAINT accounts_score_check;`)).toEqual(['not-valid-validated-in-same-transaction']);
    const setup = `${(await import('../../test/lint/lint-fixtures')).EXISTING_TABLES}\n${add}`;
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts VALIDATE CONSTRAINT accounts_score_check;`, { setup })).toEqual([]);
  });

  it('flags UNIQUE and PRIMARY KEY built directly, not USING INDEX', async () => {
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD CONSTRAINT accounts_code_key UNIQUE (code);`)).toEqual(['unique-constraint-without-index']);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD CONSTRAINT accounts_code_key UNIQUE USING INDEX ux_accounts_code;`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN slug text UNIQUE;`)).toEqual(['unique-constraint-without-index']);
  });
});

describe('whole-table locks', () => {
  it('reports a missing lock_timeout once per change set, before the first ACCESS EXCLUSIVE on an existing table', async () => {
    const two = 'ALTER TABLE public.accounts ADD COLUMN region text;\nALTER TABLE public.orders ADD COLUMN note text;';
    const found = findingsOf(await lintFixture(two)).filter((f) => f.ruleId === 'missing-lock-timeout');
    expect(found.map((f) => [f.statementIndex, f.line])).toEqual([[0, 1]]);
    expect(await rules(`SET lock_timeout = '2s';\n${two}`)).toEqual([]);
    expect(await rules(`SELECT set_config('lock_timeout', '2s', true);\n${two}`)).toEqual([]);
    const rollback = 'ALTER TABLE public.accounts DROP COLUMN region;\nALTER TABLE public.orders DROP COLUMN note;';
    expect(findingsOf(await lintFixture(`SET lock_timeout = 0;\n${two}`, { rollback })).map((f) => f.ruleId)).toEqual(['missing-lock-timeout']);
    // CREATE INDEX takes SHARE, not ACCESS EXCLUSIVE; a new table is invisible to other sessions.
    const newTable = `CREATE TABLE public.t (id bigint PRIMARY KEY, created_at timestamptz, updated_at timestamptz);\nALTER TABLE public.t ADD COLUMN x text;\nCREATE INDEX ix_orders_total ON public.orders (total);`;
    expect(findingsOf(await lintFixture(newTable, { rollback: 'DROP INDEX public.ix_orders_total;\nDROP TABLE public.t;' })).map((f) => f.ruleId)).toEqual([
      'create-index-without-concurrently',
    ]);
  });

  it('flags VACUUM FULL and CLUSTER, not plain VACUUM', async () => {
    expect(await rules(`${NO_TX}SET lock_timeout = '1s';\nVACUUM FULL public.accounts;`)).toEqual(['vacuum-full']);
    expect(await rules(`${NO_TX}VACUUM (FULL FALSE, ANALYZE) public.accounts;`)).toEqual([]);
    expect(await rules(`${WITH_TIMEOUT}CLUSTER public.orders USING ix_orders_account_id;`)).toEqual(['cluster']);
  });
});

describe('adding a column with a default', () => {
  const add = (definition: string) => `${WITH_TIMEOUT}ALTER TABLE public.accounts ADD COLUMN ${definition};`;

  it('flags volatile defaults, identity and stored generated columns: they rewrite the table', async () => {
    expect(await rules(add('token uuid DEFAULT gen_random_uuid()'))).toEqual(['add-column-rewrites-table']);
    expect(await rules(add('seen_at timestamptz DEFAULT clock_timestamp()'))).toEqual(['add-column-rewrites-table']);
    expect(await rules(add('seq bigint GENERATED BY DEFAULT AS IDENTITY'))).toEqual(['add-column-rewrites-table']);
    expect(await rules(add('total numeric GENERATED ALWAYS AS (balance * 2) STORED'))).toEqual(['add-column-rewrites-table']);
    expect(await rules(add('x jsonb DEFAULT my_schema.build_defaults()'))).toEqual(['add-column-rewrites-table']);
  });

  it('accepts constant and stable defaults since PostgreSQL 11, not before', async () => {
    expect(await rules(add("status text NOT NULL DEFAULT 'active'"))).toEqual([]);
    expect(await rules(add('seen_at timestamptz NOT NULL DEFAULT now()'))).toEqual([]);
    expect(await rules(add("tags text[] DEFAULT '{}'::text[]"))).toEqual([]);
    expect(await rules(add("expires_at timestamptz DEFAULT now() + interval '30 days'"))).toEqual([]);
    expect(await rules(add("status text NOT NULL DEFAULT 'active'"), { serverVersion: 10 })).toEqual(['add-column-rewrites-table']);
    expect(await rules(add('note text DEFAULT NULL'), { serverVersion: 10 })).toEqual([]);
  });
});

describe('batching big UPDATEs and DELETEs', () => {
  const big = (rows: number) => ({ tableRows: (t: string) => (t === 'public.orders' ? rows : null) });

  it('suggests batching a whole-table UPDATE or DELETE of a table with many live rows, naming the table, its rows and the directive', async () => {
    const report = await lintFixture(`UPDATE public.orders SET total = 0 WHERE total IS NULL;`, big(250_000));
    const found = findingsOf(report).filter((f) => f.ruleId === 'large-update-not-batched');
    expect(found.map((f) => [f.severity, f.message])).toEqual([
      [
        'warning',
        'UPDATE on public.orders (250,000 rows; batching from 100,000) runs with a WHERE that pins no indexed key in one statement: every row it changes stays locked until the change set commits; run it as `-- strata:batched size=1000` in a `-- strata:no-transaction` change set',
      ],
    ]);
    expect(found[0]!.saferAlternative).toContain('-- strata:batched size=1000 pause=50ms');
    expect(await rules(`DELETE FROM public.orders;`, big(250_000))).toEqual(['large-update-not-batched']);
    // A range on an indexed column may still be most of the table.
    expect(await rules(`DELETE FROM public.orders WHERE created_at < now() - interval '1 year';`, big(250_000))).toEqual(['large-update-not-batched']);
    // A column of another table in UPDATE … FROM does not make it selective.
    expect(await rules(`UPDATE public.orders o SET total = 0 FROM public.accounts a WHERE a.id = 7 AND o.account_id = a.id;`, big(250_000))).toEqual(['large-update-not-batched']);
    expect(await rules(`${NO_TX}UPDATE public.orders SET total = 0;`, big(250_000))).toEqual(['large-update-not-batched']);
  });

  it('is quiet on a batched statement, a selective WHERE on an indexed key, a small or unknown table, and a table of this change set', async () => {
    const batched = `${NO_TX}-- strata:batched size=500 pause=10ms\nUPDATE public.orders SET total = 0 WHERE total IS NULL;`;
    expect(await rules(batched, big(5_000_000))).toEqual([]);
    expect(await rules(`UPDATE public.orders SET total = 0 WHERE id = 42;`, big(250_000))).toEqual([]);
    expect(await rules(`UPDATE public.orders o SET total = 0 WHERE o.id IN (1, 2, 3);`, big(250_000))).toEqual([]);
    expect(await rules(`DELETE FROM public.orders WHERE account_id = $1 AND total < 0;`, big(250_000))).toEqual([]);
    expect(await rules(`UPDATE public.orders SET total = 0;`, big(99_999))).toEqual([]);
    // No target: the schema model has no row counts, and the rule does not guess.
    expect(await rules(`UPDATE public.orders SET total = 0;`)).toEqual([]);
    expect(await rules(`CREATE TABLE public.t (id bigint PRIMARY KEY, n int, created_at timestamptz, updated_at timestamptz);
UPDATE public.t SET n = 0;`, { tableRows: () => 1_000_000 })).toEqual([]);
  });

  it('takes its threshold from strata-lint.json', async () => {
    expect(await rules(`UPDATE public.orders SET total = 0;`, { ...big(5_000), config: { batchingRowThreshold: 1_000 } })).toEqual(['large-update-not-batched']);
    expect(await rules(`UPDATE public.orders SET total = 0;`, { ...big(500_000), config: { batchingRowThreshold: 1_000_000 } })).toEqual([]);
  });
});
