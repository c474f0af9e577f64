import { drizzleV1Name, rollbackFileOf, type ChangeSet, type Project } from '../changesets/project';
import { fileFor } from './change-set-file';
import type { DrizzleRow, HistoryEntry } from './history-store';
import type { LockHolder } from './target-lock';
import { batchProgressKey, type BatchProgress } from './batch-checkpoints';
import { sameSecond, upgradedTags } from './upgraded-tags';

/**
 * Where each change set of a project stands on one target, decided change set by change
 * set (by tag and checksum) — never by "newer than the last applied timestamp", which is
 * how drizzle-orm's migrator silently skips a teammate's late-merged change set.
 */
export type ChangeSetState = 'applied' | 'pending' | 'out_of_order' | 'failed' | 'interrupted' | 'checksum_mismatch' | 'skipped';

/** The states that block apply, rollback and dry runs until someone resolves them. */
export const BLOCKING_STATES: readonly ChangeSetState[] = ['failed', 'interrupted', 'checksum_mismatch'];

/**
 * What a look at the target's lock says about a change set whose latest row is `started`:
 * `stopped` when nobody can be running it (the lock is free, or held by the reader itself),
 * `held` when some session holds the lock (most likely the run itself). Without a look, the
 * reason says both are possible.
 */
export type RunnerLook = { kind: 'stopped' } | { kind: 'held'; holder: LockHolder };

/** What a reader knows about interrupted runs besides their `started` rows. */
export interface InterruptedLook {
  runner?: RunnerLook;
  /** Open checkpoints of batched statements (batch-checkpoints.ts), by batchProgressKey. */
  batches?: Map<string, BatchProgress>;
}

export interface ChangeSetStatus {
  changeSet: ChangeSet;
  state: ChangeSetState;
  /** The latest Strata history row for this change set, if any. */
  last: HistoryEntry | null;
  /** Applied according to drizzle's table only (drizzle-orm's migrate() ran it). */
  appliedByDrizzleOnly: boolean;
  /** Checksum recorded when it was applied (for mismatch reports). */
  appliedChecksum: string | null;
  /** Human explanation of blocking states and what resolves them. */
  reason: string | null;
  /** The tags its history rows carry from before `drizzle-kit up` renamed it (e.g. `0003_x` for `20241206153640_x`): upgraded-tags.ts. */
  formerTags: string[];
  /** drizzle's row for it, if any (by drizzle-orm 1.0's name, else a nameless row of its created_at). */
  drizzleRow: DrizzleRow | null;
}

export interface TargetStatus {
  changeSets: ChangeSetStatus[];
  /** Tag of the applied change set furthest along the journal: the schema version. */
  schemaVersion: string | null;
  lastMigrationAt: Date | null;
  counts: Record<ChangeSetState, number>;
  /** Tags in history that the project no longer has (and that are not a change set renamed by `drizzle-kit up`). */
  unknownTags: string[];
}

export function computeTargetStatus(project: Project, history: HistoryEntry[], drizzleRows: DrizzleRow[], look: InterruptedLook = {}): TargetStatus {
  // History rows written before `drizzle-kit up` carry the old tag: they count for the folder it became.
  const renamed = upgradedTags(project, history, drizzleRows);
  const tagOf = (entry: HistoryEntry) => renamed.get(entry.tag)?.tag ?? entry.tag;
  const lastByTag = new Map<string, HistoryEntry>();
  for (const entry of history) lastByTag.set(tagOf(entry), entry);
  const formerTags = new Map<string, string[]>();
  for (const [oldTag, changeSet] of renamed) formerTags.set(changeSet.tag, [...(formerTags.get(changeSet.tag) ?? []), oldTag]);
  // drizzle-orm 1.0 decides by name; only a row without one (0.x, or not yet upgraded) is matched
  // by created_at — a row named otherwise is another migration, whatever its created_at.
  const drizzleByName = new Map(drizzleRows.filter((r) => r.name !== null).map((r) => [r.name!, r]));
  const nameless = drizzleRows.filter((r) => r.name === null);

  const interim = project.changeSets.map((changeSet) => {
    const last = lastByTag.get(changeSet.tag) ?? null;
    const drizzleRow = findDrizzleRow(changeSet, drizzleByName, nameless) ?? null;
    const strataApplied = last?.status === 'applied';
    // A failed or interrupted run may have left drizzle's row behind (a rollback that stopped
    // half-way): that is not drizzle-orm applying it, and must not be adopted as applied.
    const unsettled = last?.status === 'failed' || last?.status === 'started';
    const appliedByDrizzleOnly = !strataApplied && !unsettled && drizzleRow !== null;
    const applied = strataApplied || appliedByDrizzleOnly;
    const appliedChecksum = strataApplied ? last!.checksum : appliedByDrizzleOnly ? drizzleRow!.hash : null;
    return { changeSet, last, applied, appliedByDrizzleOnly, appliedChecksum, drizzleRow, formerTags: formerTags.get(changeSet.tag) ?? [] };
  });

  const lastAppliedIndex = interim.reduce((acc, c, i) => (c.applied ? i : acc), -1);
  const changeSets: ChangeSetStatus[] = interim.map((c, i) => {
    const file = c.changeSet.forward.file;
    if (c.last?.status === 'failed') {
      const where = c.last.errorStatementIndex !== null ? ` at statement ${c.last.errorStatementIndex + 1}` : '';
      const undone = c.last.noTransaction
        ? 'it ran without a transaction, so part of it may be in place'
        : 'its transaction was rolled back, so nothing of it is in place';
      // A failing check (checks/NNNN_tag.sql) has no statement index; its detail is the rows it returned, masked.
      const rows = c.last.errorStatementIndex === null && c.last.errorDetail && /^(before-)?check /.test(c.last.errorMessage ?? '') ? `\n${c.last.errorDetail}` : '';
      return {
        ...c,
        state: 'failed',
        reason: `${c.changeSet.tag} failed${where} (${c.last.direction}): ${c.last.errorMessage}; ${undone}. ` +
          `Resolve with: strata resolve ${c.changeSet.tag} --as retry|applied|rolled-back --reason "…"${rows}`,
      };
    }
    if (c.last?.status === 'started') return { ...c, state: 'interrupted', reason: interruptedReason(c.changeSet, c.last, look) };
    if (c.applied && c.appliedChecksum !== c.changeSet.forward.checksum) {
      return {
        ...c,
        state: 'checksum_mismatch',
        reason: `${file} changed after it was applied (checksum ${short(c.appliedChecksum)} → ${short(c.changeSet.forward.checksum)}). ` +
          `Restore the file, or accept the edit with: strata resolve ${c.changeSet.tag} --accept-checksum --reason "…"`,
      };
    }
    if (c.applied) return { ...c, state: 'applied', reason: null };
    // An optional change set someone chose not to run here: not in place, and not blocking —
    // later change sets apply past it. Checked after `applied`: skipping writes no drizzle row,
    // so one found there means drizzle-orm's migrate() ran it since, and it is adopted as applied.
    if (c.last?.status === 'skipped') {
      return {
        ...c,
        state: 'skipped',
        reason: `${c.changeSet.tag} was skipped by ${c.last.actor} at ${c.last.finishedAt.toISOString()}${c.last.reason ? ` (${c.last.reason})` : ''}. ` +
          `Make it applicable again with: strata unskip ${c.changeSet.tag} --reason "…"`,
      };
    }
    if (i < lastAppliedIndex) {
      return {
        ...c,
        state: 'out_of_order',
        reason: `${c.changeSet.tag} sits before change sets already applied (merged late?); apply it explicitly with --include-out-of-order`,
      };
    }
    return { ...c, state: 'pending', reason: null };
  });

  const counts: Record<ChangeSetState, number> = { applied: 0, pending: 0, out_of_order: 0, failed: 0, interrupted: 0, checksum_mismatch: 0, skipped: 0 };
  for (const c of changeSets) counts[c.state]++;
  const lastApplied = lastAppliedIndex >= 0 ? project.changeSets[lastAppliedIndex]! : null;
  const finished = history.filter((h) => h.status !== 'failed' && h.status !== 'started' && h.status !== 'skipped').map((h) => h.finishedAt.getTime());
  const known = new Set(project.changeSets.map((c) => c.tag));
  return {
    changeSets,
    schemaVersion: lastApplied?.tag ?? null,
    lastMigrationAt: finished.length ? new Date(Math.max(...finished)) : null,
    counts,
    unknownTags: [...new Set(history.map(tagOf).filter((t) => !known.has(t)))],
  };
}

/** The folder each old tag of the history became in `drizzle-kit up` (upgraded-tags.ts), for readers of raw history rows. */
export function renamedTags(status: TargetStatus): Map<string, string> {
  return new Map(status.changeSets.flatMap((c) => c.formerTags.map((t) => [t, c.changeSet.tag] as const)));
}

/**
 * drizzle's row for a change set: the one carrying the name drizzle-orm 1.0 gives it (its folder;
 * for a journal entry the folder `drizzle-kit up` will make, which Strata writes when the table
 * has the column), else a nameless row of its created_at — in the folder layout any time in its
 * second, since a journal's `when` (written before `drizzle-kit up`) had milliseconds the folder
 * name drops, as drizzle-orm 1.0's own table upgrade rounds them.
 */
function findDrizzleRow(changeSet: ChangeSet, byName: Map<string, DrizzleRow>, nameless: DrizzleRow[]): DrizzleRow | undefined {
  const named = byName.get(drizzleV1Name(changeSet));
  if (named) return named;
  if (changeSet.drizzleName === undefined) return nameless.find((r) => r.createdAt === changeSet.when);
  return nameless.find((r) => r.createdAt === changeSet.when) ?? nameless.find((r) => sameSecond(r.createdAt, changeSet.when));
}

/**
 * Why a change set whose latest row is `started` blocks: its no-transaction run has no
 * outcome. Part of it may be in place, and a half-built CONCURRENTLY index is left INVALID,
 * so retrying is only safe once such leftovers are dropped or finished by hand.
 */
function interruptedReason(changeSet: ChangeSet, started: HistoryEntry, { runner, batches }: InterruptedLook): string {
  const verb = started.direction === 'up' ? 'apply' : 'rollback';
  const statements = `${started.statements} statement${started.statements === 1 ? '' : 's'}`;
  const file = fileFor(changeSet, started.direction)?.file ?? rollbackFileOf(changeSet);
  const look =
    runner?.kind === 'stopped'
      ? ' No other session holds the target\'s lock, so it is not running: it stopped half-way.'
      : runner?.kind === 'held'
        ? ` The target's lock is held by ${runner.holder.actor} since ${runner.holder.since.toISOString()} (backend pid ${runner.holder.pid}): if that is this run, wait for it to finish.`
        : '';
  const batched = batches?.get(batchProgressKey(changeSet.tag, started.direction));
  // A batched statement's checkpoint says how far the run got; other statements leave no trace.
  const progress = batched
    ? `(its batched statement ${batched.statementIndex + 1} had committed ${batched.batch.toLocaleString('en')}${batched.totalBatches ? ` of about ${batched.totalBatches.toLocaleString('en')}` : ''} batches, ` +
      `${batched.rowsDone.toLocaleString('en')} rows${batched.finished ? ', all of them' : ''}: a retry resumes after them and does not run the statements above it again)`
    : '(how many of its statements ran is not recorded)';
  return (
    `${changeSet.tag} is interrupted: its ${verb} (${file}, without a transaction, ${statements}) was started by ${started.actor} ` +
    `at ${started.startedAt.toISOString()} and has no outcome: it is running now, or its process stopped half-way ` +
    `${progress}.${look} ` +
    `Part of it may be in place: a half-run CREATE INDEX CONCURRENTLY leaves an INVALID index, which must be dropped or finished by hand (REINDEX) before a retry. ` +
    `Then resolve with: strata resolve ${changeSet.tag} --as retry|applied|rolled-back --reason "…"`
  );
}

function short(checksum: string | null): string {
  return checksum ? checksum.slice(0, 12) : 'none';
}
