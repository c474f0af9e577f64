/** What a seed run did, table by table. */
export interface SeedResult {
  reset: boolean;
  /** `schema.table` and the rows the seed wrote (inserted or updated) into it. */
  tables: Array<{ table: string; rows: number }>;
  durationMs: number;
}

export interface SeedOptions {
  /** Truncate every managed table (never `strata`, `drizzle` or backups), restart identities, then seed. */
  reset?: boolean;
  /** Extra usage events streamed with COPY for benchmarks (0 = the small deterministic set). */
  scale?: number;
}
