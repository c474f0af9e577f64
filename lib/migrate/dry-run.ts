import { performance } from 'node:perf_hooks';
import { settingsOf } from '../backup/backups';
import type { BackupMode } from '../backup/policy';
import type { Project } from '../changesets/project';
import { connect } from '../db/client';
import { countTablesNamed, type RowCount } from '../db/row-counts';
import { diffSchemas } from '../diff/schema-diff';
import { lintProject } from '../lint';
import type { LintFinding } from '../lint/types';
import { directionOf } from './change-set-file';
import { sessionLimits } from './change-set-session';
import { executeInTransaction, type ExecutedPlan } from './dry-run-executor';
import { DRY_RUN_LOCK_TIMEOUT_MS, DRY_RUN_STATEMENT_TIMEOUT_MS, lockBudgetRows, shadowReason } from './dry-run-safety';
import type { DryRunMode, DryRunRequest, DryRunResult } from './dry-run-types';
import { bySeverity, lockRisks } from './lock-risks';
import { appliedInOrder, planApply, planRollback } from './plan';
import { readTargetStatus } from './read-status';
import type { RunContext } from './run-context';
import { parseAll, type ParsedChangeSet } from './run-plan';
import { withShadowDatabase } from './shadow-database';
import { withTargetLock } from './target-lock';
import { tenantSearchPath, type TargetPlace } from './target-place';
import { readStatusOn } from './target-reads';
import { assertNoBlockers } from './target-session';
import type { TargetStatus } from './target-state';

export type { DryRunMode, DryRunRequest, DryRunResult } from './dry-run-types';

/**
 * Shows exactly what an apply or a rollback would do, and changes nothing: same catalog,
 * no rows, no history rows, no locks left behind (sequences moved by the dry run are put
 * back). The plan is the one the real run would execute (plan.ts), so what is confirmed
 * is what runs.
 */
export async function dryRun(ctx: RunContext, project: Project, request: DryRunRequest, options: { shadowServerUrl: string; lockBudgetRows?: number }): Promise<DryRunResult> {
  let mode: DryRunMode = request.mode ?? 'transaction';
  let modeReason: string | null = null;
  const startedAt = new Date();
  const t0 = performance.now();
  const execute = { lockTimeoutMs: ctx.lockTimeoutMs, statementTimeoutMs: ctx.statementTimeoutMs, onProgress: ctx.onProgress };
  let executed: ExecutedPlan | null = null;
  let limits = sessionLimits(execute);
  let parsed: ParsedChangeSet[] = [];
  if (mode === 'transaction') {
    // On the target itself: short timeouts, and a plan that would block others for long goes to a shadow.
    const onTarget = { ...execute, lockTimeoutMs: ctx.lockTimeoutMs ?? DRY_RUN_LOCK_TIMEOUT_MS, statementTimeoutMs: ctx.statementTimeoutMs ?? DRY_RUN_STATEMENT_TIMEOUT_MS };
    const budget = options.lockBudgetRows ?? lockBudgetRows();
    const run = await withTargetLock(ctx.url, ctx.actor, async (conn) => {
      const plan = await parsePlan(project, await readStatusOn(conn, project), request);
      const reason = await shadowReason(conn, plan, request.direction, budget);
      return reason ? { reason } : { parsed: plan, executed: await executeInTransaction(conn, plan, directionOf(request.direction), onTarget) };
    }, { waitMs: ctx.lockWaitMs, place: ctx.place });
    if ('reason' in run) {
      mode = 'shadow';
      modeReason = run.reason ?? null;
      ctx.onProgress?.({ type: 'phase', label: `Running on a shadow database: ${modeReason}` });
    } else {
      ({ parsed, executed } = run);
      limits = sessionLimits(onTarget);
    }
  }
  if (mode === 'shadow') {
    const status = await readTargetStatus(ctx.url, project, ctx.place);
    parsed = await parsePlan(project, status, request);
    const rowCounts = await targetRowCounts(ctx.url, parsed, ctx.place);
    const replay = appliedInOrder(status);
    ctx.onProgress?.({ type: 'phase', label: `Replaying ${replay.length} applied change sets onto a shadow database` });
    const onShadow = await withShadowDatabase(
      options.shadowServerUrl,
      project,
      ctx.logger,
      (shadowUrl) => withTargetLock(shadowUrl, 'strata-shadow', (conn) => executeInTransaction(conn, parsed, directionOf(request.direction), execute)),
      { changeSets: replay },
    );
    // The shadow has the schema but none of the data: risks are judged on the target's rows,
    // and the shadow's sequences are nobody's business.
    executed = { ...onShadow, rowCounts, sequenceGaps: [] };
  }
  if (!executed) throw new Error('unreachable: a dry run runs in a transaction or on a shadow');
  ctx.onProgress?.({ type: 'phase', label: 'Comparing schemas' });
  const rowCounts = rowsOf(executed.rowCounts);
  const diff = diffSchemas(executed.before, executed.after, { rowCounts });
  const lint = await lintPlan(project, executed, rowCounts, request.direction);
  const changeSets = executed.changeSets.map((c) => ({ ...c, lint: lint.filter((f) => f.changeSet === c.tag) }));
  const failed = changeSets.find((c) => c.status === 'failed') ?? null;
  return {
    environment: ctx.environment,
    mode,
    modeReason,
    sequenceGaps: executed.sequenceGaps,
    limits,
    direction: request.direction,
    startedAt: startedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    changeSets,
    failed,
    before: executed.before,
    after: executed.after,
    diff,
    risks: bySeverity([...diff.risks, ...lockRisks(executed.changeSets)]),
    backupTables: backupCandidates(executed, parsed, settingsOf(ctx).policy.mode),
  };
}

/**
 * Lint findings for the files the plan runs, judged as they would meet the target: its
 * server version (from the schema read before the run) and its row counts of the tables
 * the plan touches (other tables' counts are unknown, so their findings stay warnings).
 */
async function lintPlan(project: Project, executed: ExecutedPlan, rowCounts: Record<string, number>, direction: DryRunRequest['direction']): Promise<LintFinding[]> {
  const tags = executed.changeSets.map((c) => c.tag);
  if (tags.length === 0) return [];
  const report = await lintProject(project, {
    tags,
    serverVersion: Math.floor(executed.before.serverVersionNum / 10_000),
    tableRows: (table) => rowCounts[table] ?? null,
  });
  const kind = direction === 'apply' ? 'forward' : 'rollback';
  return report.changeSets.flatMap((c) => c.findings).filter((f) => f.fileKind === kind);
}

/** The real run's plan (apply or rollback), every file parsed before anything runs. */
async function parsePlan(project: Project, status: TargetStatus, request: DryRunRequest): Promise<ParsedChangeSet[]> {
  assertNoBlockers(status);
  if (request.direction === 'apply') {
    const plan = planApply(project, status, { to: request.to, includeOutOfOrder: request.includeOutOfOrder });
    return parseAll(plan.changeSets, 'up', project.dir);
  }
  const plan = planRollback(project, status, { to: request.to, steps: request.steps, all: request.all });
  return parseAll(plan, 'down');
}

/** Read-only row counts on the target, for a shadow dry run's risk flags. */
async function targetRowCounts(url: string, parsed: ParsedChangeSet[], place?: TargetPlace): Promise<Record<string, RowCount>> {
  const names = [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => [...s.tables, ...s.destroys])))];
  if (names.length === 0) return {};
  // A tenant's unqualified names are its own tables (target-place.ts).
  const searchPath = place ? (tenantSearchPath(place) ?? undefined) : undefined;
  const sql = connect(url, { max: 1, applicationName: 'strata:dry-run-read', searchPath });
  try {
    const conn = await sql.reserve();
    try {
      await conn.unsafe('begin read only');
      const counts = Object.fromEntries((await countTablesNamed(conn, names)).map((t) => [t.table, t]));
      await conn.unsafe('rollback');
      return counts;
    } finally {
      conn.release();
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/**
 * The tables with rows a real run would copy first under the run's backup policy: those it
 * destroys (and UPDATE targets) under `destructive`, every table it touches under `always`.
 * Table by table; the real run copies only the key and the columns at risk where it can.
 */
function backupCandidates(executed: ExecutedPlan, parsed: ParsedChangeSet[], mode: BackupMode): RowCount[] {
  if (mode === 'off') return [];
  const statements = parsed.flatMap((p) => p.statements);
  const named = new Set([
    ...executed.changeSets.flatMap((c) => c.destroys),
    ...statements.flatMap((s) => s.atRisk.filter((r) => r.how === 'update').map((r) => r.relation)),
    ...(mode === 'always' ? statements.flatMap((s) => s.tables) : []),
  ]);
  return [...named]
    .sort()
    .flatMap((table) => (executed.rowCounts[table] ? [executed.rowCounts[table]!] : []))
    .filter((t) => t.rows > 0);
}

/** The figures alone, for the diff's risk flags and lint, which judge on numbers. */
function rowsOf(counts: Record<string, RowCount>): Record<string, number> {
  return Object.fromEntries(Object.values(counts).map((c) => [c.table, c.rows]));
}
