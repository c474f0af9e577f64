import type { Project } from '../changesets/project';
import { failureReason } from '../db/client';
import { readTarget } from '../migrate/read-status';
import { placeOf } from '../migrate/target-place';
import type { Fleet, FleetTarget, TargetState } from '../fleet/types';
import type { TargetStatus } from '../migrate/target-state';
import { forEachLimited } from '../fleet/limited';
import { TARGET_CONCURRENCY, targetStateOf } from '../fleet/fleet-overview';
import type { CommandOutput } from './command';
import { table } from './format';

/** The states `strata status --env FLEET` counts (drift needs the expected schema: the fleet page's, not this summary's). */
export type SummaryState = Exclude<TargetState, 'drifted'>;
const SUMMARY_STATES: readonly SummaryState[] = ['at-head', 'pending', 'failed', 'out-of-order', 'unreachable'];

/** One target as the summary shows it. No URL: target names are safe to show, URLs are secrets. */
export interface TargetSummary {
  target: string;
  state: SummaryState;
  schemaVersion: string | null;
  pending: number;
  /** Failed, interrupted or edited after apply: what blocks the next apply there. */
  blocked: number;
  outOfOrder: number;
  /** Why it could not be read (the driver's words, naming no target). */
  error: string | null;
}

export interface FleetStatusReport {
  fleet: string;
  protection: Fleet['protection'];
  head: string | null;
  counts: Record<SummaryState, number>;
  targets: TargetSummary[];
}

/**
 * Where every target of a fleet stands: each read with one connection of its own (max 1,
 * ended before the next target is taken), TARGET_CONCURRENCY at a time (as the fleet page
 * reads them), so a fleet of a thousand never holds more than that many connections.
 */
export async function readFleetStatus(fleet: Fleet, targets: FleetTarget[], project: Project, concurrency = TARGET_CONCURRENCY): Promise<FleetStatusReport> {
  const summaries: TargetSummary[] = new Array(targets.length);
  await forEachLimited(targets, concurrency, async (target, index) => {
    summaries[index] = await summarise(target, project);
  });
  const counts = Object.fromEntries(SUMMARY_STATES.map((s) => [s, 0])) as Record<SummaryState, number>;
  for (const s of summaries) counts[s.state] += 1;
  return { fleet: fleet.name, protection: fleet.protection, head: project.changeSets.at(-1)?.tag ?? null, counts, targets: summaries };
}

async function summarise(target: FleetTarget, project: Project): Promise<TargetSummary> {
  try {
    const { status } = await readTarget(target.url, project, placeOf(target));
    return { target: target.name, state: stateOf(status), schemaVersion: status.schemaVersion, pending: status.counts.pending, blocked: blockedCount(status), outOfOrder: status.counts.out_of_order, error: null };
  } catch (error) {
    return { target: target.name, state: 'unreachable', schemaVersion: null, pending: 0, blocked: 0, outOfOrder: 0, error: failureReason(error) };
  }
}

function blockedCount(status: TargetStatus): number {
  return status.counts.failed + status.counts.interrupted + status.counts.checksum_mismatch;
}

/** The fleet page's state, without drift (it needs the expected schema, which this summary does not build). */
const stateOf = (status: TargetStatus) => targetStateOf(status, null) as SummaryState;

/** The summary line, then the targets that are not at the head; exit 1 when a target could not be read (as `strata status` for environments). */
export function fleetStatusOutput(report: FleetStatusReport): CommandOutput {
  const c = report.counts;
  const header =
    `${report.fleet} (fleet, ${report.protection}): ${report.targets.length} target${report.targets.length === 1 ? '' : 's'}, head ${report.head ?? '(none)'}; ` +
    `${c['at-head']} at head, ${c.pending} pending, ${c.failed} failed, ${c['out-of-order']} out of order, ${c.unreachable} unreachable`;
  const behind = report.targets.filter((t) => t.state !== 'at-head');
  const rows = behind.map((t) => [t.target, t.state, t.schemaVersion ?? '(none)', t.pending, t.blocked, t.error ?? '']);
  const text = behind.length
    ? [header, '', 'Not at the head:', table(['target', 'state', 'schema version', 'pending', 'blocked', 'error'], rows)].join('\n')
    : `${header}\n\nEvery target is at the head.`;
  return { code: c.unreachable > 0 ? 1 : 0, text, json: report };
}
