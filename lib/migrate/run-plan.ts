import { backupBeforeChangeSet, pruneBackups, settingsOf, type PruneResult } from '../backup/backups';
import type { BackupRecord } from '../backup/backup-record';
import type { ChangeSet } from '../changesets/project';
import { splitStatements, type Statement } from '../changesets/statements';
import { directionOf, fileToRun, type Direction } from './change-set-file';
import { prepareChecks, type PreparedChecks } from './check-runner';
import { assertBatchable } from './batched-run';
import type { Operation } from './history-store';
import { runChangeSet, type RunRecord } from './run-change-set';
import type { RunContext } from './run-context';
import type { LockedConnection } from './target-lock';

/**
 * Running a plan for real, shared by apply, rollback and the shadow's replay: every file
 * parsed first, then the change sets one after another until one fails.
 */

export interface ParsedChangeSet {
  changeSet: ChangeSet;
  statements: Statement[];
  /** Its checks, when applying a change set that has them (check-runner.ts). */
  checks?: PreparedChecks | null;
}

export interface RunResult {
  records: RunRecord[];
  /** The change set that failed, if any; nothing after it ran. */
  failed: RunRecord | null;
  /** Out-of-order change sets that were left alone (reported, never silently skipped). */
  skippedOutOfOrder: string[];
  /** The verified copies taken before change sets that could destroy data, in run order. */
  backups: BackupRecord[];
  /** Older backups the retention policy removed after this run's new ones. */
  pruned: PruneResult['removed'];
}

/**
 * Splits the file of every change set of a plan for `direction` first, so a parse error aborts
 * before anything runs. Applying with `checksOf` (the project folder), their checks are parsed
 * and validated too, with the project's classification for masking what a failing one returns.
 */
export async function parseAll(plan: ChangeSet[], direction: Direction, checksOf?: string): Promise<ParsedChangeSet[]> {
  const parsed = [];
  for (const changeSet of plan) parsed.push({ changeSet, statements: await splitStatements(fileToRun(changeSet, direction)) });
  if (direction !== 'up' || checksOf === undefined) return parsed;
  const checks = await prepareChecks(checksOf, plan);
  return parsed.map((p) => ({ ...p, checks: checks.get(p.changeSet.tag) ?? null }));
}

/**
 * Runs parsed change sets in order (apply: their forward files; rollback: their rollback
 * files); the first failure stops the run. Before each change set whose file can destroy
 * data, what it can destroy is copied and verified (the run's backup policy); a copy that
 * does not verify stops the run before that change set. After a run that made copies, the
 * retention policy prunes the oldest.
 */
export async function runInOrder(
  conn: LockedConnection,
  ctx: RunContext,
  parsed: ParsedChangeSet[],
  operation: Extract<Operation, 'apply' | 'rollback'>,
  extra: { skippedOutOfOrder?: string[] } = {},
): Promise<RunResult> {
  const direction = directionOf(operation);
  const records: RunRecord[] = [];
  const backups: BackupRecord[] = [];
  const done = async (failed: RunRecord | null): Promise<RunResult> => ({ records, failed, skippedOutOfOrder: extra.skippedOutOfOrder ?? [], backups, pruned: await prune(conn, ctx, backups) });
  // Batched statements on tables without a primary key are refused before any change set runs
  // (a table an earlier change set creates is checked again before its own change set).
  for (const { changeSet, statements } of parsed) await assertBatchable(conn, statements, fileToRun(changeSet, direction).file);
  for (const [position, { changeSet, statements, checks }] of parsed.entries()) {
    ctx.onProgress?.({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
    const backup = await backupBeforeChangeSet(conn, ctx, changeSet, statements, direction);
    if (backup) backups.push(backup);
    const record = await runChangeSet(conn, ctx, { changeSet, direction, statements, checks }, operation, backup?.id ?? null);
    records.push(record);
    if (record.status === 'failed') return done(record);
  }
  return done(null);
}

async function prune(conn: LockedConnection, ctx: RunContext, made: BackupRecord[]): Promise<PruneResult['removed']> {
  if (made.length === 0) return [];
  const { removed } = await pruneBackups(conn, settingsOf(ctx));
  if (removed.length) ctx.logger.info({ env: ctx.environment, removed, actor: ctx.actor }, 'backups pruned');
  return removed;
}
