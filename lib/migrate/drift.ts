import { performance } from 'node:perf_hooks';
import type { Project } from '../changesets/project';
import { diffSchemas } from '../diff/schema-diff';
import type { SchemaDiff } from '../diff/types';
import { connect, assertReachable } from '../db/client';
import { introspect, retriedIfDdlRaced } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { appliedList, appliedSetKey, expectedSchema, type ExpectedSchemaOrigin, type ExpectedSchemaStore } from './expected-schema';
import { appliedInOrder } from './plan';
import { readTargetStatus } from './read-status';
import type { RunContext } from './run-context';
import { findLockHolder, lockedBy } from './target-lock';
import { readStatusOn } from './target-reads';
import type { TargetStatus } from './target-state';
import { DATABASE_PLACE, type TargetPlace } from './target-place';
import { expectedTenantModel, liveTenantModel } from './tenant-drift';

export interface DriftReport {
  environment: string | null;
  checkedAt: string;
  durationMs: number;
  drifted: boolean;
  /** Tags of the applied change sets the expected schema was built from, in applied order. */
  applied: string[];
  /** Which applied set this report describes (tags and file checksums, in order, hashed). */
  appliedSet: string;
  /** The schema those change sets produce: read from the store, or replayed for this check, and when. */
  expected: ExpectedSchemaOrigin;
  /** From the expected schema (shadow replay) to the live one: every change made outside migrations. */
  diff: SchemaDiff;
}

export interface DriftOptions {
  /** The server shadow databases are built on (never a target's). */
  shadowServerUrl: string;
  /** Where expected schemas are kept; without one, every check replays. */
  store?: ExpectedSchemaStore | null;
}

/**
 * Compares the live schema with the one its applied change sets produce. Looking never
 * blocks changing: the check takes no lock; it reads one snapshot in which the target's
 * lock (the one apply takes) is free, so a migration in progress is never reported as
 * drift (the check fails with LOCKED instead) and a migration never waits for a check. The
 * expected schema comes from the store, or is replayed on a shadow database after the
 * target has been read, holding no lock on it.
 */
export async function checkDrift(ctx: RunContext, project: Project, options: DriftOptions): Promise<DriftReport> {
  return (await checkDriftWithStatus(ctx, project, options)).report;
}

/**
 * checkDrift, also answering the target's status read in the same snapshot: a fleet's
 * overview (lib/fleet/fleet-overview.ts) gets both from one connection per target.
 */
export async function checkDriftWithStatus(ctx: RunContext, project: Project, options: DriftOptions): Promise<{ report: DriftReport; status: TargetStatus }> {
  const t0 = performance.now();
  const { status, live } = await readAtOneMoment(ctx, project);
  const applied = appliedInOrder(status);
  const expected = await expectedSchema(project, applied, {
    shadowServerUrl: options.shadowServerUrl,
    store: options.store,
    logger: ctx.logger,
    onProgress: ctx.onProgress,
  });
  // A tenant schema is compared alone, its name mapped to the replay's placeholder (tenant-drift.ts).
  const tenant = ctx.place?.tenant ?? null;
  const diff = tenant === null ? diffSchemas(expected.model, live) : diffSchemas(expectedTenantModel(expected.model), liveTenantModel(live, tenant));
  const report: DriftReport = {
    environment: ctx.environment,
    checkedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    drifted: diff.changes.length > 0,
    applied: applied.map((c) => c.tag),
    appliedSet: appliedSetKey(appliedList(applied)),
    expected: expected.origin,
    diff,
  };
  return { report, status };
}

/** Which applied set the target has now, read without the lock: the console's cached reports are keyed by it. */
export async function readAppliedSet(url: string, project: Project, place: TargetPlace = DATABASE_PLACE): Promise<string> {
  return appliedSetKey(appliedList(appliedInOrder(await readTargetStatus(url, project, place))));
}

/**
 * Status and schema from one repeatable-read snapshot, with no lock taken at all: the
 * snapshot's first statement looks in pg_locks for the target's migration lock. Held: a
 * migration is in progress, and the check answers LOCKED rather than report half a
 * migration as drift. Free: the snapshot shows the target between migrations (history rows
 * and DDL commit together), and whatever starts afterwards is not in it. A read-only
 * transaction holds nothing in the session, so it also works through any connection pooler.
 * Retried once on a fresh snapshot when concurrent DDL races the catalog reads.
 */
async function readAtOneMoment(ctx: RunContext, project: Project): Promise<{ status: TargetStatus; live: SchemaModel }> {
  const sql = connect(ctx.url, { max: 1, applicationName: `strata:drift check by ${ctx.actor}`.slice(0, 63) });
  try {
    await assertReachable(sql, ctx.url);
    return await retriedIfDdlRaced(() =>
      sql.begin('isolation level repeatable read read only', async (tx) => {
        const place = ctx.place ?? DATABASE_PLACE;
        const holder = await findLockHolder(tx, place);
        if (holder) throw lockedBy(holder);
        // Independent reads of the same snapshot, sent together on the one connection (a tenant's schema alone).
        const [status, live] = await Promise.all([
          readStatusOn(tx, project, place),
          introspect(tx, place.tenant === null ? {} : { onlySchema: place.tenant }),
        ]);
        return { status, live };
      }),
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}
