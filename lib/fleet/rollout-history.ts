import type { ConsoleQueryable } from '../auth/console-db';
import type { RolloutState, RolloutTargetState } from './rollout-store';

/**
 * A fleet's latest rollouts as the fleet page shows them: per wave, how many targets are in
 * each state — counted by the console database (a rollout of 1,000 targets sends a few
 * numbers per wave, not 1,000 rows) — the failed targets with their error, and why the
 * rollout stopped. Read-only: the rollout's transitions live in rollout-store.ts.
 */

/** How many rollouts the page lists (the latest in full, the others as a short list). */
export const ROLLOUTS_SHOWN = 5;
/** Failed targets named per rollout; the wave counts still count them all. */
export const FAILED_TARGETS_SHOWN = 20;

export type WaveCounts = Record<RolloutTargetState, number>;

export interface RolloutWaveSummary extends WaveCounts {
  /** 1-based, as the CLI names waves ("wave 3"). */
  wave: number;
  total: number;
}

export interface FleetRolloutSummary {
  id: number;
  state: RolloutState;
  actor: string;
  toTag: string | null;
  createdAt: string;
  finishedAt: string | null;
  /** Why it stopped or failed (no URL: the store writes target names and change set errors only). */
  error: string | null;
  waves: RolloutWaveSummary[];
  failedTargets: Array<{ name: string; wave: number; error: string | null }>;
  failedCount: number;
}

export async function readFleetRollouts(sql: ConsoleQueryable, fleet: string, limit = ROLLOUTS_SHOWN): Promise<FleetRolloutSummary[]> {
  const rows = await sql`
    select r.id, r.state, r.actor, r.to_tag, r.created_at, r.finished_at, r.error,
      coalesce((
        select json_agg(w order by w.wave)
        from (
          select t.wave + 1 as wave, count(*)::int as total,
            count(*) filter (where t.state = 'waiting')::int as waiting,
            count(*) filter (where t.state = 'running')::int as running,
            count(*) filter (where t.state = 'succeeded')::int as succeeded,
            count(*) filter (where t.state = 'failed')::int as failed,
            count(*) filter (where t.state = 'skipped-at-head')::int as "skipped-at-head"
          from console.rollout_targets t where t.rollout = r.id group by t.wave
        ) w
      ), '[]'::json) as waves,
      coalesce((
        select json_agg(f order by f.wave, f.name)
        from (
          select t.name, t.wave + 1 as wave, t.error from console.rollout_targets t
          where t.rollout = r.id and t.state = 'failed' order by t.wave, t.name limit ${FAILED_TARGETS_SHOWN}
        ) f
      ), '[]'::json) as failed_targets,
      (select count(*)::int from console.rollout_targets t where t.rollout = r.id and t.state = 'failed') as failed_count
    from console.rollouts r
    where r.fleet = ${fleet}
    order by r.id desc
    limit ${limit}`;
  return rows.map((r) => ({
    id: Number(r.id),
    state: r.state as RolloutState,
    actor: String(r.actor),
    toTag: (r.to_tag as string | null) ?? null,
    createdAt: (r.created_at as Date).toISOString(),
    finishedAt: r.finished_at ? (r.finished_at as Date).toISOString() : null,
    error: (r.error as string | null) ?? null,
    waves: jsonOf(r.waves) as RolloutWaveSummary[],
    failedTargets: jsonOf(r.failed_targets) as FleetRolloutSummary['failedTargets'],
    failedCount: Number(r.failed_count),
  }));
}

/** postgres.js parses json columns; a string is parsed here in case a connection was set up without that. */
function jsonOf(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}
