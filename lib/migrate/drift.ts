import { performance } from 'node:perf_hooks';
import type { Project } from '../changesets/project';
import { diffSchemas } from '../diff/schema-diff';
import type { SchemaDiff } from '../diff/types';
import { introspectUrl } from '../introspect/introspect';
import { appliedInOrder } from './plan';
import type { RunContext } from './run-context';
import { withShadowDatabase } from './shadow-database';
import { withTargetLock } from './target-lock';
import { introspectOn, readStatusOn } from './target-reads';

export interface DriftReport {
  environment: string | null;
  checkedAt: string;
  durationMs: number;
  drifted: boolean;
  /** Tags of the applied change sets the expected schema was built from, in applied order. */
  applied: string[];
  /** From the expected schema (shadow replay) to the live one: every change made outside migrations. */
  diff: SchemaDiff;
}

/**
 * Compares the live schema with the one its applied change sets should produce, built by
 * replaying them onto a shadow database. Holds the target's lock throughout (the same lock
 * apply takes), so a migration in progress is never reported as drift: the check waits
 * for nothing and fails with LOCKED instead.
 */
export async function checkDrift(ctx: RunContext, project: Project, options: { shadowServerUrl: string }): Promise<DriftReport> {
  const t0 = performance.now();
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    const status = await readStatusOn(conn, project);
    const live = await introspectOn(conn, false);
    const applied = appliedInOrder(status);
    ctx.onProgress?.({ type: 'phase', label: `Replaying ${applied.length} applied change sets onto a shadow database` });
    const expected = await withShadowDatabase(options.shadowServerUrl, project, ctx.logger, (url) => introspectUrl(url), { changeSets: applied });
    const diff = diffSchemas(expected, live);
    return {
      environment: ctx.environment,
      checkedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - t0),
      drifted: diff.changes.length > 0,
      applied: applied.map((c) => c.tag),
      diff,
    };
  }, { waitMs: ctx.lockWaitMs });
}
