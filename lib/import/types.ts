/** The migration tools whose folders `strata import` reads. */
export const IMPORT_FORMATS = ['sql', 'golang-migrate', 'dbmate', 'diesel'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One migration as the source tool has it, before it becomes a change set. */
export interface SourceMigration {
  /** The source's version (file or folder prefix), e.g. `2024-10-25-112826` or `003`. */
  version: string;
  /** The source's name for it, e.g. `make-unique-version-unique`. */
  name: string;
  /** Where it came from, relative to SRC, for messages (e.g. `2024-…_x/up.sql`). */
  upSource: string;
  downSource: string | null;
  up: string;
  down: string | null;
  /** 1-based line of the source file where the up (down) SQL starts: 1 for whole files, after the marker for dbmate sections. */
  upStartLine: number;
  downStartLine: number;
  /** The source tool runs it outside a transaction (Diesel run_in_transaction = false, dbmate transaction:false). */
  upNoTransaction: boolean;
  downNoTransaction: boolean;
  /** Milliseconds since 1970 when the version is a timestamp; null otherwise. */
  timestamp: number | null;
}

/** What a source folder holds: its migrations in the source tool's order, and what is not one. */
export interface SourceListing {
  migrations: SourceMigration[];
  /** Files and folders that are not migrations of this format (README.md, schema.rb…). */
  skipped: string[];
  /** Problems found while reading (a down without an up, duplicate versions…). */
  problems: ImportProblem[];
}

/** Something a person should look at, and the source file (relative to SRC) it is in. */
export interface ImportProblem {
  source: string;
  problem: string;
}

export interface ImportedChangeSet {
  tag: string;
  source: string;
  when: number;
  hasRollback: boolean;
  noTransaction: boolean;
}

export interface ImportReport {
  format: ImportFormat;
  src: string;
  out: string;
  /** The drizzle-kit layout written: `journal` (0.x) or `folders` (1.0). */
  layout: 'journal' | 'folders';
  changeSets: ImportedChangeSet[];
  skipped: string[];
  /** Everything a person should look at: no rollback, SQL that does not parse, CONCURRENTLY in a transaction… */
  flagged: ImportProblem[];
}
