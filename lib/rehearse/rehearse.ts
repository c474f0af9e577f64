import { performance } from 'node:perf_hooks';
import { withoutBackups } from '../backup/backups';
import type { Project } from '../changesets/project';
import { connect } from '../db/client';
import { databaseNameOf } from '../db/connection-url';
import { quoteQualified } from '../db/identifiers';
import { StrataError } from '../errors';
import { fileToRun } from '../migrate/change-set-file';
import { appliedInOrder, planApply } from '../migrate/plan';
import { readTargetStatus } from '../migrate/read-status';
import type { ProgressEvent, RunContext } from '../migrate/run-context';
import { parseAll, runInOrder, type ParsedChangeSet } from '../migrate/run-plan';
import { withShadowDatabase } from '../migrate/shadow-database';
import { withTargetLock, type LockedConnection } from '../migrate/target-lock';
import { openTargetSession, assertNoBlockers } from '../migrate/target-session';
import { policiesFor } from '../retention/load-policies';
import type { TablePolicy } from '../retention/types';
import { copyTables, tablesToCopy } from './copy-data';
import { headlinesOf } from './headlines';
import { newMaskKeys } from './masking';
import type { CopiedTable, RehearsalReport, RehearsedChangeSet, RehearsedStatement } from './report';
import { RehearsalProbe } from './statement-probe';

export interface RehearsalRequest {
  /** The last change set to rehearse; default: every pending one. */
  to?: string;
  /** Fraction of each copied table's rows, 0 < sample ≤ 1 (default 1: all). */
  sample?: number;
}

/** What a rehearsal reports while it runs: the run's events, plus one per table copied. */
export type RehearsalProgress = ProgressEvent | { type: 'copy-table'; table: string; rows: number; position: number; total: number };

export interface RehearsalOptions {
  /** The server the scratch database is created on (the shadow server, as for shadow dry runs). */
  scratchServerUrl: string;
  /** The classification to mask by; default: the project's policy registry. */
  policies?: TablePolicy[];
  onProgress?: (event: RehearsalProgress) => void;
}

/** What the run on the scratch database reports back, besides the report's statements. */
interface ScratchRun {
  copiedTables: CopiedTable[];
  dataMs: number;
  schemaMs: number;
  runMs: number;
  changeSets: RehearsedChangeSet[];
  tempMeasured: boolean;
  scratchDatabase: string;
}

/**
 * Rehearses an apply: copies the target into a scratch database on `scratchServerUrl` — the
 * schema by replaying the target's applied change sets (a shadow database: shadow-database.ts
 * names it, drops it afterwards even on failure, and sweeps one a killed process left), then
 * the rows of the tables the plan names and those they reference, COPYed from the target
 * inside one read-only transaction with classified columns masked on the target's side —
 * and runs the plan there for real, with the same runner as apply, measuring every
 * statement (statement-probe.ts). The target is only read.
 */
export async function rehearse(ctx: RunContext, project: Project, request: RehearsalRequest, options: RehearsalOptions): Promise<RehearsalReport> {
  const sample = checkedSample(request.sample);
  const startedAt = new Date();
  const progress = (event: RehearsalProgress) => (options.onProgress ? options.onProgress(event) : event.type !== 'copy-table' && ctx.onProgress?.(event));
  const status = await readTargetStatus(ctx.url, project);
  assertNoBlockers(status);
  const plan = planApply(project, status, { to: request.to });
  const parsed = await parseAll(plan.changeSets, 'up', project.dir);
  const report = (run: ScratchRun | null): RehearsalReport => {
    const changeSets = run?.changeSets ?? [];
    return {
      environment: ctx.environment ?? 'database-url',
      to: plan.changeSets.at(-1)?.tag ?? request.to ?? null,
      sample,
      startedAt: startedAt.toISOString(),
      copy: { schemaMs: run?.schemaMs ?? 0, dataMs: run?.dataMs ?? 0, tables: run?.copiedTables ?? [] },
      changeSets,
      runMs: run?.runMs ?? 0,
      walBytes: changeSets.flatMap((c) => c.statements).reduce((sum, s) => sum + s.walBytes, 0),
      headlines: headlinesOf(changeSets),
      scratchDatabase: run?.scratchDatabase ?? null,
      dropMs: 0,
      scratchDropped: true,
      tempMeasured: run?.tempMeasured ?? false,
    };
  };
  if (parsed.length === 0) return report(null);
  const policies = options.policies ?? (await policiesFor(project.dir));

  const replay = appliedInOrder(status);
  progress({ type: 'phase', label: `Copying the schema: replaying ${replay.length} applied change sets onto a scratch database` });
  const t0 = performance.now();
  let workDone = t0;
  const run = await withShadowDatabase(
    options.scratchServerUrl,
    project,
    ctx.logger,
    async (scratchUrl) => {
      const schemaMs = performance.now() - t0;
      const { copiedTables, dataMs } = await copyData(ctx.url, scratchUrl, parsed, { sample, policies, progress });
      progress({ type: 'phase', label: `Running ${parsed.length} change set${parsed.length === 1 ? '' : 's'} on the copy` });
      const ran = await runOnScratch(ctx, project, scratchUrl, parsed, progress);
      progress({ type: 'phase', label: 'Dropping the scratch copy' });
      workDone = performance.now();
      return { schemaMs: Math.round(schemaMs), copiedTables, dataMs, ...ran, scratchDatabase: databaseNameOf(scratchUrl) };
    },
    { changeSets: replay },
  );
  return { ...report(run), dropMs: Math.round(performance.now() - workDone) };
}

/** `sample` as a fraction, refused unless 0 < sample ≤ 1. */
function checkedSample(sample: number | undefined): number {
  if (sample === undefined) return 1;
  if (typeof sample !== 'number' || !Number.isFinite(sample) || sample <= 0 || sample > 1) {
    throw new StrataError('BAD_USAGE', `A rehearsal's sample is a fraction of each table's rows above 0 and at most 1 (100%); got ${String(sample)}`, { sample });
  }
  return sample;
}

/** The data half of the copy: the target read in one read-only, repeatable-read transaction. */
async function copyData(
  targetUrl: string,
  scratchUrl: string,
  parsed: ParsedChangeSet[],
  options: { sample: number; policies: TablePolicy[]; progress: (e: RehearsalProgress) => void },
): Promise<{ copiedTables: CopiedTable[]; dataMs: number }> {
  const t0 = performance.now();
  const named = [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => [...s.tables, ...s.atRisk.map((r) => r.relation)])))];
  const target = connect(targetUrl, { max: 1, applicationName: 'strata:rehearsal-read' });
  const scratch = connect(scratchUrl, { max: 1, applicationName: 'strata:rehearsal-copy' });
  try {
    const source = await target.reserve();
    const sink = await scratch.reserve();
    try {
      await source.unsafe('begin isolation level repeatable read read only');
      const tables = await tablesToCopy(source, named);
      options.progress({ type: 'phase', label: `Copying the rows of ${tables.length} table${tables.length === 1 ? '' : 's'}${options.sample < 1 ? ` (sample ${+(options.sample * 100).toFixed(2)}%)` : ''}` });
      const copiedTables = await copyTables(source, sink, tables, {
        sample: options.sample,
        policies: options.policies,
        keys: newMaskKeys(),
        onTable: (table, rows, position) => options.progress({ type: 'copy-table', table, rows, position, total: tables.length }),
      });
      await source.unsafe('rollback');
      // Fresh statistics, as the target's would be: the plan's statements are planned on them.
      if (copiedTables.length) await sink.unsafe(`analyze ${tables.map((t) => quoteQualified(t.schema, t.name)).join(', ')}`);
      return { copiedTables, dataMs: Math.round(performance.now() - t0) };
    } finally {
      await source.unsafe('rollback').catch(() => undefined);
      source.release();
      sink.release();
    }
  } finally {
    await target.end({ timeout: 5 });
    await scratch.end({ timeout: 5 });
  }
}

/** The plan run for real on the scratch database by apply's runner, every statement measured. */
async function runOnScratch(
  ctx: RunContext,
  project: Project,
  scratchUrl: string,
  parsed: ParsedChangeSet[],
  progress: (e: RehearsalProgress) => void,
): Promise<{ runMs: number; changeSets: RehearsedChangeSet[]; tempMeasured: boolean }> {
  let probe: RehearsalProbe | null = null;
  const measured = new Map<string, RehearsedStatement[]>();
  // Where the run session's notices go while the probe listens (temp files).
  let sink: ((notice: { message?: string }) => void) | null = null;
  const noTransaction = (p: ParsedChangeSet) => fileToRun(p.changeSet, 'up').noTransaction;
  const onProgress = (event: ProgressEvent) => {
    const p = parsed.find((x) => 'tag' in event && x.changeSet.tag === event.tag);
    if (event.type === 'changeset-start' && p) probe?.startChangeSet(noTransaction(p));
    // Emitted right after the change set's commit (or rollback): its transaction's end.
    if (event.type === 'changeset-done') measured.set(event.tag, probe?.endChangeSet(performance.now()) ?? []);
    progress(event);
  };
  return withTargetLock(
    scratchUrl,
    'strata-rehearsal',
    async (conn: LockedConnection) => {
      const tempMeasured = await reportTempFiles(conn);
      const scratchCtx: RunContext = {
        url: scratchUrl,
        // Its log lines and history rows must not read as if the environment itself changed.
        environment: `${ctx.environment ?? 'database'} (rehearsal copy)`,
        actor: ctx.actor,
        logger: ctx.logger,
        lockTimeoutMs: ctx.lockTimeoutMs,
        statementTimeoutMs: ctx.statementTimeoutMs,
        // Nobody else is on the scratch database: a lock timeout there is the plan's own doing.
        lockRetries: 0,
        reason: 'rehearsal',
        onProgress,
      };
      await openTargetSession(conn, project, scratchCtx);
      probe = await RehearsalProbe.start(conn, scratchUrl);
      const runner = probe;
      sink = runner.onNotice;
      try {
        const t0 = performance.now();
        const result = await runInOrder(conn, withoutBackups({ ...scratchCtx, statementProbe: runner }), parsed, 'apply');
        const runMs = Math.round(performance.now() - t0);
        const changeSets = parsed.map((p): RehearsedChangeSet => {
          const record = result.records.find((r) => r.tag === p.changeSet.tag);
          return {
            tag: p.changeSet.tag,
            file: fileToRun(p.changeSet, 'up').file,
            noTransaction: noTransaction(p),
            status: !record ? 'not_run' : record.status === 'failed' ? 'failed' : 'ok',
            wallMs: record?.durationMs ?? 0,
            statements: measured.get(p.changeSet.tag) ?? [],
            error: record?.error?.message ?? null,
          };
        });
        return { runMs, changeSets, tempMeasured };
      } finally {
        sink = null;
        await runner.close();
      }
    },
    { onNotice: (notice) => sink?.(notice) },
  );
}

/**
 * Asks PostgreSQL to tell this session about every temp file it removes (log_temp_files = 0,
 * client_min_messages = log), which the probe counts per statement. Only a superuser may set
 * log_temp_files: without one, temp files are not measured and the report says so.
 */
async function reportTempFiles(conn: LockedConnection): Promise<boolean> {
  try {
    await conn.unsafe('set log_temp_files = 0');
    await conn.unsafe('set client_min_messages = log');
    return true;
  } catch {
    return false;
  }
}
