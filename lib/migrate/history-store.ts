import type postgres from 'postgres';
import { drizzleV1Name, type ChangeSet } from '../changesets/project';
import { historySchema, sessionPlace, type TargetPlace } from './target-place';

/**
 * strata.change_log lives in the target database so the truth travels with the data,
 * and drizzle.__drizzle_migrations is kept in step so drizzle-orm's migrate() and Strata
 * can take turns on the same database. A tenant schema's history (target-place.ts) is kept in
 * its own schema, and has no drizzle table: drizzle.__drizzle_migrations is one per database,
 * so it cannot say what ran in one tenant — adopting from it would mark every tenant applied.
 */
type Queryable = postgres.Sql<Record<string, never>> | postgres.ReservedSql<Record<string, never>> | postgres.TransactionSql<Record<string, never>>;

export type Operation = 'apply' | 'rollback' | 'baseline' | 'resolve' | 'adopt' | 'skip' | 'unskip';
export type Direction = 'up' | 'down';
/**
 * `started` is written (and committed) before the first statement of a no-transaction change
 * set, whose statements commit one by one: if the process dies half-way, that row is the
 * only trace of the partial run. The outcome row appended later supersedes it; transactional
 * change sets need none (they commit or vanish whole). `skipped` is an optional change set a
 * person chose not to run on this target (operation `skip`); an `unskip` row (status
 * `rolled_back`: not in place) makes it applicable again.
 */
export type EntryStatus = 'applied' | 'rolled_back' | 'failed' | 'started' | 'skipped';

/**
 * One row of strata.change_log. A `started` row has no outcome yet: its finishedAt equals
 * its startedAt, its durationMs is 0 and its statements is the number the file holds.
 */
export interface HistoryEntry {
  id: number;
  version: number;
  tag: string;
  operation: Operation;
  direction: Direction;
  status: EntryStatus;
  checksum: string;
  actor: string;
  environment: string | null;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  statements: number;
  rowsAffected: number;
  tablesTouched: string[];
  noTransaction: boolean;
  errorMessage: string | null;
  errorStatementIndex: number | null;
  errorStatement: string | null;
  errorPosition: number | null;
  errorHint: string | null;
  errorDetail: string | null;
  errorCode: string | null;
  reason: string | null;
  /** Where a destructive rollback copied the affected tables first (`strata_backup_…`). */
  backupSchema: string | null;
  /** What else the run says about itself, e.g. that a batched statement resumed after an interrupted run. */
  notes: string | null;
}

export type NewHistoryEntry = Omit<HistoryEntry, 'id'>;

/**
 * A history row for bookkeeping that runs no SQL of the change set — baseline, resolve,
 * adoption of what drizzle-orm applied — so it has no duration, statements or error.
 */
export function bookkeepingEntry(fields: {
  version: number;
  tag: string;
  operation: 'baseline' | 'resolve' | 'adopt' | 'skip' | 'unskip';
  status: 'applied' | 'rolled_back' | 'skipped';
  checksum: string;
  actor: string;
  environment: string | null;
  reason: string;
}): NewHistoryEntry {
  const now = new Date();
  return {
    ...fields,
    direction: fields.status === 'rolled_back' ? 'down' : 'up',
    startedAt: now,
    finishedAt: now,
    durationMs: 0,
    statements: 0,
    rowsAffected: 0,
    tablesTouched: [],
    noTransaction: false,
    errorMessage: null,
    errorStatementIndex: null,
    errorStatement: null,
    errorPosition: null,
    errorHint: null,
    errorDetail: null,
    errorCode: null,
    backupSchema: null,
    notes: null,
  };
}

export interface DrizzleRow {
  id: number;
  hash: string;
  createdAt: number;
  /**
   * drizzle-orm 1.0's `name` column: the migration folder's name, by which 1.0 decides what is
   * applied. Null in a 0.x table (no column) and on rows a 0.x migrator or older Strata wrote.
   */
  name: string | null;
}

/*
 * The bookkeeping layout a database's history (strata) and a tenant's (its history schema) share,
 * written once: ensureBookkeeping upgrades a database's older layout step by step, a tenant's is
 * created in the latest at once, and both must end with the same tables, which every reader
 * here queries alike. Plain SQL text, no input in it.
 */
/** Every operation and status of the latest layout (Operation, EntryStatus), as an IN list. */
const CHANGE_LOG_OPERATIONS = "'apply', 'rollback', 'baseline', 'resolve', 'adopt', 'skip', 'unskip'";
const CHANGE_LOG_STATUSES = "'applied', 'rolled_back', 'failed', 'started', 'skipped'";
/** change_log's columns from checksum to reason: what a run records about itself. */
const CHANGE_LOG_RUN_COLUMNS = `checksum text NOT NULL,
      actor text NOT NULL,
      environment text,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      statements integer NOT NULL DEFAULT 0,
      rows_affected bigint NOT NULL DEFAULT 0,
      tables_touched text[] NOT NULL DEFAULT '{}',
      no_transaction boolean NOT NULL DEFAULT false,
      error_message text,
      error_statement_index integer,
      error_statement text,
      error_position integer,
      error_hint text,
      error_detail text,
      error_code text,
      reason text`;
/** batch_checkpoint's columns (lib/migrate/batch-checkpoints.ts). */
const BATCH_CHECKPOINT_COLUMNS = `id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      run_log_id bigint NOT NULL,
      tag text NOT NULL,
      direction text NOT NULL CHECK (direction IN ('up', 'down')),
      statement_index integer NOT NULL,
      statement_hash text NOT NULL,
      batch integer NOT NULL,
      rows_done bigint NOT NULL,
      last_key text[],
      finished boolean NOT NULL DEFAULT false,
      total_batches integer,
      written_at timestamptz NOT NULL DEFAULT clock_timestamp()`;

/** Creates the bookkeeping tables. Call only while holding the target lock (DDL races). */
export async function ensureBookkeeping(sql: Queryable, place: TargetPlace = sessionPlace(sql)): Promise<void> {
  if (place.tenant !== null) return ensureTenantBookkeeping(sql, place);
  // Fast path: everything of the latest layout is in place. Each later addition adds its own
  // check here, so a history created by an older Strata is upgraded on its next session.
  const [present] = await sql`
    select to_regclass('drizzle.__drizzle_migrations') is not null
      and exists (select 1 from pg_attribute where attrelid = to_regclass('strata.change_log') and attname = 'backup_schema')
      and exists (
        select 1 from pg_constraint
        where conrelid = to_regclass('strata.change_log') and conname = 'change_log_status_check'
          and pg_get_constraintdef(oid) like '%''skipped''%'
      )
      and exists (
        select 1 from pg_constraint
        where conrelid = to_regclass('strata.change_log') and conname = 'change_log_operation_check'
          and pg_get_constraintdef(oid) like '%''unskip''%'
      )
      and exists (select 1 from pg_attribute where attrelid = to_regclass('strata.change_log') and attname = 'notes')
      and to_regclass('strata.batch_checkpoint') is not null as ok`;
  if (present?.ok) return;
  await sql.unsafe(`
    CREATE SCHEMA IF NOT EXISTS strata;
    CREATE TABLE IF NOT EXISTS strata.change_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version integer NOT NULL,
      tag text NOT NULL,
      operation text NOT NULL CONSTRAINT change_log_operation_check CHECK (operation IN ('apply', 'rollback', 'baseline', 'resolve', 'adopt')),
      direction text NOT NULL CHECK (direction IN ('up', 'down')),
      status text NOT NULL CONSTRAINT change_log_status_check CHECK (status IN ('applied', 'rolled_back', 'failed', 'started')),
      ${CHANGE_LOG_RUN_COLUMNS}
    );
    -- Added after the first release: histories created before it gain the column here.
    ALTER TABLE strata.change_log ADD COLUMN IF NOT EXISTS backup_schema text;
    -- Added later still: the 'started' status of no-transaction runs (the constraint is redefined,
    -- which is idempotent and keeps every existing row valid).
    ALTER TABLE strata.change_log DROP CONSTRAINT IF EXISTS change_log_status_check;
    ALTER TABLE strata.change_log ADD CONSTRAINT change_log_status_check CHECK (status IN (${CHANGE_LOG_STATUSES}));
    -- Added with optional change sets: the 'skip' and 'unskip' operations and the 'skipped' status
    -- (the status check above). PostgreSQL named the first release's inline check
    -- change_log_operation_check too, so redefining it by name upgrades every history.
    ALTER TABLE strata.change_log DROP CONSTRAINT IF EXISTS change_log_operation_check;
    ALTER TABLE strata.change_log ADD CONSTRAINT change_log_operation_check
      CHECK (operation IN (${CHANGE_LOG_OPERATIONS}));
    CREATE INDEX IF NOT EXISTS change_log_tag_idx ON strata.change_log (tag, id);
    -- Added with batched statements: a run's own words about itself (a resume), and the
    -- checkpoint each batch commits in its own transaction (lib/migrate/batch-checkpoints.ts).
    ALTER TABLE strata.change_log ADD COLUMN IF NOT EXISTS notes text;
    CREATE TABLE IF NOT EXISTS strata.batch_checkpoint (
      ${BATCH_CHECKPOINT_COLUMNS}
    );
    CREATE INDEX IF NOT EXISTS batch_checkpoint_statement_idx ON strata.batch_checkpoint (tag, direction, statement_index, id);
    -- History is append-only: a correction is a new row, never an edit.
    CREATE OR REPLACE FUNCTION strata.change_log_is_append_only() RETURNS trigger
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'strata.change_log is append-only'; END $$;
    DROP TRIGGER IF EXISTS change_log_append_only ON strata.change_log;
    CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON strata.change_log
      FOR EACH ROW EXECUTE FUNCTION strata.change_log_is_append_only();
    CREATE SCHEMA IF NOT EXISTS drizzle;
    CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (
      id SERIAL PRIMARY KEY,
      hash text NOT NULL,
      created_at bigint
    );
  `);
}

/**
 * A tenant's bookkeeping in its history schema, in the latest layout at once (it has no older
 * one to upgrade). Each statement names the schema as an identifier (historySchema, quoted), never as raw text.
 */
async function ensureTenantBookkeeping(sql: Queryable, place: TargetPlace): Promise<void> {
  const history = place.history;
  const [present] = await sql`select to_regclass(format('%I.change_log', ${history}::text)) is not null
    and to_regclass(format('%I.batch_checkpoint', ${history}::text)) is not null as ok`;
  if (present?.ok) return;
  const h = historySchema(sql, place);
  await sql`CREATE SCHEMA IF NOT EXISTS ${h}`;
  await sql`CREATE TABLE IF NOT EXISTS ${h}.change_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      version integer NOT NULL,
      tag text NOT NULL,
      operation text NOT NULL CONSTRAINT change_log_operation_check
        CHECK (operation IN (${sql.unsafe(CHANGE_LOG_OPERATIONS)})),
      direction text NOT NULL CHECK (direction IN ('up', 'down')),
      status text NOT NULL CONSTRAINT change_log_status_check CHECK (status IN (${sql.unsafe(CHANGE_LOG_STATUSES)})),
      ${sql.unsafe(CHANGE_LOG_RUN_COLUMNS)},
      backup_schema text,
      notes text
    )`;
  await sql`CREATE INDEX IF NOT EXISTS change_log_tag_idx ON ${h}.change_log (tag, id)`;
  await sql`CREATE TABLE IF NOT EXISTS ${h}.batch_checkpoint (
      ${sql.unsafe(BATCH_CHECKPOINT_COLUMNS)}
    )`;
  await sql`CREATE INDEX IF NOT EXISTS batch_checkpoint_statement_idx ON ${h}.batch_checkpoint (tag, direction, statement_index, id)`;
  // History is append-only: a correction is a new row, never an edit.
  await sql`CREATE OR REPLACE FUNCTION ${h}.change_log_is_append_only() RETURNS trigger
      LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'change_log is append-only'; END $$`;
  await sql`DROP TRIGGER IF EXISTS change_log_append_only ON ${h}.change_log`;
  await sql`CREATE TRIGGER change_log_append_only BEFORE UPDATE OR DELETE ON ${h}.change_log
      FOR EACH ROW EXECUTE FUNCTION ${h}.change_log_is_append_only()`;
}

/** The whole history, oldest first; empty when Strata never ran here. */
export async function loadHistory(sql: Queryable, place: TargetPlace = sessionPlace(sql)): Promise<HistoryEntry[]> {
  const [exists] = await sql`select to_regclass(format('%I.change_log', ${place.history}::text)) is not null as ok`;
  if (!exists?.ok) return [];
  const rows = await sql`select * from ${historySchema(sql, place)}.change_log order by id`;
  return rows.map(toEntry);
}

/** drizzle-orm's own record of applied migrations; empty when it never ran here (and for a tenant schema, which it cannot describe). */
export async function loadDrizzleRows(sql: Queryable, place: TargetPlace = sessionPlace(sql)): Promise<DrizzleRow[]> {
  if (place.tenant !== null) return [];
  const [exists] = await sql`select to_regclass('drizzle.__drizzle_migrations') is not null as ok`;
  if (!exists?.ok) return [];
  const rows = (await hasNameColumn(sql))
    ? await sql`select id, hash, created_at, name from drizzle.__drizzle_migrations order by id`
    : await sql`select id, hash, created_at, null as name from drizzle.__drizzle_migrations order by id`;
  return rows.map((r) => ({ id: Number(r.id), hash: String(r.hash), createdAt: Number(r.created_at), name: r.name === null ? null : String(r.name) }));
}

/**
 * Whether drizzle's table has drizzle-orm 1.0's `name` (and `applied_at`) columns. Strata never
 * adds them itself: drizzle-orm 1.0 upgrades a 0.x table on its next migrate(), filling `name`
 * by matching created_at to the folder timestamps — rows Strata wrote with the same created_at
 * match too. Adding the columns without that backfill would make 1.0 rerun every nameless row.
 */
async function hasNameColumn(sql: Queryable): Promise<boolean> {
  const [row] = await sql`
    select exists (select 1 from pg_attribute where attrelid = to_regclass('drizzle.__drizzle_migrations') and attname = 'name' and not attisdropped) as ok`;
  return Boolean(row?.ok);
}

/** Appends `entry`; returns its id (a batched statement's checkpoints name the `started` row of their run). */
export async function insertEntry(sql: Queryable, entry: NewHistoryEntry, place: TargetPlace = sessionPlace(sql)): Promise<number> {
  const [row] = await sql`
    insert into ${historySchema(sql, place)}.change_log (
      version, tag, operation, direction, status, checksum, actor, environment, started_at, finished_at,
      duration_ms, statements, rows_affected, tables_touched, no_transaction, error_message,
      error_statement_index, error_statement, error_position, error_hint, error_detail, error_code, reason,
      backup_schema, notes
    ) values (
      ${entry.version}, ${entry.tag}, ${entry.operation}, ${entry.direction}, ${entry.status}, ${entry.checksum},
      ${entry.actor}, ${entry.environment}, ${entry.startedAt}, ${entry.finishedAt}, ${Math.round(entry.durationMs)},
      ${entry.statements}, ${entry.rowsAffected}, ${sql.array(entry.tablesTouched)}, ${entry.noTransaction},
      ${entry.errorMessage}, ${entry.errorStatementIndex}, ${entry.errorStatement}, ${entry.errorPosition},
      ${entry.errorHint}, ${entry.errorDetail}, ${entry.errorCode}, ${entry.reason},
      ${entry.backupSchema}, ${entry.notes}
    )
    returning id`;
  return Number(row!.id);
}

/**
 * Records a change set as applied in drizzle's table (idempotent per change set). When the table
 * has drizzle-orm 1.0's `name` column, `name` is what drizzle-orm 1.0 decides by: the migration
 * folder — for a 0.x journal entry the folder `drizzle-kit up` will make of it (upgradedFolderName),
 * since a nameless row in a table already upgraded reads as "not applied" to drizzle-orm 1.0
 * and its next migrate would run the change set again. applied_at takes its default.
 */
export async function markDrizzleApplied(sql: Queryable, hash: string, changeSet: DrizzleChangeSet, place: TargetPlace = sessionPlace(sql)): Promise<void> {
  if (place.tenant !== null) return;
  await markDrizzleRolledBack(sql, changeSet, place);
  if (await hasNameColumn(sql)) {
    await sql`insert into drizzle.__drizzle_migrations (hash, created_at, name) values (${hash}, ${changeSet.when}, ${drizzleV1Name(changeSet)})`;
  } else {
    await sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${hash}, ${changeSet.when})`;
  }
}

/** What drizzle's table knows a change set by. */
export type DrizzleChangeSet = Pick<ChangeSet, 'tag' | 'when' | 'drizzleName'>;

/**
 * Removes a rolled-back change set from drizzle's table, so its migrate() would reapply it: its
 * row by drizzle-orm 1.0's name, and a nameless row of its created_at — for a migration folder
 * any time in its second, because a row written from the 0.x journal before `drizzle-kit up`
 * kept the journal's milliseconds (folders of one second are refused, so no other row is there).
 */
export async function markDrizzleRolledBack(sql: Queryable, changeSet: DrizzleChangeSet, place: TargetPlace = sessionPlace(sql)): Promise<void> {
  if (place.tenant !== null) return;
  const from = changeSet.drizzleName !== undefined ? Math.floor(changeSet.when / 1000) * 1000 : changeSet.when;
  const to = changeSet.drizzleName !== undefined ? from + 999 : changeSet.when;
  if (await hasNameColumn(sql)) {
    await sql`delete from drizzle.__drizzle_migrations
      where name = ${drizzleV1Name(changeSet)} or (name is null and created_at between ${from} and ${to})`;
  } else {
    await sql`delete from drizzle.__drizzle_migrations where created_at between ${from} and ${to}`;
  }
}

function toEntry(r: postgres.Row): HistoryEntry {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r.id),
    version: Number(r.version),
    tag: r.tag,
    operation: r.operation,
    direction: r.direction,
    status: r.status,
    checksum: r.checksum,
    actor: r.actor,
    environment: r.environment,
    startedAt: new Date(r.started_at),
    finishedAt: new Date(r.finished_at),
    durationMs: Number(r.duration_ms),
    statements: Number(r.statements),
    rowsAffected: Number(r.rows_affected),
    tablesTouched: r.tables_touched ?? [],
    noTransaction: Boolean(r.no_transaction),
    errorMessage: r.error_message,
    errorStatementIndex: num(r.error_statement_index),
    errorStatement: r.error_statement,
    errorPosition: num(r.error_position),
    errorHint: r.error_hint,
    errorDetail: r.error_detail,
    errorCode: r.error_code,
    reason: r.reason,
    backupSchema: r.backup_schema ?? null,
    notes: r.notes ?? null,
  };
}
