import type { Project } from '../changesets/project';
import { assertReachable, connect } from '../db/client';
import { loadDrizzleRows, loadHistory, type HistoryEntry } from './history-store';
import { lookAtRunner } from './runner-look';
import { openBatchProgress } from './batch-checkpoints';
import { computeTargetStatus, type TargetStatus } from './target-state';
import { DATABASE_PLACE, type TargetPlace } from './target-place';

/**
 * Reads a target's history and status without taking the lock or writing anything:
 * safe for health checks, metrics scrapes and pages that poll. `place`: a tenant schema's history (target-place.ts).
 */
export async function readTarget(url: string, project: Project, place: TargetPlace = DATABASE_PLACE): Promise<{ status: TargetStatus; history: HistoryEntry[] }> {
  const sql = connect(url, { max: 1, applicationName: 'strata:read' });
  try {
    await assertReachable(sql, url);
    const [history, drizzleRows] = await Promise.all([loadHistory(sql, place), loadDrizzleRows(sql, place)]);
    const status = computeTargetStatus(project, history, drizzleRows);
    if (status.counts.interrupted === 0) return { status, history };
    const look = { runner: await lookAtRunner(sql, history, place), batches: await openBatchProgress(sql, place) };
    return { status: computeTargetStatus(project, history, drizzleRows, look), history };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export async function readTargetStatus(url: string, project: Project, place: TargetPlace = DATABASE_PLACE): Promise<TargetStatus> {
  return (await readTarget(url, project, place)).status;
}
