import type { ChangeSet } from '../changesets/project';
import { splitStatements, type Statement } from '../changesets/statements';
import { directionOf, fileToRun, type Direction } from './change-set-file';
import { prepareChecks, type PreparedChecks } from './check-runner';
import type { Operation } from './history-store';
import { runChangeSet, type RunRecord } from './run-change-set';
import type { RunContext } from './run-context';
import type { TableBackup } from './table-backup';
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
  /** Where a destructive rollback copied the affected tables first. */
  backup: TableBackup | null;
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

/** Runs parsed change sets in order (apply: their forward files; rollback: their rollback files); the first failure stops the run. */
export async function runInOrder(
  conn: LockedConnection,
  ctx: RunContext,
  parsed: ParsedChangeSet[],
  operation: Extract<Operation, 'apply' | 'rollback'>,
  extra: { skippedOutOfOrder?: string[]; backup?: TableBackup | null } = {},
): Promise<RunResult> {
  const direction = directionOf(operation);
  const records: RunRecord[] = [];
  const done = (failed: RunRecord | null): RunResult => ({ records, failed, skippedOutOfOrder: extra.skippedOutOfOrder ?? [], backup: extra.backup ?? null });
  for (const [position, { changeSet, statements, checks }] of parsed.entries()) {
    ctx.onProgress?.({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
    const record = await runChangeSet(conn, ctx, { changeSet, direction, statements, checks }, operation, extra.backup?.schema ?? null);
    records.push(record);
    if (record.status === 'failed') return done(record);
  }
  return done(null);
}
