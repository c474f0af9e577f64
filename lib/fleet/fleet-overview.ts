import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { withConsole } from '../auth/console-db';
import type { Project } from '../changesets/project';
import type { StrataConfig } from '../config/types';
import { failureReason } from '../db/client';
import { safeMessage } from '../db/safe-message';
import { isStrataError, StrataError } from '../errors';
import { checkDriftWithStatus, type DriftReport } from '../migrate/drift';
import { readTargetStatus } from '../migrate/read-status';
import type { RunContext } from '../migrate/run-context';
import { placeOf } from '../migrate/target-place';
import type { ChangeSetState, TargetStatus } from '../migrate/target-state';
import type { Logger } from '../observability/logger';
import { consoleExpectedSchemas } from '../console/expected-schemas';
import { fleetTargets, targetEnvironment } from './fleet-targets';
import { forEachLimited } from './limited';
import type { Fleet, FleetTarget, TargetState } from './types';

/**
 * A fleet at a glance: where each target stands, read from its own history (the engine's
 * status reader, lib/migrate/target-state.ts) and its live schema against the cached
 * expected schema (issue 8: one introspection per target, a replay only per distinct
 * applied set), kept in the console database (console.fleet_targets) so that every
 * console process, and the page's filters, counts and paging, are served by SQL over
 * the cache instead of 1,000 connections per page view.
 *
 * Reading the targets: one connection each (max 1, ended at once), at most
 * TARGET_CONCURRENCY at a time — the server's max_connections is shared by everyone.
 */
export const TARGET_CONCURRENCY = 8;

export const TARGET_STATES: readonly TargetState[] = ['failed', 'out-of-order', 'drifted', 'pending', 'at-head', 'unreachable'];

/** A change set's state on one target, as the matrix shows it (the engine's names). */
export type CellState = ChangeSetState;

/** One target's cached overview. */
export interface TargetOverview {
  target: string;
  state: TargetState;
  applied: number;
  pending: number;
  /** The schema version: the applied change set furthest along the journal. */
  lastTag: string | null;
  lastMigrationAt: string | null;
  /** Per change set of the project, in journal order: its state on this target (empty when unreachable). */
  cells: CellState[];
  /** Objects that differ from the expected schema; null when drift could not be checked (unreachable, a migration running). */
  driftChanges: number | null;
  /** Why the target is unreachable, failed or not checked for drift; no URL, no password. */
  problem: string | null;
  checkedAt: string;
  checkMs: number;
}

/**
 * One state per target, the most urgent first: a failed (or interrupted, or edited)
 * change set blocks everything; an out-of-order one needs a decision; drift means someone
 * changed the schema by hand; pending is merely behind.
 */
export function targetStateOf(status: TargetStatus, driftChanges: number | null): TargetState {
  const c = status.counts;
  if (c.failed + c.interrupted + c.checksum_mismatch > 0) return 'failed';
  if (c.out_of_order > 0) return 'out-of-order';
  if (driftChanges !== null && driftChanges > 0) return 'drifted';
  if (c.pending > 0) return 'pending';
  return 'at-head';
}

/** Which project the cache rows describe (tags and checksums, in order): a new or edited change set makes every row stale. */
export function projectKey(project: Project): string {
  return createHash('sha256')
    .update(JSON.stringify(project.changeSets.map((c) => [c.tag, c.forward.checksum])))
    .digest('hex');
}

export interface CheckOptions {
  config: StrataConfig;
  fleet: Fleet;
  project: Project;
  logger: Logger;
  /** Who is looking (the history rows are not written; logs name them). */
  actor: string;
}

/**
 * Reads one target: status and drift from one snapshot on one connection. A target whose
 * lock is held (a migration running) gets its status without drift; one that cannot be
 * reached is `unreachable`, with the reason and without its URL.
 */
export async function checkTarget(target: FleetTarget, options: CheckOptions): Promise<TargetOverview> {
  return (await inspectTarget(target, options)).overview;
}

/** What one reading of a target found: its overview, and the status and drift report behind it when there are. */
export interface TargetInspection {
  overview: TargetOverview;
  status: TargetStatus | null;
  drift: DriftReport | null;
}

/** checkTarget, keeping the status and the drift report (the per-target detail shows them). */
export async function inspectTarget(target: FleetTarget, options: CheckOptions): Promise<TargetInspection> {
  const t0 = performance.now();
  const environment = targetEnvironment(options.fleet, target);
  const done = (status: TargetStatus | null, driftChanges: number | null, problem: string | null, drift: DriftReport | null = null): TargetInspection => ({
    status,
    drift,
    overview: overviewOf(status, driftChanges, problem),
  });
  const overviewOf = (status: TargetStatus | null, driftChanges: number | null, problem: string | null): TargetOverview => ({
    target: target.name,
    state: status ? targetStateOf(status, driftChanges) : 'unreachable',
    applied: status?.counts.applied ?? 0,
    pending: status?.counts.pending ?? 0,
    lastTag: status?.schemaVersion ?? null,
    lastMigrationAt: status?.lastMigrationAt?.toISOString() ?? null,
    cells: status ? status.changeSets.map((c) => c.state) : [],
    driftChanges,
    problem: problem === null ? null : safeMessage(problem, [target.url]).slice(0, 500),
    checkedAt: new Date().toISOString(),
    checkMs: Math.round(performance.now() - t0),
  });
  // A tenant name PostgreSQL cannot hold a history for makes this one target unreachable, named.
  let ctx: RunContext;
  try {
    ctx = { url: target.url, place: placeOf(environment), environment: environment.name, actor: options.actor, logger: options.logger };
  } catch (error) {
    return done(null, null, failureReason(error));
  }
  try {
    const { report, status } = await checkDriftWithStatus(ctx, options.project, {
      shadowServerUrl: options.config.shadowServerUrl,
      store: consoleExpectedSchemas(options.config),
    });
    const blocking = status.changeSets.find((c) => c.state === 'failed' || c.state === 'interrupted' || c.state === 'checksum_mismatch');
    return done(status, report.diff.changes.length, blocking?.reason?.split('\n')[0] ?? null, report);
  } catch (error) {
    if (isStrataError(error, 'CONNECTION_FAILED')) return done(null, null, failureReason(error));
    // The status alone, when drift could not be checked: a migration holds the lock, or the replay failed.
    try {
      const status = await readTargetStatus(target.url, options.project, ctx.place);
      const why = isStrataError(error, 'LOCKED') ? 'drift not checked: a migration was running' : `drift not checked: ${failureReason(error)}`;
      return done(status, null, why);
    } catch (again) {
      return done(null, null, failureReason(again));
    }
  }
}

export interface RefreshProgress {
  done: number;
  total: number;
  startedAt: string;
}

export interface RefreshOptions {
  /** Check every target, however fresh its row. */
  force?: boolean;
  /** Rows older than this are checked again. */
  maxAgeSeconds: number;
  onProgress?: (progress: RefreshProgress) => void;
}

/**
 * Brings the fleet's cache rows up to date: targets with no row, a row older than
 * maxAgeSeconds, or a row made for another version of the project are checked (all of
 * them with `force`), each row written as soon as its target is read; rows of targets the
 * fleet no longer has are removed. Answers how many targets were checked.
 */
export async function refreshFleet(options: CheckOptions, refresh: RefreshOptions): Promise<{ checked: number; total: number }> {
  return readStaleTargets(options, await planRefresh(options, refresh), refresh.onProgress);
}

/** What a refresh will read: the fleet's targets whose row is missing, old or of another project version (all with `force`). */
export interface RefreshPlan {
  stale: FleetTarget[];
  total: number;
}

/** Decides which targets a refresh reads (and drops the rows of targets the fleet no longer has); connects to no target. */
export async function planRefresh(options: CheckOptions, refresh: Pick<RefreshOptions, 'force' | 'maxAgeSeconds'>): Promise<RefreshPlan> {
  const { config, fleet, project } = options;
  const targets = await fleetTargets(fleet);
  const key = projectKey(project);
  const names = targets.map((t) => t.name);
  const fresh = await withConsole(config, async (sql) => {
    await sql`delete from console.fleet_targets where fleet = ${fleet.name} and not (target = any(${names}))`;
    if (refresh.force) return new Set<string>();
    const rows = await sql`
      select f.target from console.fleet_targets f
      where f.fleet = ${fleet.name} and f.project_key = ${key}
        and f.checked_at > now() - make_interval(secs => ${refresh.maxAgeSeconds})
        -- A row read before a rollout changed its target is stale however young it is: the
        -- page shows the rollout's result on its next poll instead of after the cache expires.
        and not exists (
          select 1 from console.rollout_targets t join console.rollouts r on r.id = t.rollout
          where r.fleet = f.fleet and r.fleet_file is null and t.name = f.target
            and t.state in ('succeeded', 'failed') and t.finished_at > f.checked_at)`;
    return new Set(rows.map((r) => String(r.target)));
  });
  return { stale: targets.filter((t) => !fresh.has(t.name)), total: targets.length };
}

/** Reads the plan's targets, 8 at a time, each row written as soon as its target is read. */
export async function readStaleTargets(options: CheckOptions, plan: RefreshPlan, onProgress?: (progress: RefreshProgress) => void): Promise<{ checked: number; total: number }> {
  const key = projectKey(options.project);
  const progress: RefreshProgress = { done: 0, total: plan.stale.length, startedAt: new Date().toISOString() };
  onProgress?.({ ...progress });
  await forEachLimited(plan.stale, TARGET_CONCURRENCY, async (target) => {
    const overview = await checkTarget(target, options);
    await storeOverview(options.config, options.fleet.name, key, overview);
    progress.done++;
    onProgress?.({ ...progress });
  });
  return { checked: plan.stale.length, total: plan.total };
}

export async function storeOverview(config: StrataConfig, fleet: string, key: string, o: TargetOverview): Promise<void> {
  await withConsole(config, async (sql) => {
    await sql`
      insert into console.fleet_targets
        (fleet, target, project_key, state, applied, pending, last_tag, last_migration_at, cells, drift_changes, problem, checked_at, check_ms)
      values (${fleet}, ${o.target}, ${key}, ${o.state}, ${o.applied}, ${o.pending}, ${o.lastTag}, ${o.lastMigrationAt},
              ${sql.json(o.cells)}, ${o.driftChanges}, ${o.problem}, ${o.checkedAt}, ${o.checkMs})
      on conflict (fleet, target) do update set
        project_key = excluded.project_key, state = excluded.state, applied = excluded.applied, pending = excluded.pending,
        last_tag = excluded.last_tag, last_migration_at = excluded.last_migration_at, cells = excluded.cells,
        drift_changes = excluded.drift_changes, problem = excluded.problem, checked_at = excluded.checked_at, check_ms = excluded.check_ms`;
  });
}

/** The fleet named, or NOT_FOUND, for the console's doors (the CLI's findFleet, resolve-fleet.ts, words its refusals for the command line). A name from a URL is only ever looked up. */
export function configuredFleet(config: StrataConfig, name: string): Fleet {
  const fleet = config.fleets?.find((f) => f.name === name);
  if (!fleet) throw new StrataError('NOT_FOUND', `Unknown fleet "${name.slice(0, 80)}"`);
  return fleet;
}

/** The target of the fleet named, or NOT_FOUND. */
export async function findTarget(fleet: Fleet, name: string): Promise<FleetTarget> {
  const target = (await fleetTargets(fleet)).find((t) => t.name === name);
  if (!target) throw new StrataError('NOT_FOUND', `Fleet "${fleet.name}" has no target "${name.slice(0, 80)}"`);
  return target;
}
