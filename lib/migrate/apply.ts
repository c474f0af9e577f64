import { findChangeSet, type ChangeSet, type Project } from '../changesets/project';
import { splitStatements, type Statement } from '../changesets/statements';
import { runChangeSet, type RunRecord } from './run-change-set';
import type { RunContext } from './run-context';
import { withTargetLock } from './target-lock';
import { assertNoBlockers, openTargetSession } from './target-session';

export interface ApplyOptions {
  /** Apply pending change sets up to and including this tag (or version). */
  to?: string;
  /** Also apply change sets that sit before already-applied ones. */
  includeOutOfOrder?: boolean;
}

export interface RunResult {
  records: RunRecord[];
  /** The change set that failed, if any; nothing after it ran. */
  failed: RunRecord | null;
  /** Out-of-order change sets that were left alone (reported, never silently skipped). */
  skippedOutOfOrder: string[];
}

/**
 * Applies pending change sets in journal order, each in its own transaction, under the
 * target lock. Every file is parsed before the first one runs, so malformed SQL changes
 * nothing; the first failure stops the run.
 */
export async function applyChangeSets(ctx: RunContext, project: Project, options: ApplyOptions = {}): Promise<RunResult> {
  const limit = options.to ? findChangeSet(project, options.to).version : Infinity;
  return withTargetLock(ctx.url, ctx.actor, async (conn) => {
    const status = await openTargetSession(conn, project, ctx);
    assertNoBlockers(status);
    const wanted = new Set<string>(['pending', ...(options.includeOutOfOrder ? ['out_of_order'] : [])]);
    const plan = status.changeSets.filter((c) => wanted.has(c.state) && c.changeSet.version <= limit).map((c) => c.changeSet);
    const skippedOutOfOrder = status.changeSets
      .filter((c) => c.state === 'out_of_order' && !plan.includes(c.changeSet))
      .map((c) => c.changeSet.tag);
    const parsed = await parseAll(plan, (c) => c.forward);
    return runInOrder(conn, ctx, parsed, 'up', 'apply', skippedOutOfOrder);
  });
}

/** Splits every file of a plan first, so a parse error aborts before anything runs. */
export async function parseAll(
  plan: ChangeSet[],
  pick: (c: ChangeSet) => NonNullable<ChangeSet['rollback']>,
): Promise<Array<{ changeSet: ChangeSet; statements: Statement[] }>> {
  const parsed = [];
  for (const changeSet of plan) parsed.push({ changeSet, statements: await splitStatements(pick(changeSet)) });
  return parsed;
}

export async function runInOrder(
  conn: Parameters<typeof runChangeSet>[0],
  ctx: RunContext,
  parsed: Array<{ changeSet: ChangeSet; statements: Statement[] }>,
  direction: 'up' | 'down',
  operation: 'apply' | 'rollback',
  skippedOutOfOrder: string[] = [],
): Promise<RunResult> {
  const records: RunRecord[] = [];
  for (const [position, { changeSet, statements }] of parsed.entries()) {
    const file = direction === 'up' ? changeSet.forward : changeSet.rollback!;
    ctx.onProgress?.({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
    const record = await runChangeSet(conn, ctx, changeSet, file, statements, direction, operation);
    records.push(record);
    if (record.status === 'failed') return { records, failed: record, skippedOutOfOrder };
  }
  return { records, failed: null, skippedOutOfOrder };
}
