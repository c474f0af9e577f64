import { countTablesNamed, resolveTableNames, type RowCount } from '../db/row-counts';
import type { SchemaModel } from '../introspect/schema-model';
import { fileToRun, type Direction } from './change-set-file';
import { executeChangeSet, openSession, type SessionLimits } from './change-set-session';
import { allOutcomes } from './check-runner';
import { estimateBatches } from './batched-run';
import { roundMs } from './statement-outcome';
import type { ExecutedChangeSet } from './dry-run-types';
import { startLockCapture } from './lock-capture';
import type { ProgressEvent } from './run-context';
import type { ParsedChangeSet } from './run-plan';
import { readSequencePositions, sequenceGaps, type SequenceGap } from './sequence-guard';
import { introspectOn } from './target-reads';
import type { LockedConnection } from './target-lock';

export interface ExecutedPlan {
  changeSets: ExecutedChangeSet[];
  before: SchemaModel;
  after: SchemaModel;
  /** Row counts of every table the plan names, before it ran (lib/db/row-counts.ts), by `schema.name`. */
  rowCounts: Record<string, RowCount>;
  /** Sequences the dry run advanced: never set back (see sequence-guard.ts), reported. */
  sequenceGaps: SequenceGap[];
}

export interface ExecuteOptions extends Partial<SessionLimits> {
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Runs a plan for real inside ONE transaction on `conn` and always rolls it back: the
 * schema before and after (introspected inside the transaction), and for every statement
 * its duration, rows and the relation locks it took. Each change set runs in a savepoint
 * (change-set-session.ts), so a failing one is reported with PostgreSQL's message and the
 * "after" schema is what the change sets before it produced. Statements PostgreSQL refuses
 * in a transaction are simulated (CONCURRENTLY dropped) or skipped, and labelled.
 */
export async function executeInTransaction(
  conn: LockedConnection,
  parsed: ParsedChangeSet[],
  direction: Direction,
  options: ExecuteOptions = {},
): Promise<ExecutedPlan> {
  const progress = options.onProgress ?? (() => undefined);
  const sequencesBefore = await readSequencePositions(conn);
  let executed: ExecutedPlan;
  try {
    // The real run's session (timeouts, search_path), for the whole plan: one transaction.
    await openSession(conn, true, options);
    progress({ type: 'phase', label: 'Reading the schema before the change' });
    const before = await introspectOn(conn, true);
    const names = [...new Set(parsed.flatMap((p) => p.statements.flatMap((s) => [...s.tables, ...s.destroys])))];
    const rowCounts = Object.fromEntries((await countTablesNamed(conn, names)).map((t) => [t.table, t]));
    const locks = await startLockCapture(conn);

    const changeSets: ExecutedChangeSet[] = [];
    for (const [position, run] of parsed.entries()) {
      const { changeSet, statements } = run;
      progress({ type: 'changeset-start', tag: changeSet.tag, direction, statements: statements.length, position, total: parsed.length });
      const destroys = (await resolveTableNames(conn, [...new Set(statements.flatMap((s) => s.destroys))])).map((t) => `${t.schema}.${t.name}`);
      const batchedFile = fileToRun(changeSet, direction).file;
      const execution = await executeChangeSet(conn, { ...run, direction }, {
        onProgress: options.onProgress,
        insideTransaction: { locks },
        // A batched statement runs whole here; its estimate says how many batches and how long the real run takes.
        estimateBatches: (statement) => estimateBatches(conn, statement, batchedFile),
      });
      const { file, failure } = execution;
      changeSets.push({
        version: changeSet.version,
        tag: changeSet.tag,
        direction,
        file: file.file,
        checksum: file.checksum,
        noTransaction: file.noTransaction,
        status: failure ? 'failed' : 'ok',
        durationMs: roundMs(execution.statements.reduce((sum, s) => sum + s.durationMs, 0)),
        rows: execution.rows,
        statements: execution.statements,
        destroys,
        error: failure,
        checks: execution.checks,
      });
      progress({ type: 'changeset-done', tag: changeSet.tag, direction, status: failure ? 'failed' : direction === 'up' ? 'applied' : 'rolled_back', durationMs: changeSets.at(-1)!.durationMs });
      if (failure) break;
    }
    for (const { changeSet, checks } of parsed.slice(changeSets.length)) {
      const file = fileToRun(changeSet, direction);
      changeSets.push({ version: changeSet.version, tag: changeSet.tag, direction, file: file.file, checksum: file.checksum, noTransaction: file.noTransaction, status: 'not_run', durationMs: 0, rows: 0, statements: [], destroys: [], error: null, checks: direction === 'up' ? allOutcomes(checks, []) : [] });
    }
    progress({ type: 'phase', label: 'Reading the schema after the change' });
    const after = await introspectOn(conn, true);
    // Read inside the transaction: what this dry run used, not what the application used meanwhile.
    executed = { changeSets, before, after, rowCounts, sequenceGaps: sequenceGaps(sequencesBefore, await readSequencePositions(conn)) };
  } finally {
    await conn.unsafe('rollback').catch(() => undefined);
  }
  return executed;
}
