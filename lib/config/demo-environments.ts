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

/**
 * The embedded demo's fleet (README, "Fleets"): on first start bootstrapDemo makes `count`
 * tenant databases strata_tenant_001… from two template databases migrated once each (one at
 * the head, one `behindBy` change sets short), so the fleet shows targets behind without 50
 * migrations; every `behindEvery`-th tenant is made from the one behind. The templates'
 * names do not match the discovery pattern (and they are marked templates), so they are
 * never targets.
 */
export const DEMO_FLEET = {
  name: 'tenants',
  protection: 'guarded' as Protection,
  pattern: 'strata_tenant_%',
  count: 50,
  behindEvery: 5,
  behindBy: 3,
  templates: { head: 'strata_template_tenant_head', behind: 'strata_template_tenant_behind' },
} as const;

/** strata_tenant_001 … : the demo fleet's n-th tenant database (1-based). */
export function demoTenantDatabase(n: number): string {
  return `strata_tenant_${String(n).padStart(3, '0')}`;
}
