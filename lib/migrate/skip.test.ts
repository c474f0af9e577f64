import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { readProject } from '../changesets/project';
import { optionalChangeSets } from '../project/load-project';
import { createScratchDatabase, type ScratchDatabase } from '../../test/support/scratch-database';
import { testContext } from '../../test/support/run-context';
import { applyChangeSets } from './apply';
import { skipChangeSet, unskipChangeSet } from './bookkeeping-ops';
import { ensureBookkeeping, loadHistory } from './history-store';
import { readTarget } from './read-status';
import { rollbackChangeSets } from './rollback';

const FIXTURE = path.resolve('test/fixtures/optional-deps');

let db: ScratchDatabase;
beforeEach(async () => {
  db = await createScratchDatabase('skip');
});
afterEach(async () => {
  await db.drop();
});

const project = () => readProject(FIXTURE);
const states = async () => Object.fromEntries((await readTarget(db.url, project())).status.changeSets.map((c) => [c.changeSet.tag, c.state]));
const tables = async () => (await db.sql`select tablename from pg_tables where schemaname = 'ledger' order by 1`).map((r) => String(r.tablename));
const drizzleRows = async () => (await db.sql`select created_at from drizzle.__drizzle_migrations order by created_at`).map((r) => Number(r.created_at));

describe('optional change sets: skip and un-skip', () => {
  it('the fixture declares its optional change sets in strata.config.ts', async () => {
    expect(await optionalChangeSets(FIXTURE)).toEqual(['0001_ledger_daily_totals', '0003_ledger_notes']);
  });

  it('a skipped change set is recorded, does not block, later ones apply past it; un-skipped it is out of order and applies', async () => {
    const p = project();
    const optional = await optionalChangeSets(FIXTURE);
    await applyChangeSets(testContext(db.url), p, { to: '0002_ledger_totals_index' });
    expect(await skipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'not needed on this environment', { optional })).toBe('skipped');
    expect((await states())['0003_ledger_notes']).toBe('skipped');
    const history = await loadHistory(db.sql);
    expect(history.at(-1)).toMatchObject({ tag: '0003_ledger_notes', operation: 'skip', status: 'skipped', actor: 'tester', reason: 'not needed on this environment' });

    // Later change sets apply past it; the skipped one is not run and has no drizzle row.
    const applied = await applyChangeSets(testContext(db.url), p);
    expect(applied.records.map((r) => r.tag)).toEqual(['0004_ledger_account_flag']);
    expect(await tables()).toEqual(['accounts', 'daily_totals']);
    expect(await drizzleRows()).not.toContain(p.changeSets[3]!.when);
    const read = await readTarget(db.url, p);
    expect(read.status.schemaVersion).toBe('0004_ledger_account_flag');
    expect(read.status.counts.skipped).toBe(1);

    // A rollback walks past it: it undoes 0004, never the skipped 0003.
    const rolled = await rollbackChangeSets(testContext(db.url), p, { steps: 1 });
    expect(rolled.records.map((r) => r.tag)).toEqual(['0004_ledger_account_flag']);
    await applyChangeSets(testContext(db.url), p);

    // Un-skip: applicable again, out of order (0004 is applied after it), applied only when asked.
    expect(await unskipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'wanted after all')).toBe('out_of_order');
    expect((await states())['0003_ledger_notes']).toBe('out_of_order');
    expect((await applyChangeSets(testContext(db.url), p)).records).toEqual([]);
    const late = await applyChangeSets(testContext(db.url), p, { includeOutOfOrder: true });
    expect(late.records.map((r) => r.tag)).toEqual(['0003_ledger_notes']);
    expect(await tables()).toEqual(['accounts', 'daily_totals', 'notes']);
    expect((await states())['0003_ledger_notes']).toBe('applied');
  });

  it('un-skipped before anything later ran, it is plain pending', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p, { to: '0002_ledger_totals_index' });
    await skipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'later', { optional: await optionalChangeSets(FIXTURE) });
    expect(await unskipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'now')).toBe('pending');
    expect((await states())['0003_ledger_notes']).toBe('pending');
  });

  it('refuses a change set the project does not declare optional, and writes nothing', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p, { to: '0003_ledger_notes' });
    const before = await loadHistory(db.sql);
    await expect(skipChangeSet(testContext(db.url), p, '0004_ledger_account_flag', 'why not', { optional: await optionalChangeSets(FIXTURE) })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      message: expect.stringContaining('0004_ledger_account_flag is not optional'),
    });
    expect(await loadHistory(db.sql)).toEqual(before);
  });

  it('refuses a skip a later change set depends on, naming the later change set and the object', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p, { to: '0000_ledger' });
    const before = await loadHistory(db.sql);
    const refused = skipChangeSet(testContext(db.url), p, '0001_ledger_daily_totals', 'not needed', { optional: await optionalChangeSets(FIXTURE) });
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_STATE' });
    await expect(refused).rejects.toThrow(/0001_ledger_daily_totals cannot be skipped.*0002_ledger_totals_index uses ledger\.daily_totals \(migrations\/0002_ledger_totals_index\.sql:1\)/);
    expect(await loadHistory(db.sql)).toEqual(before);
    expect((await states())['0001_ledger_daily_totals']).toBe('pending');
  });

  it('refuses an empty reason, an applied change set and un-skipping one that is not skipped', async () => {
    const p = project();
    const optional = await optionalChangeSets(FIXTURE);
    await applyChangeSets(testContext(db.url), p);
    await expect(skipChangeSet(testContext(db.url), p, '0003_ledger_notes', '  ', { optional })).rejects.toMatchObject({ code: 'BAD_USAGE' });
    await expect(skipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'no', { optional })).rejects.toThrow(/0003_ledger_notes is applied here/);
    await expect(unskipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'no')).rejects.toThrow(/not skipped/);
  });

  it('drizzle-orm migrate() after a skip: it runs the skipped change set (it has no row for it) and Strata adopts it as applied', async () => {
    const p = project();
    await applyChangeSets(testContext(db.url), p, { to: '0002_ledger_totals_index' });
    await skipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'not here', { optional: await optionalChangeSets(FIXTURE) });
    const client = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      await migrate(drizzle(client), { migrationsFolder: path.join(FIXTURE, 'migrations') });
    } finally {
      await client.end();
    }
    expect(await tables()).toEqual(['accounts', 'daily_totals', 'notes']);
    const s = await states();
    expect([s['0003_ledger_notes'], s['0004_ledger_account_flag']]).toEqual(['applied', 'applied']);
  });

  it('upgrades a history created before skips existed: its old rows stay, and a skip can be written', async () => {
    const p = project();
    // The change_log of the previous release: its operation and status checks without skip.
    await db.sql.unsafe(`
      CREATE SCHEMA strata;
      CREATE TABLE strata.change_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, version integer NOT NULL, tag text NOT NULL,
        operation text NOT NULL CHECK (operation IN ('apply', 'rollback', 'baseline', 'resolve', 'adopt')),
        direction text NOT NULL CHECK (direction IN ('up', 'down')),
        status text NOT NULL CONSTRAINT change_log_status_check CHECK (status IN ('applied', 'rolled_back', 'failed', 'started')),
        checksum text NOT NULL, actor text NOT NULL, environment text, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL,
        duration_ms integer NOT NULL, statements integer NOT NULL DEFAULT 0, rows_affected bigint NOT NULL DEFAULT 0,
        tables_touched text[] NOT NULL DEFAULT '{}', no_transaction boolean NOT NULL DEFAULT false, error_message text,
        error_statement_index integer, error_statement text, error_position integer, error_hint text, error_detail text,
        error_code text, reason text, backup_schema text);
      CREATE SCHEMA drizzle;
      CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);`);
    await db.sql`insert into strata.change_log (version, tag, operation, direction, status, checksum, actor, started_at, finished_at, duration_ms)
      values (0, '0000_ledger', 'baseline', 'up', 'applied', ${p.changeSets[0]!.forward.checksum}, 'old', now(), now(), 0)`;
    await db.sql.unsafe(`CREATE SCHEMA ledger; CREATE TABLE ledger.accounts (id integer PRIMARY KEY, name text NOT NULL)`);
    await expect(db.sql`insert into strata.change_log (version, tag, operation, direction, status, checksum, actor, started_at, finished_at, duration_ms)
      values (3, '0003_ledger_notes', 'skip', 'up', 'skipped', 'x', 'old', now(), now(), 0)`).rejects.toThrow(/check constraint/);

    await skipChangeSet(testContext(db.url), p, '0003_ledger_notes', 'after the upgrade', { optional: await optionalChangeSets(FIXTURE) });
    const history = await loadHistory(db.sql);
    expect(history.map((h) => [h.tag, h.operation, h.status])).toEqual([
      ['0000_ledger', 'baseline', 'applied'],
      ['0003_ledger_notes', 'skip', 'skipped'],
    ]);
    // The upgrade is done once: the next session takes the fast path (same constraints).
    const constraints = async () => (await db.sql`select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'strata.change_log'::regclass order by 1`).map((r) => `${r.conname}: ${r.def}`);
    const after = await constraints();
    await ensureBookkeeping(db.sql);
    expect(await constraints()).toEqual(after);
    // Still append-only.
    await expect(db.sql`delete from strata.change_log`).rejects.toThrow(/append-only/);
  });
});
