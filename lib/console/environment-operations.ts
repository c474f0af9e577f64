import { backupNotes } from '../backup/backup-record';
import { backupSettingsFor } from '../backup/settings';
import { readProject, type Project } from '../changesets/project';
import { findEnvironment, loadConfig, type Environment, type StrataConfig } from '../config/environments';
import { StrataError } from '../errors';
import { applyChangeSets, type RunResult } from '../migrate/apply';
import type { DriftReport } from '../migrate/drift';
import { dryRun } from '../migrate/dry-run';
import { defaultDryRunMode } from '../migrate/dry-run-safety';
import type { DryRunResult } from '../migrate/dry-run-types';
import { rollbackChangeSets } from '../migrate/rollback';
import type { PlanItem } from '../migrate/plan';
import type { ProgressEvent, RunContext } from '../migrate/run-context';
import { authorize } from '../auth/guard';
import type { Principal } from '../auth/types';
import { engineLogger } from '../observability/logger';
import { previewTableSeed, seedDatabase } from '../seed/run-seed';
import type { SeedResult, TableSeedPlan } from '../seed/types';
import { audited } from './audited';
import { driftService, invalidateDrift } from './drift-service';
import type { OperationRequest } from './operation-request';

/**
 * The console's one door to the engine for changing environments: it resolves the
 * environment from configuration (never from the browser), applies the rules the UI
 * shows — a protected environment is changed only through an approved change request
 * (change-requests.ts), never by a direct run; a real run must name its environment —
 * and turns failures into messages without URLs or stack traces. No Next.js here, so the
 * CLI tests can drive it.
 */

export interface OperationTarget {
  config: StrataConfig;
  environment: Environment;
  project: Project;
}

export function operationTarget(name: string): OperationTarget {
  const config = loadConfig();
  const environment = findEnvironment(config, name);
  return { config, environment, project: readProject(config.projectDir) };
}

/**
 * Checks a real run names its environment; throws before anything connects. Whether the
 * environment allows it at all (a protected one: only through an approved request) is the
 * guard's rule for `apply` and `rollback`, asked by the caller.
 */
export function assertRunAllowed(environment: Environment, request: OperationRequest): void {
  if (request.confirm !== environment.name) {
    throw new StrataError('CONFIRMATION_REQUIRED', `This request does not name ${environment.name} as its target; nothing was changed. Reload the page and try again.`);
  }
}

/** A drift check holds the lock for a moment (to open its snapshot): console operations wait out such a holder this long. */
const CONSOLE_LOCK_WAIT_MS = 3_000;

/** The signed-in person is the actor of every history row the console writes. */
export function consoleRunContext(target: OperationTarget, principal: Principal, onProgress?: (event: ProgressEvent) => void): RunContext {
  return {
    url: target.environment.url,
    environment: target.environment.name,
    actor: principal.username,
    logger: engineLogger(),
    onProgress,
    lockWaitMs: CONSOLE_LOCK_WAIT_MS,
    lockRetries: target.environment.lockRetries,
    maxReplicationLagMs: target.environment.maxReplicationLagMs,
    backup: backupSettingsFor(target.environment, target.config.backupDir),
  };
}

const tagsOf = (records: Array<{ tag: string }>) => records.map((r) => r.tag).join(', ') || null;

export async function runDryRun(
  target: OperationTarget,
  request: Pick<OperationRequest, 'direction' | 'to' | 'steps' | 'mode' | 'includeOutOfOrder'>,
  principal: Principal,
  onProgress?: (event: ProgressEvent) => void,
): Promise<DryRunResult> {
  const mode = request.mode ?? defaultDryRunMode(target.environment.protection, principal);
  return audited(
    target.config,
    principal,
    { action: 'dry-run', environment: target.environment.name, intent: `${request.direction} in ${mode} mode` },
    async () => {
      // A dry run on the environment itself takes its real locks: the guard says who may, where.
      if (mode === 'transaction') authorize(principal, 'dry-run.on-target', { protection: target.environment.protection, environment: target.environment.name });
      const result = await dryRun(
        consoleRunContext(target, principal, onProgress),
        target.project,
        { direction: request.direction, to: request.to, steps: request.steps, mode, includeOutOfOrder: request.includeOutOfOrder },
        { shadowServerUrl: target.config.shadowServerUrl },
      );
      // Say why someone who did not choose a shadow got one.
      const forRole = request.mode === undefined && mode === 'shadow' && target.environment.protection === 'guarded';
      return forRole && !result.modeReason
        ? { ...result, modeReason: `${target.environment.name} is guarded and a dry run on it takes its real locks, which needs an operator; as a ${principal.role} you see it run on a shadow database` }
        : result;
    },
    (r) => ({ outcome: r.failed ? 'failed' : 'ok', target: tagsOf(r.changeSets), detail: `${r.direction} in ${r.mode} mode` }),
  );
}

export async function runOperation(
  target: OperationTarget,
  request: OperationRequest,
  principal: Principal,
  onProgress?: (event: ProgressEvent) => void,
  cancelRequested?: RunContext['cancelRequested'],
): Promise<RunResult> {
  assertRunAllowed(target.environment, request);
  return runPlan(target, request, principal, onProgress, { cancelRequested });
}

/** What a run on behalf of something else (an approved request) adds to a plain run. */
export interface RunExtras {
  /** Appended to the audit outcome's detail. */
  auditDetail?: string;
  /** Kept in each history row's reason. */
  historyReason?: string;
  /** Names the session that holds the target's lock (see RunContext.sessionLabel). */
  sessionLabel?: string;
  /** Under the target's lock, once the plan is settled and before anything runs. */
  beforeRun?: (plan: PlanItem[]) => Promise<void>;
  /** Who asked to cancel the run while it waits for a lock (the operation's record says). */
  cancelRequested?: RunContext['cancelRequested'];
}

/** Apply or roll back exactly `expect` (checked under the lock), audited. Protection is the caller's business. */
export async function runPlan(
  target: OperationTarget,
  request: Pick<OperationRequest, 'direction' | 'to' | 'steps' | 'expect' | 'includeOutOfOrder'>,
  principal: Principal,
  onProgress?: (event: ProgressEvent) => void,
  extras: RunExtras = {},
): Promise<RunResult> {
  const ctx = { ...consoleRunContext(target, principal, onProgress), reason: extras.historyReason, sessionLabel: extras.sessionLabel, cancelRequested: extras.cancelRequested };
  const planned = request.expect?.map((p) => p.tag).join(', ') ?? null;
  return audited(
    target.config,
    principal,
    { action: request.direction, environment: target.environment.name, target: planned, intent: [extras.historyReason, planned ? `${request.direction} ${planned}` : null].filter(Boolean).join(': ') || null },
    // Whatever happened, a drift report from before it is stale.
    () =>
      (request.direction === 'apply'
        ? applyChangeSets(ctx, target.project, { to: request.to, includeOutOfOrder: request.includeOutOfOrder, expectPlan: request.expect, beforeRun: extras.beforeRun })
        : rollbackChangeSets(ctx, target.project, { to: request.to, steps: request.to === undefined ? (request.steps ?? 1) : undefined, expectPlan: request.expect, beforeRun: extras.beforeRun })
      ).finally(() => invalidateDrift(target.environment.name)),
    (r) => ({
      outcome: r.failed ? 'failed' : 'ok',
      target: tagsOf(r.records),
      detail: [extras.auditDetail, r.failed ? `${r.failed.tag}: ${r.failed.error?.message}` : null, ...backupNotes(r)].filter(Boolean).join('; ') || null,
    }),
  );
}

/** Served from the console's drift cache: at most one check per environment per STRATA_DRIFT_CACHE_SECONDS, whoever asks. */
export async function runDriftCheck(target: OperationTarget, principal: Principal): Promise<DriftReport> {
  return driftService().check(target, consoleRunContext(target, principal));
}

/** Seed (or reset and seed) an environment the guard allowed it on, with progress, audited. */
/** A seed from the console: the whole seed set, or one table (and its parents); a one-table reset names the cascade it agreed to. */
export interface SeedRequest {
  reset: boolean;
  table?: string;
  alsoEmpties?: string[];
}

export async function runSeed(target: OperationTarget, options: SeedRequest, principal: Principal, onProgress?: (event: ProgressEvent) => void): Promise<SeedResult> {
  return audited(
    target.config,
    principal,
    { action: options.reset ? 'reset' : 'seed', environment: target.environment.name, ...(options.table !== undefined ? { target: options.table } : {}) },
    () =>
      seedDatabase(consoleRunContext(target, principal, onProgress), target.project, { reset: options.reset, table: options.table, confirmCascade: options.alsoEmpties }).finally(() =>
        invalidateDrift(target.environment.name),
      ),
    (r) => ({
      outcome: 'ok',
      detail: `${r.tables.reduce((n, t) => n + t.rows, 0)} rows in ${r.tables.length} tables${r.table !== undefined && r.reset ? `; emptied ${r.truncated?.join(', ')}` : ''}`,
    }),
  );
}

/** What seeding or resetting one table of an environment would touch, read live; nothing changes. */
export function previewSeed(target: OperationTarget, table: string): Promise<TableSeedPlan> {
  return previewTableSeed(target.environment.url, target.project, table, target.environment.name);
}
