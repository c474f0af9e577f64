import type { Protection } from './types';

/**
 * The three environments of the embedded demo, and how far each is migrated on first
 * start, so that pending work, promotion and rollback all have something to show.
 */
export interface DemoEnvironment {
  name: string;
  database: string;
  protection: Protection;
  /** Change sets left pending after first start (counted from the end of the journal). */
  pendingOnFirstStart: number;
}

export const DEMO_ENVIRONMENTS: readonly DemoEnvironment[] = [
  { name: 'local', database: 'strata_local', protection: 'open', pendingOnFirstStart: 0 },
  { name: 'staging', database: 'strata_staging', protection: 'guarded', pendingOnFirstStart: 5 },
  { name: 'production', database: 'strata_production', protection: 'protected', pendingOnFirstStart: 10 },
];
