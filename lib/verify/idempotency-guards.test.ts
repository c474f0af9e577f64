import { describe, expect, it } from 'vitest';
import { splitStatements } from '../changesets/statements';
import { idempotencyGuards } from './idempotency-guards';

const guards = async (sql: string) => idempotencyGuards(await splitStatements({ file: 'x.sql', text: sql, checksum: '', noTransaction: false }));

describe('idempotencyGuards (a static reading of a change set that claims -- strata:idempotent)', () => {
  it('accepts statements that guard themselves or end in the same state when repeated', async () => {
    expect(
      await guards(`CREATE SCHEMA IF NOT EXISTS s;
CREATE TABLE IF NOT EXISTS s.t (id int, n int);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_t_n ON s.t (n);
CREATE OR REPLACE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;
CREATE OR REPLACE VIEW s.v AS SELECT id FROM s.t;
ALTER TABLE s.t ADD COLUMN IF NOT EXISTS c text, DROP COLUMN IF EXISTS old, ALTER COLUMN n SET DEFAULT 0;
ALTER TYPE s.e ADD VALUE IF NOT EXISTS 'x';
ALTER INDEX s.ix_parent ATTACH PARTITION s.ix_child;
INSERT INTO s.t VALUES (1) ON CONFLICT DO NOTHING;
UPDATE s.t SET n = 0 WHERE n IS NULL;
DROP INDEX IF EXISTS s.ix_gone;`),
    ).toEqual({ allGuarded: true, unguarded: [] });
  });

  it('names each statement a second run would trip over, by line', async () => {
    expect(
      await guards(`CREATE TABLE s.t (id int);
CREATE INDEX ix_t_id ON s.t (id);
ALTER TABLE s.t ADD COLUMN c text, ADD CONSTRAINT t_pk PRIMARY KEY (id);
CREATE TYPE s.e AS ENUM ('a');
ALTER TABLE s.p ATTACH PARTITION s.p1 FOR VALUES IN (1);
INSERT INTO s.t VALUES (1);
DROP TABLE s.old;
CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;`),
    ).toEqual({
      allGuarded: false,
      unguarded: [
        'line 1: CREATE TABLE without IF NOT EXISTS',
        'line 2: CREATE INDEX without IF NOT EXISTS',
        'line 3: ALTER TABLE ADD COLUMN without IF NOT EXISTS, ADD CONSTRAINT (has no IF NOT EXISTS form)',
        'line 4: CREATE TYPE … AS ENUM (has no IF NOT EXISTS form)',
        'line 5: ALTER TABLE ATTACH PARTITION (has no IF NOT EXISTS form)',
        'line 6: INSERT without ON CONFLICT',
        'line 7: DROP without IF EXISTS',
        'line 8: CREATE FUNCTION without OR REPLACE',
      ],
    });
  });
});
