import type { DiffChange } from '../diff/types';
import { safeMessage } from '../db/safe-message';
import { readTarget } from '../migrate/read-status';
import { placeOf } from '../migrate/target-place';
import { inspectTarget, projectKey, storeOverview, type CheckOptions, type TargetOverview } from './fleet-overview';
import type { FleetTarget } from './types';

/**
 * One target of a fleet, read live (the page's detail panel): its overview — written back
 * to the cache, so the list agrees with what was just seen — its history (newest first),
 * its pending change sets and what differs from the expected schema. Never the URL.
 */
export interface TargetDetail {
  fleet: string;
  overview: TargetOverview;
  changeSets: Array<{ tag: string; state: string; reason: string | null }>;
  history: Array<{
    id: number;
    tag: string;
    operation: string;
    direction: string;
    status: string;
    actor: string;
    finishedAt: string;
    durationMs: number;
    errorMessage: string | null;
  }>;
  /** Null when drift could not be checked (overview.problem says why). */
  drift: { checkedAt: string; expected: 'cached' | 'computed'; changes: Array<Pick<DiffChange, 'kind' | 'action' | 'name' | 'table'>>; more: number } | null;
}

/** How many history rows and drift changes the detail carries at most. */
export const DETAIL_LIMIT = 200;

export async function readTargetDetail(target: FleetTarget, options: CheckOptions): Promise<TargetDetail> {
  const inspection = await inspectTarget(target, options);
  await storeOverview(options.config, options.fleet.name, projectKey(options.project), inspection.overview);
  // The history on a connection of its own (max 1, ended): the newest rows first.
  const history = inspection.status ? (await readTarget(target.url, options.project, placeOf(target)).catch(() => ({ history: [] }))).history.slice(-DETAIL_LIMIT).reverse() : [];
  const hide = (text: string | null) => (text === null ? null : safeMessage(text, [target.url]));
  const changes = inspection.drift?.diff.changes ?? [];
  return {
    fleet: options.fleet.name,
    overview: inspection.overview,
    changeSets: (inspection.status?.changeSets ?? []).map((c) => ({ tag: c.changeSet.tag, state: c.state, reason: hide(c.reason) })),
    history: history.map((h) => ({
      id: h.id,
      tag: h.tag,
      operation: h.operation,
      direction: h.direction,
      status: h.status,
      actor: h.actor,
      finishedAt: h.finishedAt.toISOString(),
      durationMs: h.durationMs,
      errorMessage: hide(h.errorMessage),
    })),
    drift: inspection.drift
      ? {
          checkedAt: inspection.drift.checkedAt,
          expected: inspection.drift.expected.source,
          changes: changes.slice(0, DETAIL_LIMIT).map(({ kind, action, name, table }) => ({ kind, action, name, table })),
          more: Math.max(0, changes.length - DETAIL_LIMIT),
        }
      : null,
  };
}
