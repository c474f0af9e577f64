import { performance } from 'node:perf_hooks';
import type { Project } from '../changesets/project';
import { diffSchemas } from '../diff/schema-diff';
import type { SchemaDiff } from '../diff/types';
import { isStrataError, type StrataError } from '../errors';
import { introspect } from '../introspect/introspect';
import type { SchemaModel } from '../introspect/schema-model';
import { appliedList, appliedSetKey, expectedSchema, type ExpectedSchemaOrigin, type ExpectedSchemaStore } from './expected-schema';
import { appliedInOrder } from './plan';
import { readTargetStatus } from './read-status';
import type { RunContext } from './run-context';
import { withTargetLock, type LockedConnection } from './target-lock';
import { readStatusOn } from './target-reads';
import type { TargetStatus } from './target-state';

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
 * blocks changing: the target's lock (the one apply takes) is held only for the moment it
 * takes to open a snapshot, so a migration in progress is never reported as drift (the
 * check fails with LOCKED instead) and a migration is never kept waiting by a check. The
 * expected schema comes from the store, or is replayed on a shadow database after the
 * target has been read, holding no lock on it.
 */
export async function checkDrift(ctx: RunContext, project: Project, options: DriftOptions): Promise<DriftReport> {
  const t0 = performance.now();
  const { status, live } = await readAtOneMoment(ctx, project);
  const applied = appliedInOrder(status);
  const expected = await expectedSchema(project, applied, {
    shadowServerUrl: options.shadowServerUrl,
    store: options.store,
    logger: ctx.logger,
    onProgress: ctx.onProgress,
  });
  const diff = diffSchemas(expected.model, live);
  return {
    environment: ctx.environment,
    checkedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    drifted: diff.changes.length > 0,
    applied: applied.map((c) => c.tag),
    appliedSet: appliedSetKey(appliedList(applied)),
    expected: expected.origin,
    diff,
  };
}

/** Which applied set the target has now, read without the lock: the console's cached reports are keyed by it. */
export async function readAppliedSet(url: string, project: Project): Promise<string> {
  return appliedSetKey(appliedList(appliedInOrder(await readTargetStatus(url, project))));
}

/**
 * A drift check's session is named after it, so that a second check finding the lock held
 * by the first (for a moment) waits for it instead of failing; a migration it does not wait for.
 * A holder already gone when it is looked up held the lock only for a moment too.
 */
const DRIFT_HOLDER = 'drift check by ';
const WAIT_FOR_ANOTHER_CHECK_MS = 5_000;

async function readAtOneMoment(ctx: RunContext, project: Project): Promise<{ status: TargetStatus; live: SchemaModel }> {
  const read = (waitMs: number) => withTargetLock(ctx.url, `${DRIFT_HOLDER}${ctx.actor}`, (conn) => readSnapshot(conn, project), { waitMs });
  try {
    return await read(0);
  } catch (error) {
    if (!heldForAMoment(error)) throw error;
    ctx.onProgress?.({ type: 'phase', label: 'Waiting a moment for another drift check of this target' });
    return read(WAIT_FOR_ANOTHER_CHECK_MS);
  }
}

function heldForAMoment(error: unknown): error is StrataError {
  if (!isStrataError(error, 'LOCKED')) return false;
  const holder = error.details.holder as { actor: string } | null;
  return holder === null || holder.actor.startsWith(DRIFT_HOLDER);
}

/**
 * Status and schema from one repeatable-read snapshot, taken while the lock is held. The
 * first statement of such a transaction fixes its snapshot before it runs, so that
 * statement can release the lock: every later read still sees the target as it was under
 * the lock, with no change set half-done (history rows and DDL are both transactional).
 * The session is this check's own and holds no other advisory lock.
 */
async function readSnapshot(conn: LockedConnection, project: Project): Promise<{ status: TargetStatus; live: SchemaModel }> {
  await conn.unsafe('begin isolation level repeatable read read only');
  try {
    await conn`select pg_advisory_unlock_all()`;
    // Independent reads of the same snapshot, sent together on the one connection.
    const [status, live] = await Promise.all([readStatusOn(conn, project), introspect(conn)]);
    return { status, live };
  } finally {
    await conn.unsafe('rollback');
  }
}
