import type { StrataConfig } from '../config/environments';
import type { Logger } from '../observability/logger';

/**
 * One kind of leftover a killed console or CLI can leave behind, settled at start
 * (at-start.ts runs the steps; each step's module exports one).
 */
export interface RecoveryStep {
  /** Short name for the report and the log ("leftover shadow databases"). */
  name: string;
  /** The URLs it talks to, so their secrets can be kept out of its error text. */
  urls(config: StrataConfig): string[];
  run(config: StrataConfig, logger: Logger): Promise<RecoveryOutcome>;
}

export interface RecoveryOutcome {
  /** One sentence per thing recovered, for the start-up output. */
  recovered: string[];
  /** One sentence per leftover found but left alone, and why (in use, no permission). */
  leftAlone: string[];
}
