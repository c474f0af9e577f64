import type { PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import type { PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';

/** What a seed run did, table by table. */
export interface SeedResult {
  reset: boolean;
  /** `schema.table` and the rows the seed wrote (inserted or updated) into it. */
  tables: Array<{ table: string; rows: number; durationMs?: number }>;
  durationMs: number;
  /** Tables emptied by the reset (`schema.table`), in the order given to TRUNCATE; empty without reset. */
  truncated?: string[];
  /** Rows streamed with COPY for `scale` (those already there from an earlier run are not copied again). */
  scaledRows?: number;
  /** The one table asked for (`schema.table`), when the run was for one table and its parents. */
  table?: string;
}

/** What seeding or resetting one table takes, read from the target's live foreign keys. */
export interface TableSeedPlan {
  /** `schema.table`. */
  table: string;
  /** The tables seeded, in the seed set's order: the table and the parents its foreign keys need (transitively). */
  seeds: string[];
  /** Parents the seed set has no rows for: their rows must already be there. */
  unseededParents: string[];
  /** The tables a reset's `TRUNCATE … CASCADE` also empties (those referencing it, transitively), sorted. */
  alsoEmpties: string[];
}

export interface SeedOptions {
  /** Truncate every managed table (never `strata`, `drizzle` or backups), restart identities, then seed (see `table`). */
  reset?: boolean;
  /** Extra usage events streamed with COPY for benchmarks (0 = the small deterministic set). */
  scale?: number;
  /**
   * Only this table (`schema.table`) and the parents its foreign keys need; with `reset`,
   * only it is truncated, CASCADE emptying the tables that reference it.
   */
  table?: string;
  /** With `table` and `reset`: the tables the caller agreed the cascade empties; a different live list refuses. */
  confirmCascade?: string[];
}

/** The Drizzle database (in fact one transaction) a seed step writes through. */
export type SeedDb = PgDatabase<PostgresJsQueryResultHKT>;

/** One table's worth of seed data, run in its own transaction. */
export interface SeedRowsStep {
  /** `schema.table` as the live database names it. */
  table: string;
  /** Writes the rows (upserts on fixed keys, so a rerun changes nothing); returns rows written. */
  run(db: SeedDb): Promise<number>;
}

/**
 * Rows generated for `--scale N` and streamed with COPY (one transaction), for benchmarks.
 * Row `i` is the same on every run, so the N rows of a scale are a fixed set: a rerun copies
 * only those after the last one there (COPY is all-or-nothing, so what exists is rows 0..k-1).
 */
export interface BulkSeed<T extends PgTable = PgTable> {
  table: T;
  /** The Drizzle column keys of `table`, in the order `row` returns values. */
  columns: ReadonlyArray<keyof T['_']['columns'] & string>;
  /** The first of rows 0..n-1 not written yet: one past the highest that exists (0 when none does). */
  firstMissing(db: SeedDb, n: number): Promise<number>;
  /** Row `i`'s values in `columns` order (plain values: string, number, boolean, Date, null). */
  row(i: number): unknown[];
}

export interface SeedBulkStep {
  table: string;
  /** Runs only when a scale is asked for; skipped (and not counted) otherwise. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table: BulkSeed<T> is invariant in T
  bulk: BulkSeed<any>;
}

export type SeedStep = SeedRowsStep | SeedBulkStep;

/** A project's seeds: which schemas it manages and the steps in dependency order. */
export interface SeedSet {
  /** Shown in messages, e.g. `demo`. */
  name: string;
  /** The user schemas a reset empties (never `strata`, `drizzle` or `strata_backup_*`). */
  schemas: string[];
  steps: SeedStep[];
}
